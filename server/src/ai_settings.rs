//! Settings → AI agent, the server's side: what the agent answers from, importing a
//! Shopify products export, and trying a question against the knowledge as it is now.

use app::api::ApiError;
use protocol::settings::{AiKnowledgeSummary, AiTrial, MAX_PRODUCTS_IMPORT_BYTES};
use serde_json::Value;

use crate::{
    ai::{generator::Grounding, Answerer, Decision, HandoffReason},
    backend::internal,
    state::AppState,
    store::{Store, StoreError},
};

/// Passages the model is given to write from.
const GROUNDING_PASSAGES: usize = 3;

pub async fn knowledge_summary(state: &AppState) -> Result<AiKnowledgeSummary, StoreError> {
    let store = &state.store;
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
        model: state
            .web
            .ai_generator
            .as_ref()
            .map(|generator| generator.model().to_owned()),
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

pub async fn try_question(state: &AppState, question: &str) -> Result<AiTrial, ApiError> {
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
    let answerer = Answerer::new(state.store.knowledge().await.map_err(internal)?);
    let hit = match answerer.decide(question) {
        Decision::Answer(hit) => hit,
        Decision::Handoff(reason) => {
            return Ok(AiTrial::Handoff {
                reason: handoff_reason(reason).to_owned(),
            })
        }
    };
    let coverage_percent = (hit.coverage * 100.0).round().clamp(0.0, 100.0) as u8;
    let quoted = AiTrial::Answer {
        source_title: hit.source.title.clone(),
        text: hit.passage.text.clone(),
        coverage_percent,
        written_by: None,
    };
    let Some(generator) = &state.web.ai_generator else {
        return Ok(quoted);
    };
    // Retrieval decided there is an answer; the model words it from the best passages.
    let hits = answerer.index().search(question, GROUNDING_PASSAGES);
    let grounding: Vec<Grounding<'_>> = hits
        .iter()
        .map(|hit| Grounding {
            title: &hit.source.title,
            text: &hit.passage.text,
        })
        .collect();
    let store_name = state.settings.current().shop.general.store_name.clone();
    match generator
        .answer(&state.web.http, &store_name, question, &grounding)
        .await
    {
        Ok(Some(text)) => Ok(AiTrial::Answer {
            source_title: hit.source.title.clone(),
            text,
            coverage_percent,
            written_by: Some(generator.model().to_owned()),
        }),
        Ok(None) => Ok(AiTrial::Handoff {
            reason: "The model found no answer in the passages, so it would not guess.".into(),
        }),
        Err(error) => {
            // The shopper would still get the passage itself.
            tracing::warn!(error = %error, "the AI model failed; quoting the passage");
            Ok(quoted)
        }
    }
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
