//! Settings → AI agent, the server's side: what the agent answers from, importing a
//! Shopify products export, and trying a question against the knowledge as it is now.

use app::api::ApiError;
use protocol::settings::{AiKnowledgeSummary, AiTrial, MAX_PRODUCTS_IMPORT_BYTES};
use serde_json::Value;

use crate::{
    ai::{Answerer, Decision, HandoffReason},
    backend::internal,
    store::{Store, StoreError},
};

pub async fn knowledge_summary(store: &Store) -> Result<AiKnowledgeSummary, StoreError> {
    let faqs_published = store
        .faqs()
        .await?
        .iter()
        .filter(|faq| faq.published)
        .count();
    let (products, products_updated_at) = store.product_stats().await?;
    Ok(AiKnowledgeSummary {
        faqs_published,
        articles: store.knowledge_articles().await?,
        products,
        products_updated_at,
    })
}

/// Imports the text of a `products.json` export: `{"products": [...]}` as the
/// storefront and the admin API give it, or a bare list.
pub async fn import_products(store: &Store, json: &str) -> Result<usize, ApiError> {
    if json.len() > MAX_PRODUCTS_IMPORT_BYTES {
        return Err(ApiError::Invalid(format!(
            "The file is larger than {} MB; import the catalogue in parts.",
            MAX_PRODUCTS_IMPORT_BYTES / (1024 * 1024)
        )));
    }
    let value: Value = serde_json::from_str(json)
        .map_err(|error| ApiError::Invalid(format!("This is not a JSON file: {error}.")))?;
    let products = match &value {
        Value::Object(object) => object.get("products").and_then(Value::as_array),
        Value::Array(list) => Some(list),
        _ => None,
    }
    .ok_or_else(|| {
        ApiError::Invalid(
            "This is not a Shopify products export: it has no \"products\" list.".into(),
        )
    })?;
    if products.is_empty() {
        return Err(ApiError::Invalid("The export lists no products.".into()));
    }
    Ok(store.import_products(products).await?)
}

pub async fn try_question(store: &Store, question: &str) -> Result<AiTrial, ApiError> {
    let question = question.trim();
    if question.is_empty() {
        return Err(ApiError::Invalid(
            "Type a question a shopper might ask.".into(),
        ));
    }
    if question.chars().count() > 500 {
        return Err(ApiError::Invalid(
            "Keep the question under 500 characters.".into(),
        ));
    }
    let answerer = Answerer::new(store.knowledge().await.map_err(internal)?);
    Ok(match answerer.decide(question) {
        Decision::Answer(hit) => AiTrial::Answer {
            source_title: hit.source.title.clone(),
            text: hit.passage.text.clone(),
            coverage_percent: (hit.coverage * 100.0).round().clamp(0.0, 100.0) as u8,
        },
        Decision::Handoff(reason) => AiTrial::Handoff {
            reason: handoff_reason(reason).to_owned(),
        },
    })
}

/// Why the agent passes a shopper to a person, as the merchant reads it.
pub fn handoff_reason(reason: HandoffReason) -> &'static str {
    match reason {
        HandoffReason::Requested => "The shopper asks for a person.",
        HandoffReason::CaseWork => {
            "It is about the shopper's own order, payment or account: a person has to look."
        }
        HandoffReason::LowConfidence => {
            "Nothing in the knowledge answers it well enough, so it would not guess."
        }
    }
}
