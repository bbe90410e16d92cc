//! Ticket search over message bodies and shoppers' names and emails, ranked.
//!
//! SQLite finds matches with its FTS5 indexes, PostgreSQL with GIN full-text indexes.
//! Both tokenise the same way (see the search migrations and
//! `protocol::search::search_terms`), and both bound the work per query: only the most
//! recent [`MESSAGE_SAMPLE`] matching messages are considered (on PostgreSQL, fewer
//! when the newest [`RECENT_WINDOW`] messages already fill a page), so a word in every
//! ticket costs no more than a rare one. The ranking is ours, the same on both
//! backends (`protocol::search::text_score`; the databases' own ranking functions
//! read every match of a common word): the shopper's name or email matched first, then
//! the best message's score, then latest activity.

use std::collections::HashMap;

use sqlx::Executor;

use protocol::{
    search::{search_terms, snippet, text_score, SearchHit, MAX_QUERY_CHARS},
    TicketSummary,
};

use super::{
    summaries::{SummaryRow, SUMMARY_SELECT},
    Backend, Store, StoreError,
};

/// Matching messages ranked per query (the most recent ones).
const MESSAGE_SAMPLE: i64 = 300;
/// The newest messages PostgreSQL reads first to see how common a term is.
const RECENT_WINDOW: i64 = 5_000;
/// Matches among them from which a term counts as common.
const COMMON_IN_WINDOW: i64 = 20;
/// For this transaction only: indexes are read as bitmaps (GIN first), never walked in
/// order or replaced by a table scan. Each run is planned for its own parameters: a
/// prepared statement's generic plan, made once for any term, is what walked a million
/// rows for a rare one.
const BITMAP_PLANS_ONLY: &str = "SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off;
     SET LOCAL plan_cache_mode = force_custom_plan";
/// For this transaction only: the time index is walked newest first, planned per run.
const NEWEST_FIRST_PLANS_ONLY: &str =
    "SET LOCAL enable_bitmapscan = off; SET LOCAL enable_seqscan = off;
     SET LOCAL plan_cache_mode = force_custom_plan";
/// Matching shoppers considered per query.
const CUSTOMER_SAMPLE: i64 = 50;
/// Results returned.
pub const SEARCH_RESULTS: usize = 30;
/// Characters of context in a result's snippet.
const SNIPPET_CHARS: usize = 90;

/// The full-text query for the backend: every term must match; the last may be the
/// start of a word (as typed so far) when it is at least 3 characters long.
fn match_query(backend: Backend, terms: &[String]) -> String {
    let last = terms.len() - 1;
    let parts = terms.iter().enumerate().map(|(index, term)| {
        let prefix = index == last && term.chars().count() >= 3;
        match (backend, prefix) {
            // Terms hold only letters and digits, so quoting cannot be broken out of.
            (Backend::Sqlite, true) => format!("\"{term}\"*"),
            (Backend::Sqlite, false) => format!("\"{term}\""),
            (Backend::Postgres, true) => format!("{term}:*"),
            (Backend::Postgres, false) => term.clone(),
        }
    });
    let joiner = match backend {
        Backend::Sqlite => " ",
        Backend::Postgres => " & ",
    };
    parts.collect::<Vec<_>>().join(joiner)
}

/// The query's term likeliest to be rare, for an index to look up alone: one with a
/// digit (`shopper15838`, an order number), else the longest. Looked up as a prefix (as
/// the last term typed is), it finds a few more rows than the whole query, never fewer.
fn probe_term(terms: &[String]) -> String {
    terms
        .iter()
        .max_by_key(|term| {
            (
                term.chars().any(|c| c.is_ascii_digit()),
                term.chars().count(),
            )
        })
        .cloned()
        .unwrap_or_default()
}

/// Whether matching messages come from enough tickets for a whole page of results.
/// Two common words together ("damaged box") match about one message in a hundred:
/// walking newest first to the sample's 300 read some 30,000 messages, for older matches
/// that could only reorder a page the newest messages already fill.
fn fills_a_page(matches: &[(String, String)]) -> bool {
    let tickets: std::collections::HashSet<&str> =
        matches.iter().map(|(ticket, _)| ticket.as_str()).collect();
    tickets.len() >= SEARCH_RESULTS
}

/// How one conversation matched.
#[derive(Default)]
struct Evidence {
    customer: bool,
    /// Higher is better.
    best_score: Option<f64>,
    best_body: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("Search for at most {MAX_QUERY_CHARS} characters.")]
    TooLong,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for SearchError {
    fn from(error: sqlx::Error) -> Self {
        SearchError::Store(StoreError::Database(error))
    }
}

