//! The inbox at scale: many tickets and messages written straight into the database in
//! large batches (the message path would take hours for a million), then the agent's
//! inbox first page timed over HTTP, as the helpdesk asks for it.

use std::time::Instant;

use sqlx::{any::AnyPoolOptions, AnyPool};

/// Rows per INSERT statement, and statements per transaction.
const ROWS_PER_INSERT: usize = 500;
const INSERTS_PER_COMMIT: usize = 40;

/// First and last names the seeded shoppers are made of (names repeat, as in a real shop).
const FIRST_NAMES: [&str; 20] = [
    "Maria", "Ana", "Ben", "Chloe", "David", "Emma", "Felipe", "Grace", "Hugo", "Isabel", "Jonas",
    "Keiko", "Liam", "Mei", "Noah", "Olga", "Priya", "Rafael", "Sofia", "Tom",
];
const LAST_NAMES: [&str; 25] = [
    "Silva", "Souza", "Okafor", "Martin", "Smith", "Müller", "Tanaka", "Rossi", "Dubois", "Nowak",
    "Kim", "Garcia", "Costa", "Jensen", "Murphy", "Novak", "Haddad", "Singh", "Lopez", "Ivanova",
    "Chen", "Brown", "Santos", "Khan", "Walker",
];
/// What the seeded shoppers write (`{order}` is their order number).
const PHRASES: [&str; 12] = [
    "Hi, where is my order #{order}? The tracking has not moved for three days.",
    "I would like a refund for order #{order}, the jacket is too small.",
    "Can I change the delivery address for #{order}? We moved last week.",
    "The box arrived damaged and the mug inside is broken.",
    "Do you ship to Lisbon? And how long does it take?",
    "Is the linen shirt available in size M again?",
    "I was charged twice for order #{order}, please check.",
    "Thanks, that solved it!",
    "Can I exchange the sneakers for a larger size?",
    "My discount code WELCOME10 does not work at checkout.",
    "When will the blue backpack be back in stock?",
    "Could you send me the invoice for #{order}?",
];

/// The shopper name of seeded ticket `i`.
pub fn shopper_name(i: usize) -> String {
    format!(
        "{} {}",
        FIRST_NAMES[i % FIRST_NAMES.len()],
        LAST_NAMES[(i / FIRST_NAMES.len()) % LAST_NAMES.len()]
    )
}

/// Writes `tickets` tickets (one customer each, a tenth of them open) with
/// `messages_each` messages each, in realistic words (for search). Returns the seconds
/// it took.
pub async fn seed(database_url: &str, tickets: usize, messages_each: usize) -> f64 {
    let started = Instant::now();
    let sqlite = database_url.starts_with("sqlite");
    let pool = AnyPoolOptions::new()
        .max_connections(1)
        .after_connect(move |connection, _| {
            Box::pin(async move {
                // The running server writes too (its search indexer): wait for it.
                if sqlite {
                    sqlx::Executor::execute(connection, "PRAGMA busy_timeout = 30000").await?;
                }
                Ok(())
            })
        })
        .connect(database_url)
        .await
        .expect("bench seeding connects");
    let base: i64 = 1_700_000_000_000;
    insert_rows(
        &pool,
        "customers (id, external_id, name, email, created_at, updated_at)",
        tickets,
        |i| {
            format!(
                "('bc{i:08}', 'ext-{i}', '{}', 'shopper{i}@bench.example', {base}, {base})",
                shopper_name(i)
            )
        },
    )
    .await;
    let each = messages_each as i64;
    insert_rows(
        &pool,
        "conversations (id, customer_id, channel, status, assignee_id, preview, last_seq, \
         last_shopper_seq, last_activity_at, created_at, closed_at)",
        tickets,
        |i| {
            let open = i % 10 == 0;
            let at = base + i as i64 * 1000;
            format!(
                "('bt{i:08}', 'bc{i:08}', 'chat', '{}', NULL, 'Thanks, that solved it!', \
                 {each}, {each}, {at}, {at}, {})",
                if open { "open" } else { "closed" },
                if open {
                    "NULL".to_owned()
                } else {
                    at.to_string()
                },
            )
        },
    )
    .await;
    insert_rows(
        &pool,
        "messages (id, conversation_id, seq, sender_key, client_id, author_kind, author_name, \
         body, created_at)",
        tickets * messages_each,
        |n| {
            let (i, seq) = (n / messages_each, (n % messages_each) as i64 + 1);
            let at = base + i as i64 * 1000 + seq;
            let phrase = PHRASES[(i * 7 + seq as usize) % PHRASES.len()]
                .replace("{order}", &(100_000 + i).to_string());
            format!(
                "('bm{i:08}-{seq}', 'bt{i:08}', {seq}, 'shopper:bc{i:08}', 'c{seq}', 'shopper', \
                 '{}', '{phrase}', {at})",
                shopper_name(i)
            )
        },
    )
    .await;
    pool.close().await;
    started.elapsed().as_secs_f64()
}

