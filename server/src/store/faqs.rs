//! The `faqs` table: the merchant's questions and answers, their order, and how often
//! shoppers opened each one and still asked for a person afterwards (deflection).

use protocol::settings::{Faq, FaqEventKind, FaqInput, PublicFaq, MAX_FAQS};

use super::{Store, StoreError};
use crate::ids::{new_id, now_ms};

#[derive(sqlx::FromRow)]
struct FaqRow {
    id: String,
    question: String,
    answer: String,
    published: i64,
    opened_count: i64,
    still_needed_count: i64,
}

impl From<FaqRow> for Faq {
    fn from(row: FaqRow) -> Self {
        Faq {
            id: row.id,
            question: row.question,
            answer: row.answer,
            published: row.published != 0,
            opened: row.opened_count,
            still_needed_help: row.still_needed_count,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum FaqError {
    #[error("FAQ not found")]
    NotFound,
    #[error("a store can have at most {MAX_FAQS} FAQs")]
    TooMany,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for FaqError {
    fn from(error: sqlx::Error) -> Self {
        FaqError::Store(error.into())
    }
}

const FAQ_COLUMNS: &str = "id, question, answer, published, opened_count, still_needed_count";

impl Store {
    /// Every FAQ in the merchant's order.
    pub async fn faqs(&self) -> Result<Vec<Faq>, StoreError> {
        let rows: Vec<FaqRow> = sqlx::query_as(&format!(
            "SELECT {FAQ_COLUMNS} FROM faqs ORDER BY position, created_at"
        ))
        .fetch_all(&self.reader)
        .await?;
        Ok(rows.into_iter().map(Faq::from).collect())
    }

    /// The published FAQs, in order, as the widget shows them.
    pub async fn published_faqs(&self) -> Result<Vec<PublicFaq>, StoreError> {
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT id, question, answer FROM faqs WHERE published = 1
             ORDER BY position, created_at",
        )
        .fetch_all(&self.reader)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, question, answer)| PublicFaq {
                id,
                question,
                answer,
            })
            .collect())
    }

