//! The optional writer of answers: a model behind an OpenAI-compatible chat-completions
//! endpoint, given the question and the passages retrieval found, and told to answer
//! from those passages only (or to say it cannot). Without it, the AI agent quotes the
//! best passage as it is.

use serde_json::{json, Value};

use super::reply::{send_json, ReplyError};
use crate::config::Secret;

/// What the model replies when the passages do not answer the question.
const CANNOT_ANSWER: &str = "HANDOFF";
/// The longest answer asked for, in tokens.
const MAX_TOKENS: u32 = 300;

/// A chat-completions endpoint: base URL (`https://api.openai.com/v1` or any compatible
/// server), model name and API key.
#[derive(Debug, Clone)]
pub struct Generator {
    base_url: String,
    model: String,
    api_key: Secret,
}

#[derive(Debug, thiserror::Error)]
pub enum GeneratorError {
    #[error("the model endpoint could not be reached: {0}")]
    Unreachable(String),
    #[error("the model endpoint refused the request ({status}): {detail}")]
    Refused { status: u16, detail: String },
    #[error("the model endpoint's reply had no answer")]
    Malformed,
}

impl From<ReplyError> for GeneratorError {
    fn from(error: ReplyError) -> Self {
        match error {
            ReplyError::Unreachable(reason) => GeneratorError::Unreachable(reason),
            ReplyError::Refused { status, detail } => GeneratorError::Refused { status, detail },
            ReplyError::NotJson => GeneratorError::Malformed,
        }
    }
}

/// A passage the model may use, with the title it is cited by.
#[derive(Debug, Clone, Copy)]
pub struct Grounding<'a> {
    pub title: &'a str,
    pub text: &'a str,
}

impl Generator {
    pub fn new(base_url: &str, model: &str, api_key: Secret) -> Self {
        Generator {
            base_url: base_url.trim_end_matches('/').to_owned(),
            model: model.to_owned(),
            api_key,
        }
    }

    pub fn model(&self) -> &str {
        &self.model
    }

    /// The model's answer to `question` from `passages`, or `None` when it says the
    /// passages do not answer it.
    pub async fn answer(
        &self,
        http: &reqwest::Client,
        store_name: &str,
        question: &str,
        passages: &[Grounding<'_>],
    ) -> Result<Option<String>, GeneratorError> {
        let mut context = String::new();
        for (index, passage) in passages.iter().enumerate() {
            context.push_str(&format!(
                "[{}] {}\n{}\n\n",
                index + 1,
                passage.title,
                passage.text
            ));
        }
        let instructions = format!(
            "You answer shoppers' questions in the chat of {store_name}. Use only the \
             passages below, never anything else you know. If they do not answer the \
             question, reply with exactly {CANNOT_ANSWER}. Answer in the shopper's language, \
             in at most three short sentences, plainly and kindly.\n\nPassages:\n\n{context}"
        );
        let body = json!({
            "model": self.model,
            "messages": [
                { "role": "system", "content": instructions },
                { "role": "user", "content": question },
            ],
            "temperature": 0,
            "max_tokens": MAX_TOKENS,
        });
        let reply = send_json(
            http.post(format!("{}/chat/completions", self.base_url))
                .bearer_auth(self.api_key.expose())
                .json(&body),
        )
        .await?;
        let content = reply
            .pointer("/choices/0/message/content")
            .and_then(Value::as_str)
            .map(str::trim)
            .ok_or(GeneratorError::Malformed)?;
        if content.is_empty() {
            return Err(GeneratorError::Malformed);
        }
        Ok(
            (content.trim_matches(|c: char| !c.is_alphanumeric()) != CANNOT_ANSWER)
                .then(|| content.to_owned()),
        )
    }
}
