//! The `knowledge_articles` and `products` tables: what the AI agent may answer from
//! besides the FAQs, and [`Store::knowledge`], which gathers all of it into passages.

use protocol::settings::{
    KnowledgeArticle, KnowledgeArticleInput, MAX_ARTICLES, MAX_ARTICLE_BODY_CHARS,
    MAX_ARTICLE_TITLE_CHARS,
};
use serde_json::Value;

use super::{Store, StoreError};
use crate::{
    ai::knowledge::{Knowledge, ShopifyProduct},
    ids::{new_id, now_ms, rfc3339_ms},
};

/// Products kept; a catalogue larger than this is refused, not cut silently.
const MAX_PRODUCTS: i64 = 5_000;

#[derive(Debug, thiserror::Error)]
pub enum KnowledgeError {
    #[error("article not found")]
    NotFound,
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for KnowledgeError {
    fn from(error: sqlx::Error) -> Self {
        KnowledgeError::Store(error.into())
    }
}

#[derive(sqlx::FromRow)]
struct ArticleRow {
    id: String,
    title: String,
    body: String,
    published: i64,
    updated_at: i64,
}

impl From<ArticleRow> for KnowledgeArticle {
    fn from(row: ArticleRow) -> Self {
        KnowledgeArticle {
            id: row.id,
            title: row.title,
            body: row.body,
            published: row.published != 0,
            updated_at: row.updated_at,
        }
    }
}

/// The input trimmed, or why it cannot be saved.
fn checked(input: &KnowledgeArticleInput) -> Result<(String, String), KnowledgeError> {
    let title = input.title.trim();
    let body = input.body.trim();
    if title.is_empty() || body.is_empty() {
        return Err(KnowledgeError::Invalid(
            "An article needs a title and a text.".into(),
        ));
    }
    if title.chars().count() > MAX_ARTICLE_TITLE_CHARS {
        return Err(KnowledgeError::Invalid(format!(
            "The title is longer than {MAX_ARTICLE_TITLE_CHARS} characters."
        )));
    }
    if body.chars().count() > MAX_ARTICLE_BODY_CHARS {
        return Err(KnowledgeError::Invalid(format!(
            "The text is longer than {MAX_ARTICLE_BODY_CHARS} characters; split it into articles."
        )));
    }
    Ok((title.to_owned(), body.to_owned()))
}

/// A product from Shopify's JSON, checked: the product, when Shopify last updated it
/// (epoch ms, 0 when unknown), and the JSON to store.
fn parse_product(value: &Value) -> Result<(ShopifyProduct, i64, String), String> {
    let product: ShopifyProduct = serde_json::from_value(value.clone())
        .map_err(|error| format!("not a Shopify product: {error}"))?;
    if product.handle.trim().is_empty() || product.title.trim().is_empty() {
        return Err(format!("product {} has no handle or title", product.id));
    }
    let updated_at = value
        .get("updated_at")
        .and_then(Value::as_str)
        .and_then(rfc3339_ms)
        .unwrap_or(0);
    Ok((product, updated_at, value.to_string()))
}

impl Store {
    /// Every article, by title.
    pub async fn knowledge_articles(&self) -> Result<Vec<KnowledgeArticle>, StoreError> {
        let rows: Vec<ArticleRow> = sqlx::query_as(
            "SELECT id, title, body, published, updated_at FROM knowledge_articles
             ORDER BY title, created_at",
        )
        .fetch_all(&self.reader)
        .await?;
        Ok(rows.into_iter().map(KnowledgeArticle::from).collect())
    }

    pub async fn create_knowledge_article(
        &self,
        input: &KnowledgeArticleInput,
    ) -> Result<KnowledgeArticle, KnowledgeError> {
        let (title, body) = checked(input)?;
        let mut tx = self.writer.begin().await?;
        let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM knowledge_articles")
            .fetch_one(&mut *tx)
            .await?;
        if count >= MAX_ARTICLES as i64 {
            return Err(KnowledgeError::Invalid(format!(
                "A store can have at most {MAX_ARTICLES} articles."
            )));
        }
        let now = now_ms();
        let article = KnowledgeArticle {
            id: new_id(),
            title,
            body,
            published: input.published,
            updated_at: now,
        };
        sqlx::query(
            "INSERT INTO knowledge_articles (id, title, body, published, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $5)",
        )
        .bind(&article.id)
        .bind(&article.title)
        .bind(&article.body)
        .bind(i64::from(article.published))
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(article)
    }

    pub async fn update_knowledge_article(
        &self,
        id: &str,
        input: &KnowledgeArticleInput,
    ) -> Result<KnowledgeArticle, KnowledgeError> {
        let (title, body) = checked(input)?;
        let now = now_ms();
        let updated = sqlx::query(
            "UPDATE knowledge_articles SET title = $1, body = $2, published = $3, updated_at = $4
             WHERE id = $5",
        )
        .bind(&title)
        .bind(&body)
        .bind(i64::from(input.published))
        .bind(now)
        .bind(id)
        .execute(&self.writer)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(KnowledgeError::NotFound);
        }
        Ok(KnowledgeArticle {
            id: id.to_owned(),
            title,
            body,
            published: input.published,
            updated_at: now,
        })
    }