    /// Adds an FAQ (validated by the caller) at the end of the list.
    pub async fn create_faq(&self, input: &FaqInput) -> Result<Faq, FaqError> {
        let mut tx = self.writer.begin().await?;
        let (count, last): (i64, Option<i64>) =
            sqlx::query_as("SELECT COUNT(*), MAX(position) FROM faqs")
                .fetch_one(&mut *tx)
                .await?;
        if count >= MAX_FAQS as i64 {
            return Err(FaqError::TooMany);
        }
        let id = new_id();
        let now = now_ms();
        sqlx::query(
            "INSERT INTO faqs (id, question, answer, published, position, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(&id)
        .bind(&input.question)
        .bind(&input.answer)
        .bind(i64::from(input.published))
        .bind(last.map_or(0, |last| last + 1))
        .bind(now)
        .execute(&mut *tx)
        .await?;
        bump_version(&mut tx).await?;
        tx.commit().await?;
        Ok(Faq {
            id,
            question: input.question.clone(),
            answer: input.answer.clone(),
            published: input.published,
            opened: 0,
            still_needed_help: 0,
        })
    }

    pub async fn update_faq(&self, id: &str, input: &FaqInput) -> Result<(), FaqError> {
        let mut tx = self.writer.begin().await?;
        let updated = sqlx::query(
            "UPDATE faqs SET question = $1, answer = $2, published = $3, updated_at = $4
             WHERE id = $5",
        )
        .bind(&input.question)
        .bind(&input.answer)
        .bind(i64::from(input.published))
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(FaqError::NotFound);
        }
        bump_version(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn delete_faq(&self, id: &str) -> Result<(), FaqError> {
        let mut tx = self.writer.begin().await?;
        let deleted = sqlx::query("DELETE FROM faqs WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if deleted.rows_affected() == 0 {
            return Err(FaqError::NotFound);
        }
        bump_version(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Puts the FAQs in the order of `ids`, which must name every FAQ exactly once
    /// (so a reorder based on a stale list is refused rather than half-applied).
    pub async fn reorder_faqs(&self, ids: &[String]) -> Result<(), FaqError> {
        let mut tx = self.writer.begin().await?;
        let mut current: Vec<(String,)> = sqlx::query_as("SELECT id FROM faqs")
            .fetch_all(&mut *tx)
            .await?;
        let mut wanted: Vec<&str> = ids.iter().map(String::as_str).collect();
        current.sort();
        wanted.sort_unstable();
        if current.len() != wanted.len()
            || current
                .iter()
                .zip(&wanted)
                .any(|((id,), wanted)| id != wanted)
        {
            return Err(FaqError::NotFound);
        }
        for (position, id) in ids.iter().enumerate() {
            sqlx::query("UPDATE faqs SET position = $1 WHERE id = $2")
                .bind(position as i64)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        bump_version(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Counts a shopper opening a published FAQ, or still needing help after it.
    pub async fn record_faq_event(&self, id: &str, kind: FaqEventKind) -> Result<(), FaqError> {
        let column = match kind {
            FaqEventKind::Opened => "opened_count",
            FaqEventKind::StillNeededHelp => "still_needed_count",
        };
        let updated = sqlx::query(&format!(
            "UPDATE faqs SET {column} = {column} + 1 WHERE id = $1 AND published = 1"
        ))
        .bind(id)
        .execute(&self.writer)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(FaqError::NotFound);
        }
        Ok(())
    }
}

async fn bump_version(tx: &mut sqlx::Transaction<'_, sqlx::Any>) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE shop SET settings_version = settings_version + 1 WHERE id = 1")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_support::temp_store;

    fn faq(question: &str, published: bool) -> FaqInput {
        FaqInput {
            question: question.into(),
            answer: format!("Answer to {question}"),
            published,
        }
    }

    #[tokio::test]
    async fn faqs_keep_their_order_and_only_published_ones_reach_the_widget() {
        let (store, _dir) = temp_store().await;
        let shipping = store.create_faq(&faq("Shipping?", true)).await.expect("a");
        let returns = store.create_faq(&faq("Returns?", false)).await.expect("b");
        let sizes = store.create_faq(&faq("Sizes?", true)).await.expect("c");
        store
            .reorder_faqs(&[sizes.id.clone(), shipping.id.clone(), returns.id.clone()])
            .await
            .expect("reorder");
        let questions: Vec<String> = store
            .faqs()
            .await
            .expect("list")
            .into_iter()
            .map(|faq| faq.question)
            .collect();
        assert_eq!(questions, ["Sizes?", "Shipping?", "Returns?"]);
        let public: Vec<String> = store
            .published_faqs()
            .await
            .expect("public")
            .into_iter()
            .map(|faq| faq.question)
            .collect();
        assert_eq!(public, ["Sizes?", "Shipping?"]);
        // A stale reorder (missing one) changes nothing.
        let stale = store
            .reorder_faqs(&[shipping.id.clone(), sizes.id.clone()])
            .await;
        assert!(matches!(stale, Err(FaqError::NotFound)));
        assert_eq!(store.faqs().await.expect("list")[0].question, "Sizes?");
    }

    #[tokio::test]
    async fn deflection_counts_only_published_faqs() {
        let (store, _dir) = temp_store().await;
        let shipping = store.create_faq(&faq("Shipping?", true)).await.expect("a");
        let draft = store.create_faq(&faq("Draft", false)).await.expect("b");
        store
            .record_faq_event(&shipping.id, FaqEventKind::Opened)
            .await
            .expect("opened");
        store
            .record_faq_event(&shipping.id, FaqEventKind::Opened)
            .await
            .expect("opened");
        store
            .record_faq_event(&shipping.id, FaqEventKind::StillNeededHelp)
            .await
            .expect("still needed");
        assert!(matches!(
            store
                .record_faq_event(&draft.id, FaqEventKind::Opened)
                .await,
            Err(FaqError::NotFound)
        ));
        let counted = &store.faqs().await.expect("list")[0];
        assert_eq!((counted.opened, counted.still_needed_help), (2, 1));
    }
}