impl Store {
    /// Adds up to `batch` stored messages to the search index, oldest first; returns
    /// how many. Safe to run on every node at once.
    pub async fn index_messages(&self, batch: i64) -> Result<u64, StoreError> {
        match self.backend {
            Backend::Sqlite => {
                let mut tx = self.writer.begin().await?;
                let (last,): (i64,) = sqlx::query_as(
                    "SELECT last_rowid FROM search_progress WHERE name = 'messages'",
                )
                .fetch_one(&mut *tx)
                .await?;
                let (count, newest): (i64, Option<i64>) = sqlx::query_as(
                    "SELECT COUNT(*), MAX(rowid) FROM
                        (SELECT rowid FROM messages WHERE rowid > $1 ORDER BY rowid LIMIT $2)",
                )
                .bind(last)
                .bind(batch)
                .fetch_one(&mut *tx)
                .await?;
                let Some(newest) = newest else {
                    return Ok(0);
                };
                sqlx::query(
                    "INSERT INTO messages_fts (rowid, body)
                     SELECT rowid, body FROM messages WHERE rowid > $1 AND rowid <= $2",
                )
                .bind(last)
                .bind(newest)
                .execute(&mut *tx)
                .await?;
                sqlx::query("UPDATE search_progress SET last_rowid = $1 WHERE name = 'messages'")
                    .bind(newest)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(count as u64)
            }
            Backend::Postgres => Ok(sqlx::query(
                "UPDATE messages SET search_vector =
                    to_tsvector('simple', regexp_replace(body, '[^[:alnum:]]+', ' ', 'g'))
                 WHERE id IN (SELECT id FROM messages WHERE search_vector IS NULL
                              ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED)",
            )
            .bind(batch)
            .execute(&self.writer)
            .await?
            .rows_affected()),
        }
    }

    /// Indexes every message stored so far (tests and the bench wait on this).
    pub async fn index_all_messages(&self) -> Result<(), StoreError> {
        while self.index_messages(5_000).await? > 0 {}
        Ok(())
    }

    /// Tickets matching `query`, best first, with `agent_id`'s read state.
    pub async fn search_tickets(
        &self,
        agent_id: &str,
        query: &str,
    ) -> Result<Vec<SearchHit>, SearchError> {
        if query.chars().count() > MAX_QUERY_CHARS {
            return Err(SearchError::TooLong);
        }
        let terms = search_terms(query);
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        let expression = match_query(self.backend, &terms);
        let mut found: HashMap<String, Evidence> = HashMap::new();

        for (conversation_id, body) in self.matching_messages(&expression).await? {
            let score = text_score(&body, &terms);
            let evidence = found.entry(conversation_id).or_default();
            if evidence.best_score.is_none_or(|best| score > best) {
                evidence.best_score = Some(score);
                evidence.best_body = Some(body);
            }
        }
        for conversation_id in self.matching_customers_tickets(&expression, &terms).await? {
            found.entry(conversation_id).or_default().customer = true;
        }
        if found.is_empty() {
            return Ok(Vec::new());
        }

        let ids: Vec<String> = found.keys().cloned().collect();
        let mut tickets = self.summaries(agent_id, &ids).await?;
        tickets.sort_by(|a, b| {
            let (ea, eb) = (&found[&a.id], &found[&b.id]);
            eb.customer
                .cmp(&ea.customer)
                .then(
                    eb.best_score
                        .unwrap_or(f64::MIN)
                        .total_cmp(&ea.best_score.unwrap_or(f64::MIN)),
                )
                .then(b.last_activity_at.cmp(&a.last_activity_at))
        });
        tickets.truncate(SEARCH_RESULTS);
        Ok(tickets
            .into_iter()
            .map(|ticket| {
                let evidence = &found[&ticket.id];
                let text = evidence.best_body.as_deref().unwrap_or(&ticket.preview);
                SearchHit {
                    customer_matched: evidence.customer,
                    snippet: snippet(text, &terms, SNIPPET_CHARS),
                    ticket,
                }
            })
            .collect())
    }

    /// `(conversation, body)` of the most recent matching messages.
    async fn matching_messages(
        &self,
        expression: &str,
    ) -> Result<Vec<(String, String)>, StoreError> {
        if self.backend == Backend::Postgres {
            return self.matching_messages_pg(expression).await;
        }
        // FTS5 walks its index newest rowid first and stops at the limit.
        Ok(sqlx::query_as(
            "SELECT m.conversation_id, m.body
             FROM (SELECT rowid FROM messages_fts WHERE messages_fts MATCH $1
                   ORDER BY rowid DESC LIMIT $2) AS hits
             JOIN messages m ON m.rowid = hits.rowid",
        )
        .bind(expression)
        .bind(MESSAGE_SAMPLE)
        .fetch_all(&self.reader)
        .await?)
    }