    pub async fn delete_knowledge_article(&self, id: &str) -> Result<(), KnowledgeError> {
        let deleted = sqlx::query("DELETE FROM knowledge_articles WHERE id = $1")
            .bind(id)
            .execute(&self.writer)
            .await?;
        if deleted.rows_affected() == 0 {
            return Err(KnowledgeError::NotFound);
        }
        Ok(())
    }

    /// Stores `products` (Shopify JSON) in one transaction: all of them or, when one is
    /// not a product or the catalogue would grow past [`MAX_PRODUCTS`], none. A product
    /// older than the stored version is skipped. Returns how many were written.
    pub async fn import_products(&self, products: &[Value]) -> Result<usize, KnowledgeError> {
        let mut parsed = Vec::with_capacity(products.len());
        for (position, value) in products.iter().enumerate() {
            parsed.push(parse_product(value).map_err(|problem| {
                KnowledgeError::Invalid(format!("Product {}: {problem}", position + 1))
            })?);
        }
        let now = now_ms();
        let mut tx = self.writer.begin().await?;
        let mut written = 0;
        for (product, updated_at, data) in &parsed {
            let result = sqlx::query(
                "INSERT INTO products (id, handle, title, data, shopify_updated_at, imported_at)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (id) DO UPDATE SET handle = excluded.handle,
                    title = excluded.title, data = excluded.data,
                    shopify_updated_at = excluded.shopify_updated_at,
                    imported_at = excluded.imported_at
                 WHERE excluded.shopify_updated_at >= products.shopify_updated_at",
            )
            .bind(product.id.to_string())
            .bind(product.handle.trim())
            .bind(product.title.trim())
            .bind(data)
            .bind(updated_at)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            written += result.rows_affected() as usize;
        }
        let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM products")
            .fetch_one(&mut *tx)
            .await?;
        if count > MAX_PRODUCTS {
            // Dropping the transaction rolls every product of this import back.
            return Err(KnowledgeError::Invalid(format!(
                "The catalogue would have {count} products; at most {MAX_PRODUCTS} are kept."
            )));
        }
        tx.commit().await?;
        Ok(written)
    }

    /// Removes a product Shopify deleted; `false` when it was not stored.
    pub async fn delete_product(&self, shopify_id: i64) -> Result<bool, StoreError> {
        let deleted = sqlx::query("DELETE FROM products WHERE id = $1")
            .bind(shopify_id.to_string())
            .execute(&self.writer)
            .await?;
        Ok(deleted.rows_affected() > 0)
    }

    /// `(count, newest import ms)` of the stored products.
    pub async fn product_stats(&self) -> Result<(i64, Option<i64>), StoreError> {
        Ok(
            sqlx::query_as("SELECT COUNT(*), MAX(imported_at) FROM products")
                .fetch_one(&self.reader)
                .await?,
        )
    }

