//! The `customers` and `widget_sessions` tables: shoppers the store vouched for, and
//! the bearer tokens their widgets hold.

use super::{Store, StoreError};
use crate::ids::{hash_token, new_id, new_token, now_ms};

/// How long a widget token stays valid; the widget asks for a new one when it expires.
pub const WIDGET_SESSION_TTL_MS: i64 = 30 * 24 * 60 * 60 * 1000;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CustomerRecord {
    pub id: String,
    pub external_id: String,
    pub name: String,
    pub email: String,
}

/// A name for a customer sent without one: the email's local part, or "Shopper".
pub fn fallback_name(email: &str) -> String {
    email
        .split_once('@')
        .map(|(local, _)| local.to_owned())
        .filter(|local| !local.is_empty())
        .unwrap_or_else(|| "Shopper".to_owned())
}

impl Store {
    /// The customer with the store's `external_id`, created or refreshed with the name
    /// and email the store vouches for (Shopify's webhooks): they replace any claim.
    pub async fn upsert_customer(
        &self,
        external_id: &str,
        name: &str,
        email: &str,
    ) -> Result<CustomerRecord, StoreError> {
        let now = now_ms();
        Ok(sqlx::query_as(
            "INSERT INTO customers (id, external_id, name, email, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $5)
             ON CONFLICT (external_id) DO UPDATE
               SET name = excluded.name, email = excluded.email, details_verified = 1,
                 updated_at = excluded.updated_at
             RETURNING id, external_id, name, email",
        )
        .bind(new_id())
        .bind(external_id)
        .bind(name)
        .bind(email)
        .bind(now)
        .fetch_one(&self.writer)
        .await?)
    }

    /// The id of the profile keyed `external_id` (`email:…`, `phone:…` for people the
    /// store has no customer id for), created with these details when there is none.
    pub(super) async fn keyed_profile(
        &self,
        external_id: &str,
        name: &str,
        email: &str,
        phone: Option<&str>,
    ) -> Result<String, StoreError> {
        let now = now_ms();
        let (id,): (String,) = sqlx::query_as(
            "INSERT INTO customers (id, external_id, name, email, phone, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6)
             ON CONFLICT (external_id) DO UPDATE SET updated_at = excluded.updated_at
             RETURNING id",
        )
        .bind(new_id())
        .bind(external_id)
        .bind(name)
        .bind(email)
        .bind(phone)
        .bind(now)
        .fetch_one(&self.writer)
        .await?;
        Ok(id)
    }

    /// The customer with the store's `external_id`, as a widget session names them.
    /// `verified` says whether the theme's signature covered the name and email: then
    /// they are stored as the store's word. Otherwise they are claims, kept only where
    /// nothing better is known, and never over details the store vouched for.
    pub async fn upsert_widget_customer(
        &self,
        external_id: &str,
        name: &str,
        email: &str,
        verified: bool,
    ) -> Result<CustomerRecord, StoreError> {
        let now = now_ms();
        Ok(sqlx::query_as(
            "INSERT INTO customers (id, external_id, name, email, details_verified, created_at,
                updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6)
             ON CONFLICT (external_id) DO UPDATE SET
               name = CASE WHEN excluded.details_verified = 1 OR customers.details_verified = 0
                 THEN excluded.name ELSE customers.name END,
               email = CASE WHEN excluded.details_verified = 1 OR customers.details_verified = 0
                 THEN excluded.email ELSE customers.email END,
               details_verified = CASE WHEN excluded.details_verified = 1
                 THEN 1 ELSE customers.details_verified END,
               updated_at = excluded.updated_at
             RETURNING id, external_id, name, email",
        )
        .bind(new_id())
        .bind(external_id)
        .bind(name)
        .bind(email)
        .bind(i64::from(verified))
        .bind(now)
        .fetch_one(&self.writer)
        .await?)
    }

    /// A new widget token for the customer.
    pub async fn start_widget_session(&self, customer_id: &str) -> Result<String, StoreError> {
        let token = new_token();
        let now = now_ms();
        sqlx::query(
            "INSERT INTO widget_sessions (token_hash, customer_id, created_at, expires_at)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(hash_token(&token))
        .bind(customer_id)
        .bind(now)
        .bind(now + WIDGET_SESSION_TTL_MS)
        .execute(&self.writer)
        .await?;
        Ok(token)
    }

    /// The customer a live widget token belongs to.
    pub async fn customer_for_widget_token(
        &self,
        token: &str,
    ) -> Result<Option<CustomerRecord>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT c.id, c.external_id, c.name, c.email FROM widget_sessions s
             JOIN customers c ON c.id = s.customer_id
             WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(hash_token(token))
        .bind(now_ms())
        .fetch_optional(&self.reader)
        .await?)
    }

    /// The customer with the store's customer id, if there is one.
    pub async fn customer_for_external_id(
        &self,
        external_id: &str,
    ) -> Result<Option<CustomerRecord>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, external_id, name, email FROM customers WHERE external_id = $1",
        )
        .bind(external_id)
        .fetch_optional(&self.reader)
        .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::fallback_name;
    use crate::store::test_support::temp_store;

    #[test]
    fn nameless_customers_get_a_readable_name() {
        assert_eq!(fallback_name("ana@example.com"), "ana");
        assert_eq!(fallback_name(""), "Shopper");
    }

    #[tokio::test]
    async fn unsigned_details_never_replace_what_the_store_vouched_for() {
        let (store, _dir) = temp_store().await;
        // Only the page's word so far: kept, and refreshed by later claims.
        store
            .upsert_widget_customer("7001", "Ana?", "ana@claim.example", false)
            .await
            .expect("claim");
        let claimed = store
            .upsert_widget_customer("7001", "Ana S.", "ana@claim.example", false)
            .await
            .expect("claim again");
        assert_eq!(claimed.name, "Ana S.");
        // Shopify says who she is; later claims change nothing.
        store
            .upsert_customer("7001", "Ana Souza", "ana@example.com")
            .await
            .expect("webhook");
        let after = store
            .upsert_widget_customer("7001", "</title><script>", "evil@example.com", false)
            .await
            .expect("claim after");
        assert_eq!(
            (after.name.as_str(), after.email.as_str()),
            ("Ana Souza", "ana@example.com")
        );
        // A signature covering the details is the store's word too.
        let signed = store
            .upsert_widget_customer("7001", "Ana Souza-Lima", "ana@example.com", true)
            .await
            .expect("signed");
        assert_eq!(signed.name, "Ana Souza-Lima");
    }

    #[tokio::test]
    async fn upsert_keeps_one_customer_per_store_id_and_refreshes_details() {
        let (store, _dir) = temp_store().await;
        let first = store
            .upsert_customer("7001", "Ana", "ana@example.com")
            .await
            .expect("insert");
        let again = store
            .upsert_customer("7001", "Ana Souza", "ana@example.com")
            .await
            .expect("update");
        assert_eq!(first.id, again.id);
        assert_eq!(again.name, "Ana Souza");
        let token = store.start_widget_session(&first.id).await.expect("token");
        let found = store
            .customer_for_widget_token(&token)
            .await
            .expect("query")
            .expect("live token");
        assert_eq!(found.id, first.id);
        assert!(store
            .customer_for_widget_token("not-a-token")
            .await
            .expect("query")
            .is_none());
    }
}