    /// PostgreSQL cannot estimate how many messages a prefix (`shopper12:*`) matches;
    /// guessing "many", it walked the time index through all million messages for a
    /// rare one (400 ms), while the GIN index answers a rare term in a fraction of a
    /// millisecond but a common one slowly (it reads every match, then sorts them).
    /// So the query measures instead of guessing: it first reads the newest
    /// [`RECENT_WINDOW`] messages, which gives a common term's matches outright and a
    /// sample of how common the term is; then a term seen often there is walked
    /// newest-first, and a term seen rarely is looked up in the GIN index.
    async fn matching_messages_pg(
        &self,
        expression: &str,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let recent: Vec<(String, String)> = sqlx::query_as(
            "SELECT conversation_id, body
             FROM (SELECT conversation_id, body, search_vector FROM messages
                   ORDER BY created_at DESC LIMIT $2) AS recent
             WHERE search_vector @@ to_tsquery('simple', $1) LIMIT $3",
        )
        .bind(expression)
        .bind(RECENT_WINDOW)
        .bind(MESSAGE_SAMPLE)
        .fetch_all(&self.reader)
        .await?;
        let seen = recent.len() as i64;
        if seen >= MESSAGE_SAMPLE || fills_a_page(&recent) {
            return Ok(recent);
        }
        // Two statements (the comments differ), so neither reuses a plan made for the other.
        let (plans, sql) = if seen >= COMMON_IN_WINDOW {
            // About one message in RECENT_WINDOW / COMMON_IN_WINDOW or more matches:
            // the newest-first walk meets enough of them soon.
            (
                NEWEST_FIRST_PLANS_ONLY,
                "SELECT /* newest first */ m.conversation_id, m.body FROM messages m
                 WHERE m.search_vector @@ to_tsquery('simple', $1)
                 ORDER BY m.created_at DESC LIMIT $2",
            )
        } else {
            (
                BITMAP_PLANS_ONLY,
                "SELECT /* through GIN */ m.conversation_id, m.body FROM messages m
                 WHERE m.search_vector @@ to_tsquery('simple', $1)
                 ORDER BY m.created_at DESC LIMIT $2",
            )
        };
        let mut tx = self.reader.begin().await?;
        tx.execute(plans).await?;
        let rows = sqlx::query_as(sql)
            .bind(expression)
            .bind(MESSAGE_SAMPLE)
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(rows)
    }