    /// Changes whenever the knowledge does (an FAQ, article or product added, edited
    /// or removed, or the shop renamed), so each node can tell its answerer is stale
    /// without being told.
    pub async fn knowledge_stamp(&self) -> Result<Vec<i64>, StoreError> {
        let (faqs, faqs_at, articles, articles_at, products, products_at, settings): (
            i64,
            i64,
            i64,
            i64,
            i64,
            i64,
            i64,
        ) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM faqs), (SELECT COALESCE(MAX(updated_at), 0) FROM faqs),
                (SELECT COUNT(*) FROM knowledge_articles),
                (SELECT COALESCE(MAX(updated_at), 0) FROM knowledge_articles),
                (SELECT COUNT(*) FROM products),
                (SELECT COALESCE(MAX(imported_at), 0) FROM products),
                COALESCE((SELECT settings_version FROM shop WHERE id = 1), 0)",
        )
        .fetch_one(&self.reader)
        .await?;
        Ok(vec![
            faqs,
            faqs_at,
            articles,
            articles_at,
            products,
            products_at,
            settings,
        ])
    }

    /// Everything the AI agent may answer from: published FAQs and articles, and the
    /// products. A stored product that no longer parses is left out (and logged).
    pub async fn knowledge(&self) -> Result<Knowledge, StoreError> {
        // A store not set up yet has no shop row, and no name to leave out.
        let store_name = match self.shop().await {
            Ok(shop) => shop.general.store_name,
            Err(StoreError::Database(sqlx::Error::RowNotFound)) => String::new(),
            Err(error) => return Err(error),
        };
        let mut knowledge = Knowledge {
            store_name,
            ..Knowledge::default()
        };
        for faq in self.faqs().await?.into_iter().filter(|faq| faq.published) {
            knowledge.add_faq(&format!("faq-{}", faq.id), &faq.question, &faq.answer);
        }
        for article in self.knowledge_articles().await? {
            if article.published {
                knowledge.add_article(
                    &format!("article-{}", article.id),
                    &article.title,
                    &article.body,
                );
            }
        }
        let products: Vec<(String, String)> =
            sqlx::query_as("SELECT id, data FROM products ORDER BY title, id")
                .fetch_all(&self.reader)
                .await?;
        for (id, data) in products {
            match serde_json::from_str::<ShopifyProduct>(&data) {
                Ok(product) => knowledge.add_product(&product),
                Err(error) => {
                    tracing::warn!(product = %id, error = %error, "stored product unreadable")
                }
            }
        }
        Ok(knowledge)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::store::test_support::temp_store;

    fn article(title: &str, body: &str) -> KnowledgeArticleInput {
        KnowledgeArticleInput {
            title: title.into(),
            body: body.into(),
            published: true,
        }
    }

    fn product(id: i64, title: &str, updated_at: &str) -> Value {
        json!({
            "id": id, "title": title, "handle": title.to_lowercase().replace(' ', "-"),
            "body_html": "<p>Warm.</p><ul><li>Fill: 800 down</li></ul>",
            "updated_at": updated_at,
            "variants": [{"title": "M", "price": "279.00", "available": true}]
        })
    }

    #[tokio::test]
    async fn articles_are_checked_saved_and_gathered_with_faqs_and_products() {
        let (store, _dir) = temp_store().await;
        for (input, problem) in [
            (article(" ", "text"), "needs a title"),
            (
                article("Returns", &"x".repeat(MAX_ARTICLE_BODY_CHARS + 1)),
                "longer than",
            ),
        ] {
            let error = store.create_knowledge_article(&input).await.unwrap_err();
            assert!(error.to_string().contains(problem), "{error}");
        }
        assert!(store.knowledge_articles().await.expect("list").is_empty());

        let returns = store
            .create_knowledge_article(&article(
                " Returns policy ",
                "Window: 60 days.\n\nRefunds: in 5 days.",
            ))
            .await
            .expect("created");
        assert_eq!(returns.title, "Returns policy");
        let mut draft = article("Sizing", "Boots run small.");
        draft.published = false;
        let sizing = store.create_knowledge_article(&draft).await.expect("draft");
        store
            .import_products(&[product(11, "Summit Puffer", "2025-05-02T14:21:37-07:00")])
            .await
            .expect("product");

        // Before the shop is set up there is no name to leave out of questions.
        assert_eq!(store.knowledge().await.expect("knowledge").store_name, "");
        store
            .ensure_shop("Juniper & Pine", None)
            .await
            .expect("shop");
        let knowledge = store.knowledge().await.expect("knowledge");
        assert_eq!(knowledge.store_name, "Juniper & Pine");
        let ids: Vec<&str> = knowledge.sources.iter().map(|s| s.id.as_str()).collect();
        let returns_id = format!("article-{}", returns.id);
        assert_eq!(ids, vec![returns_id.as_str(), "product-summit-puffer"]);
        assert_eq!(
            knowledge.passages.len(),
            2 + 2,
            "two paragraphs, summary + feature"
        );

        store
            .update_knowledge_article(&sizing.id, &article("Sizing", "Boots run small."))
            .await
            .expect("published");
        assert_eq!(store.knowledge().await.expect("knowledge").sources.len(), 3);
        store
            .delete_knowledge_article(&returns.id)
            .await
            .expect("deleted");
        assert!(matches!(
            store.delete_knowledge_article(&returns.id).await,
            Err(KnowledgeError::NotFound)
        ));
    }

    #[tokio::test]
    async fn an_import_is_all_or_nothing_and_never_goes_back_in_time() {
        let (store, _dir) = temp_store().await;
        let newer = product(11, "Summit Puffer", "2025-05-02T14:21:37-07:00");
        assert_eq!(store.import_products(&[newer]).await.expect("import"), 1);

        // One bad product refuses the whole import.
        let error = store
            .import_products(&[
                product(12, "Basin Pack", "2025-01-01T00:00:00Z"),
                json!({ "id": 13, "handle": "no-title" }),
            ])
            .await
            .unwrap_err();
        assert!(error.to_string().starts_with("Product 2:"), "{error}");
        assert_eq!(store.product_stats().await.expect("stats").0, 1);

        // A late webhook carrying an older version changes nothing.
        let older = product(11, "Old Puffer Name", "2024-01-01T00:00:00Z");
        assert_eq!(store.import_products(&[older]).await.expect("import"), 0);
        let knowledge = store.knowledge().await.expect("knowledge");
        assert_eq!(knowledge.sources[0].title, "Summit Puffer");

        assert!(store.delete_product(11).await.expect("delete"));
        assert!(!store.delete_product(11).await.expect("delete again"));
    }
}
