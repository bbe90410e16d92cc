//! Settings → AI agent, the server's side: what the agent answers from, importing a
//! Shopify products export, and trying a question against the knowledge as it is now.

use app::api::ApiError;
use protocol::settings::{AiAgentSettings, AiKnowledgeSummary, AiTrial, MAX_PRODUCTS_IMPORT_BYTES};
use serde_json::Value;

use crate::{
    ai::agent::{reason_text, Reply},
    backend::internal,
    state::AppState,
    store::{Section, Store, StoreError},
};

pub async fn knowledge_summary(state: &AppState) -> Result<AiKnowledgeSummary, StoreError> {
    let store = &state.store;
    let settings = state.settings.current();
    let ai_agent = &settings.shop.ai_agent;
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
            .ai
            .generator()
            .map(|generator| generator.model().to_owned()),
        settings: AiAgentSettings {
            handoff: ai_agent.handoff.without_secret(),
            ..ai_agent.clone()
        },
        secret_saved: !ai_agent.handoff.secret().is_empty(),
        stats: store.ai_stats().await?,
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
    Ok(match state.ai.reply_to(question).await.map_err(internal)? {
        Reply::Answer {
            source_title,
            text,
            confidence,
            written_by,
        } => AiTrial::Answer {
            source_title,
            text,
            confidence_percent: (confidence * 100.0).round().clamp(0.0, 100.0) as u8,
            written_by,
        },
        Reply::SmallTalk(text) => AiTrial::Answer {
            source_title: "Small talk (no knowledge needed)".into(),
            text: text.to_owned(),
            confidence_percent: 100,
            written_by: None,
        },
        Reply::Handoff(reason) => AiTrial::Handoff {
            reason: reason_text(reason).to_owned(),
        },
    })
}

/// Saves Settings → AI agent. An empty secret keeps the stored one for the same account.
pub async fn save_ai_agent(
    state: &AppState,
    settings: AiAgentSettings,
) -> Result<AiKnowledgeSummary, ApiError> {
    let stored = state.settings.current().shop.ai_agent.handoff.clone();
    let settings = AiAgentSettings {
        handoff: settings.handoff.keeping_secret_of(&stored),
        ..settings
    }
    .validated()
    .map_err(ApiError::Fields)?;
    let switched_off = !settings.enabled && state.settings.current().shop.ai_agent.enabled;
    state
        .store
        .save_section(Section::AiAgent, &settings)
        .await
        .map_err(internal)?;
    state.fanout.settings_changed().await;
    if switched_off {
        // Its chats go to the team in the background; the save does not wait for them.
        let ai = state.ai.clone();
        tokio::spawn(async move {
            match ai.hand_all_to_team().await {
                Ok(count) => tracing::info!(count, "AI agent off: its chats went to the team"),
                Err(error) => tracing::warn!(%error, "AI agent off: handing its chats over failed"),
            }
        });
    }
    knowledge_summary(state).await.map_err(internal)
}