    /// Tickets (newest first, a few per shopper) of shoppers whose name or email matches
    /// `expression` (made of `terms`). PostgreSQL looks up only the rarest-looking term
    /// in its index and checks the whole expression on the shoppers found: every email
    /// holds the shop's domain, and
    /// reading its entry for a hundred thousand shoppers took longer than the rest of a
    /// search together.
    async fn matching_customers_tickets(
        &self,
        expression: &str,
        terms: &[String],
    ) -> Result<Vec<String>, StoreError> {
        let customers = match self.backend {
            Backend::Sqlite => {
                "SELECT cu.id FROM customers_fts
                 JOIN customers cu ON cu.rowid = customers_fts.rowid
                 WHERE customers_fts MATCH $1 LIMIT $2"
            }
            // `|| ''` leaves the vector as it is, but out of the index's reach.
            Backend::Postgres => {
                "SELECT cu.id FROM customers cu
                 WHERE cu.search_vector @@ to_tsquery('simple', $4)
                   AND (cu.search_vector || ''::tsvector) @@ to_tsquery('simple', $1)
                 LIMIT $2"
            }
        };
        let sql = format!(
            "SELECT c.id FROM conversations c
             WHERE c.customer_id IN ({customers})
             ORDER BY c.last_activity_at DESC LIMIT $3"
        );
        let query = sqlx::query_as(&sql)
            .bind(expression)
            .bind(CUSTOMER_SAMPLE)
            .bind(SEARCH_RESULTS as i64 * 2);
        let rows: Vec<(String,)> = if self.backend == Backend::Postgres {
            // As for messages: a rare email prefix guessed common read every customer.
            let mut tx = self.reader.begin().await?;
            tx.execute(BITMAP_PLANS_ONLY).await?;
            let probe = match_query(Backend::Postgres, &[probe_term(terms)]);
            let rows = query.bind(probe).fetch_all(&mut *tx).await?;
            tx.commit().await?;
            rows
        } else {
            query.fetch_all(&self.reader).await?
        };
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    /// The summaries of `ids` (any order).
    async fn summaries(
        &self,
        agent_id: &str,
        ids: &[String],
    ) -> Result<Vec<TicketSummary>, StoreError> {
        let mut tickets = Vec::with_capacity(ids.len());
        // Bounded by the samples above; a few hundred ids at most, in chunks.
        for chunk in ids.chunks(100) {
            let placeholders: Vec<String> =
                (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
            let sql = format!(
                "{SUMMARY_SELECT} WHERE c.id IN ({})",
                placeholders.join(", ")
            );
            let mut query = sqlx::query_as::<_, SummaryRow>(&sql).bind(agent_id);
            for id in chunk {
                query = query.bind(id);
            }
            for row in query.fetch_all(&self.reader).await? {
                tickets.push(TicketSummary::try_from(row)?);
            }
        }
        Ok(tickets)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{test_support::temp_store, NewMessage, Sender};

    #[test]
    fn queries_quote_terms_and_prefix_only_the_last() {
        let terms = search_terms("ana souza");
        assert_eq!(match_query(Backend::Sqlite, &terms), "\"ana\" \"souza\"*");
        assert_eq!(match_query(Backend::Postgres, &terms), "ana & souza:*");
        assert_eq!(match_query(Backend::Sqlite, &search_terms("o")), "\"o\"");
    }

    #[test]
    fn the_index_is_probed_with_the_term_likeliest_to_be_rare() {
        let probe = |query: &str| probe_term(&search_terms(query));
        assert_eq!(probe("shopper15838@bench.example"), "shopper15838");
        assert_eq!(probe("refund 4821"), "4821");
        assert_eq!(probe("Tom Chen"), "chen");
        assert_eq!(probe("damaged box"), "damaged");
    }

    #[test]
    fn a_page_is_full_with_matches_from_enough_tickets() {
        let matches = |tickets: usize| -> Vec<(String, String)> {
            (0..SEARCH_RESULTS * 2)
                .map(|i| (format!("t{}", i % tickets), "damaged box".to_owned()))
                .collect()
        };
        assert!(fills_a_page(&matches(SEARCH_RESULTS)));
        assert!(!fills_a_page(&matches(SEARCH_RESULTS - 1)));
    }

    async fn chat(
        store: &Store,
        external: &str,
        name: &str,
        email: &str,
        bodies: &[&str],
    ) -> String {
        let customer = store
            .upsert_customer(external, name, email)
            .await
            .expect("customer");
        let mut conversation = String::new();
        for (index, body) in bodies.iter().enumerate() {
            let appended = store
                .append_message(NewMessage {
                    sender: Sender::Shopper {
                        customer_id: customer.id.clone(),
                        name: name.to_owned(),
                        channel: protocol::Channel::Chat,
                    },
                    conversation_id: None,
                    client_id: format!("c{index}"),
                    body: (*body).to_owned(),
                    back_at: None,
                    attachments: Vec::new(),
                    ai_first: false,
                })
                .await
                .expect("stored");
            conversation = appended.message.conversation_id;
        }
        conversation
    }

    #[tokio::test]
    async fn search_finds_words_names_and_email_parts_ranked() {
        let (store, _dir) = temp_store().await;
        let ana = chat(
            &store,
            "1",
            "Ana Souza",
            "ana@example.com",
            &["Where is my order 1001?"],
        )
        .await;
        let ben = chat(
            &store,
            "2",
            "Ben Okafor",
            "ben@example.com",
            &[
                "I want a refund",
                "The refund for order 1002, please: refund!",
            ],
        )
        .await;
        let carl = chat(
            &store,
            "3",
            "Carl Refundson",
            "carl@example.com",
            &["Hello"],
        )
        .await;
        store.index_all_messages().await.expect("indexed");

        let hits = store.search_tickets("", "refund").await.expect("search");
        let order: Vec<&str> = hits.iter().map(|h| h.ticket.id.as_str()).collect();
        assert_eq!(
            order,
            [carl.as_str(), ben.as_str()],
            "a name match ranks first"
        );
        assert!(hits[0].customer_matched);
        assert!(hits[1]
            .snippet
            .iter()
            .any(|part| part.hit && part.text == "refund"));

        let by_email = store
            .search_tickets("", "ana@example")
            .await
            .expect("search");
        assert_eq!(by_email.len(), 1);
        assert_eq!(by_email[0].ticket.id, ana);
        let by_number = store.search_tickets("", "#1001").await.expect("search");
        assert_eq!(by_number[0].ticket.id, ana);
        let typed_so_far = store.search_tickets("", "souz").await.expect("search");
        assert_eq!(typed_so_far[0].ticket.id, ana);
        assert!(store
            .search_tickets("", "zebra")
            .await
            .expect("search")
            .is_empty());
        assert!(store
            .search_tickets("", " \"*) OR ( ")
            .await
            .expect("search")
            .is_empty());
        assert!(matches!(
            store
                .search_tickets("", &"x".repeat(MAX_QUERY_CHARS + 1))
                .await,
            Err(SearchError::TooLong)
        ));
    }
}