/// `count` rows into `table_and_columns`, each row's SQL literal made by `row(index)`.
/// On SQLite each batch takes the write lock up front (`BEGIN IMMEDIATE`): the running
/// server writes to the same file (its search indexer), and a transaction that starts
/// by reading could not wait for it.
async fn insert_rows(
    pool: &AnyPool,
    table_and_columns: &str,
    count: usize,
    row: impl Fn(usize) -> String,
) {
    let mut connection = pool.acquire().await.expect("connection");
    let begin = match connection.backend_name() {
        "SQLite" => "BEGIN IMMEDIATE",
        _ => "BEGIN",
    };
    let mut next = 0;
    while next < count {
        sqlx::Executor::execute(&mut *connection, begin)
            .await
            .expect("begin");
        for _ in 0..INSERTS_PER_COMMIT {
            if next >= count {
                break;
            }
            let end = (next + ROWS_PER_INSERT).min(count);
            let values: Vec<String> = (next..end).map(&row).collect();
            sqlx::query(&format!(
                "INSERT INTO {table_and_columns} VALUES {}",
                values.join(", ")
            ))
            .execute(&mut *connection)
            .await
            .expect("bench rows insert");
            next = end;
        }
        sqlx::Executor::execute(&mut *connection, "COMMIT")
            .await
            .expect("commit");
    }
}

/// Milliseconds for each of `samples` inbox first pages (after a few warm-ups),
/// fetched as the helpdesk does: the `inbox/tickets` server function (Open, All) with the
/// agent's cookie.
pub async fn inbox_page_ms(port: u16, session_token: &str, samples: usize) -> Vec<f64> {
    let http = reqwest::Client::new();
    let mut timings = Vec::with_capacity(samples);
    for sample in 0..samples + 5 {
        let started = Instant::now();
        let response = http
            .post(format!("http://127.0.0.1:{port}/api/inbox/tickets"))
            .header("Cookie", format!("shopdesk_session={session_token}"))
            .header("Origin", format!("http://127.0.0.1:{port}"))
            .json(&serde_json::json!({
                "view": {"status": "open", "scope": "all", "sort": "activity"},
                "after": null
            }))
            .send()
            .await
            .expect("inbox request");
        assert!(
            response.status().is_success(),
            "inbox: {}",
            response.status()
        );
        let body = response.bytes().await.expect("inbox body");
        assert!(body.len() > 2, "the inbox lists tickets");
        if sample >= 5 {
            timings.push(started.elapsed().as_secs_f64() * 1000.0);
        }
    }
    timings.sort_by(f64::total_cmp);
    timings
}

/// Gathers PostgreSQL's planner statistics, as autovacuum would on a live database
/// (the bulk-written rows and the search vectors are new to it).
pub async fn analyze(database_url: &str) {
    if !database_url.starts_with("postgres") {
        return;
    }
    let pool = AnyPoolOptions::new()
        .max_connections(1)
        .connect(database_url)
        .await
        .expect("analyze connects");
    sqlx::query("ANALYZE")
        .execute(&pool)
        .await
        .expect("analyze");
    pool.close().await;
}

/// What agents search for, in turn: a name, an email, an order number, a common word,
/// two words, and a word typed half-way.
pub fn search_queries(tickets: usize) -> Vec<String> {
    let some = |k: usize| (k * 7919) % tickets.max(1);
    vec![
        shopper_name(some(1)),
        format!("shopper{}@bench.example", some(2)),
        format!("#{}", 100_000 + some(3)),
        "refund".to_owned(),
        "damaged box".to_owned(),
        "backp".to_owned(),
    ]
}

/// Milliseconds for each of `samples` searches (after a few warm-ups), through the
/// `inbox/search` server function, cycling through `queries`.
pub async fn search_ms(
    port: u16,
    session_token: &str,
    queries: &[String],
    samples: usize,
) -> Vec<f64> {
    let http = reqwest::Client::new();
    let mut timings = Vec::with_capacity(samples);
    for sample in 0..samples + 5 {
        let query = &queries[sample % queries.len()];
        let started = Instant::now();
        let response = http
            .post(format!("http://127.0.0.1:{port}/api/inbox/search"))
            .header("Cookie", format!("shopdesk_session={session_token}"))
            .header("Origin", format!("http://127.0.0.1:{port}"))
            .json(&serde_json::json!({ "query": query }))
            .send()
            .await
            .expect("search request");
        assert!(
            response.status().is_success(),
            "search: {}",
            response.status()
        );
        let hits: Vec<serde_json::Value> = response.json().await.expect("search body");
        assert!(!hits.is_empty(), "{query:?} finds tickets");
        if sample >= 5 {
            let elapsed = started.elapsed().as_secs_f64() * 1000.0;
            // Each query's own time, to see which one makes the tail.
            if std::env::var("BENCH_SEARCH_EACH").is_ok() {
                eprintln!("search {query:?} {elapsed:.2} ms");
            }
            timings.push(elapsed);
        }
    }
    timings.sort_by(f64::total_cmp);
    timings
}
