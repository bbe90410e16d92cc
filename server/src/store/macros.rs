//! The `macros` table: the team's canned replies. Input arrives validated
//! (`protocol::profile::MacroInput::validated`).

use protocol::profile::{Macro, MacroInput, MAX_MACROS};

use super::{Store, StoreError};
use crate::ids::{new_id, now_ms};

#[derive(Debug, thiserror::Error)]
pub enum MacroError {
    #[error("macro not found")]
    NotFound,
    #[error("A team can keep at most {MAX_MACROS} macros.")]
    TooMany,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for MacroError {
    fn from(error: sqlx::Error) -> Self {
        MacroError::Store(StoreError::Database(error))
    }
}

impl Store {
    /// Every macro, by name.
    pub async fn macros(&self) -> Result<Vec<Macro>, StoreError> {
        let rows: Vec<(String, String, String)> =
            sqlx::query_as("SELECT id, name, body FROM macros ORDER BY name, id")
                .fetch_all(&self.reader)
                .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name, body)| Macro { id, name, body })
            .collect())
    }

    pub async fn create_macro(&self, input: &MacroInput) -> Result<Macro, MacroError> {
        let mut tx = self.writer.begin().await?;
        let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM macros")
            .fetch_one(&mut *tx)
            .await?;
        if count >= MAX_MACROS as i64 {
            return Err(MacroError::TooMany);
        }
        let id = new_id();
        let now = now_ms();
        sqlx::query(
            "INSERT INTO macros (id, name, body, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)",
        )
        .bind(&id)
        .bind(&input.name)
        .bind(&input.body)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Macro {
            id,
            name: input.name.clone(),
            body: input.body.clone(),
        })
    }

    pub async fn update_macro(&self, id: &str, input: &MacroInput) -> Result<(), MacroError> {
        let changed =
            sqlx::query("UPDATE macros SET name = $1, body = $2, updated_at = $3 WHERE id = $4")
                .bind(&input.name)
                .bind(&input.body)
                .bind(now_ms())
                .bind(id)
                .execute(&self.writer)
                .await?
                .rows_affected();
        if changed == 0 {
            return Err(MacroError::NotFound);
        }
        Ok(())
    }

    pub async fn delete_macro(&self, id: &str) -> Result<(), MacroError> {
        let changed = sqlx::query("DELETE FROM macros WHERE id = $1")
            .bind(id)
            .execute(&self.writer)
            .await?
            .rows_affected();
        if changed == 0 {
            return Err(MacroError::NotFound);
        }
        Ok(())
    }
}
