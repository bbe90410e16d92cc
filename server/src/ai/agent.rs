//! The AI agent in the web chat: it answers a shopper's message from the store's
//! knowledge (cited), or hands the conversation off as Settings → AI agent says.
//!
//! Answers run right after the shopper's message is acknowledged, on the node that
//! stored it. The message's transaction also queued an `ai_reply` job due a little
//! later: if this node died before answering, the job answers instead. Both write the
//! answer with the same client id, so a shopper never gets two.

use std::sync::{Arc, Mutex};

use protocol::{settings::HandoffTarget, AuthorKind, Channel, Message, ServerFrame};
use tokio::sync::Notify;

use super::{
    generator::{Generator, Grounding},
    handoff::{Gorgias, HandoffError, Transcript, TranscriptLine, Zendesk},
    phrases::{self, small_talk, Phrases},
    Answerer, Decision, HandoffReason,
};
use crate::{
    config::Secret,
    fanout::Fanout,
    ids::now_ms,
    settings::Settings,
    store::{
        AppendError, FeedbackError, HandedOff, HandoffTo, NewMessage, Sender, Store, StoreError,
    },
};

/// How the AI agent signs its answers.
pub const AI_AUTHOR: &str = "AI assistant";
/// The handoff reason when the merchant switches the AI agent off.
const SWITCHED_OFF: &str = "The AI agent was switched off.";
/// Passages the model is given to write from.
const GROUNDING_PASSAGES: usize = 3;
/// Attempts at creating a Zendesk or Gorgias ticket before the handoff falls back to
/// the team here (30 s, 1, 2, 4 minutes apart: about 8 minutes in all).
pub const EXTERNAL_HANDOFF_ATTEMPTS: i64 = 5;

/// What the AI agent would say to a question.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    Answer {
        source_title: String,
        text: String,
        /// How sure the answerer is that the passage answers the question, 0..=1.
        confidence: f64,
        /// The model that wrote `text`; `None`: `text` is the passage itself.
        written_by: Option<String>,
    },
    /// A greeting or thanks, answered without the knowledge.
    SmallTalk(&'static str),
    Handoff(HandoffReason),
}

/// Where outside services are, when not at their public addresses (tests, proxies).
#[derive(Debug, Clone, Default)]
pub struct ServiceUrls {
    pub zendesk: Option<String>,
    pub gorgias: Option<String>,
}

/// The answerer built from the knowledge as it was at `stamp`.
struct Cached {
    stamp: Vec<i64>,
    answerer: Arc<Answerer>,
}

/// The AI agent, cheap to clone: every widget socket holds one (through the app state),
/// so it is a pointer, not its parts (copies of them cost each idle socket 2.5 KB).
#[derive(Clone)]
pub struct AiAgent(Arc<Parts>);

pub struct Parts {
    store: Store,
    fanout: Fanout,
    settings: Settings,
    http: reqwest::Client,
    generator: Option<Generator>,
    services: ServiceUrls,
    /// Wakes the background worker when a handoff queued jobs.
    worker: Arc<Notify>,
    cached: Mutex<Option<Cached>>,
}

impl std::ops::Deref for AiAgent {
    type Target = Parts;

    fn deref(&self) -> &Parts {
        &self.0
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Append(#[from] AppendError),
}

impl AiAgent {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        store: Store,
        fanout: Fanout,
        settings: Settings,
        http: reqwest::Client,
        generator: Option<Generator>,
        services: ServiceUrls,
        worker: Arc<Notify>,
    ) -> Self {
        AiAgent(Arc::new(Parts {
            store,
            fanout,
            settings,
            http,
            generator,
            services,
            worker,
            cached: Mutex::default(),
        }))
    }

    pub fn generator(&self) -> Option<&Generator> {
        self.generator.as_ref()
    }

    /// The answerer over the knowledge as it is now. Rebuilt only when the knowledge
    /// changed (on any node: the stamp is read from the database).
    pub async fn answerer(&self) -> Result<Arc<Answerer>, StoreError> {
        let stamp = self.store.knowledge_stamp().await?;
        if let Some(cached) = self.cached_for(&stamp) {
            return Ok(cached);
        }
        let answerer = Arc::new(Answerer::new(self.store.knowledge().await?));
        let mut cached = self
            .cached
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *cached = Some(Cached {
            stamp,
            answerer: Arc::clone(&answerer),
        });
        Ok(answerer)
    }

    fn cached_for(&self, stamp: &[i64]) -> Option<Arc<Answerer>> {
        let cached = self
            .cached
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        cached
            .as_ref()
            .filter(|cached| cached.stamp == stamp)
            .map(|cached| Arc::clone(&cached.answerer))
    }

    /// What the AI agent would reply to `question`: the best passage (worded by the
    /// model when one is configured), small talk, or a handoff and why.
    pub async fn reply_to(&self, question: &str) -> Result<Reply, StoreError> {
        if let Some(reply) = small_talk(question) {
            return Ok(Reply::SmallTalk(reply));
        }
        let answerer = self.answerer().await?;
        let caution = self.settings.current().shop.ai_agent.caution;
        let (hit, confidence) = match answerer.decide(question, caution) {
            Decision::Answer { hit, confidence } => (hit, confidence),
            Decision::Handoff(reason) => return Ok(Reply::Handoff(reason)),
        };
        let quoted = Reply::Answer {
            source_title: hit.source.title.clone(),
            text: hit.passage.text.clone(),
            confidence,
            written_by: None,
        };
        let Some(generator) = &self.generator else {
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
        let store_name = self.settings.current().shop.general.store_name.clone();
        match generator
            .answer(&self.http, &store_name, question, &grounding)
            .await
        {
            Ok(Some(text)) => Ok(Reply::Answer {
                source_title: hit.source.title.clone(),
                text,
                confidence,
                written_by: Some(generator.model().to_owned()),
            }),
            Ok(None) => Ok(Reply::Handoff(HandoffReason::LowConfidence)),
            Err(error) => {
                // The shopper still gets the passage itself.
                tracing::warn!(error = %error, "the AI model failed; quoting the passage");
                Ok(quoted)
            }
        }
    }

    /// Answers the shopper's message `seq`, or hands off. Does nothing when the chat is
    /// no longer the AI agent's, or the message was answered already.
    pub async fn respond(&self, conversation_id: &str, seq: i64) -> Result<(), AgentError> {
        let settings = self.settings.current();
        let ai = &settings.shop.ai_agent;
        if !self.store.ai_answering(conversation_id).await? {
            return Ok(());
        }
        // The question and what came after it, in one read.
        let messages = self.store.messages_after(conversation_id, seq - 1).await?;
        let Some((question, after)) = messages
            .split_first()
            .filter(|(question, _)| question.seq == seq)
        else {
            return Ok(());
        };
        let phrases = phrases::for_text(&question.body);
        if !ai.enabled {
            // Switched off while this chat was the AI agent's: the team takes it.
            return self
                .hand_off_to(
                    conversation_id,
                    &HandoffTarget::Helpdesk,
                    SWITCHED_OFF,
                    phrases,
                )
                .await;
        }
        if question.author_kind != AuthorKind::Shopper {
            return Ok(());
        }
        // Answered already (the job after the node that answered at once): nothing to
        // add, and no second call to the model.
        if after
            .iter()
            .any(|message| message.author_kind != AuthorKind::Shopper)
        {
            return Ok(());
        }
        let client_id = format!("ai-{conversation_id}-{seq}");
        let (source_title, text) = match self.reply_to(&question.body).await? {
            Reply::Answer {
                source_title, text, ..
            } => (source_title, text),
            Reply::SmallTalk(text) => (String::new(), text.to_owned()),
            Reply::Handoff(reason) => {
                return self
                    .hand_off_to(conversation_id, &ai.handoff, reason_text(reason), phrases)
                    .await
            }
        };
        let sender = if source_title.is_empty() {
            system()
        } else {
            Sender::Ai {
                name: AI_AUTHOR.to_owned(),
                source_title,
            }
        };
        self.say(conversation_id, sender, client_id, text).await
    }

    /// The shopper chose "Talk to a person" in their conversation.
    pub async fn talk_to_person(
        &self,
        customer_id: &str,
        conversation_id: &str,
    ) -> Result<bool, AgentError> {
        let owner = self.store.conversation_customer(conversation_id).await?;
        if owner.as_deref() != Some(customer_id) {
            return Ok(false);
        }
        self.hand_off(conversation_id, reason_text(HandoffReason::Requested))
            .await?;
        Ok(true)
    }

    /// The shopper's Yes/No on an answer: recorded (and shown in the thread); enough
    /// "No"s in a row hand off, fewer get an apology and a nudge.
    pub async fn feedback(
        &self,
        customer_id: &str,
        message_id: &str,
        helpful: bool,
    ) -> Result<(), FeedbackError> {
        let feedback = self
            .store
            .record_ai_feedback(customer_id, message_id, helpful)
            .await?;
        self.fanout
            .ticket_changed(
                &feedback.conversation_id,
                std::slice::from_ref(&feedback.event),
                None,
            )
            .await;
        if !helpful && feedback.ai_answering {
            if let Err(error) = self
                .unhelpful(&feedback.conversation_id, feedback.unhelpful_in_a_row)
                .await
            {
                tracing::warn!(%error, "answering an unhelpful verdict failed");
            }
        }
        Ok(())
    }

    /// "Talk to a person", or too many unhelpful answers: hand off as configured.
    pub async fn hand_off(&self, conversation_id: &str, reason: &str) -> Result<(), AgentError> {
        let target = self.settings.current().shop.ai_agent.handoff.clone();
        let phrases = self.shopper_phrases(conversation_id).await?;
        self.hand_off_to(conversation_id, &target, reason, phrases)
            .await
    }

    /// Switched off: every chat it is answering goes to the team now, not on the
    /// shopper's next message.
    pub async fn hand_all_to_team(&self) -> Result<usize, AgentError> {
        let chats = self.store.ai_answered_chats().await?;
        for conversation_id in &chats {
            let phrases = self.shopper_phrases(conversation_id).await?;
            self.hand_off_to(
                conversation_id,
                &HandoffTarget::Helpdesk,
                SWITCHED_OFF,
                phrases,
            )
            .await?;
        }
        Ok(chats.len())
    }

    /// The phrases in the language of the shopper's latest message.
    async fn shopper_phrases(&self, conversation_id: &str) -> Result<&'static Phrases, StoreError> {
        let messages = self.store.messages_after(conversation_id, 0).await?;
        Ok(messages
            .iter()
            .rev()
            .find(|message| message.author_kind == AuthorKind::Shopper)
            .map_or(&phrases::EN, |message| phrases::for_text(&message.body)))
    }

    /// The shopper said an answer did not help, `in_a_row` times now.
    pub async fn unhelpful(&self, conversation_id: &str, in_a_row: i64) -> Result<(), AgentError> {
        let limit = i64::from(self.settings.current().shop.ai_agent.unhelpful_limit);
        if in_a_row >= limit {
            let reason = format!("The shopper said {in_a_row} answers in a row did not help.");
            return self.hand_off(conversation_id, &reason).await;
        }
        let phrases = self.shopper_phrases(conversation_id).await?;
        self.say(
            conversation_id,
            system(),
            format!("ai-sorry-{conversation_id}-{in_a_row}"),
            phrases.sorry.to_owned(),
        )
        .await
    }

    async fn hand_off_to(
        &self,
        conversation_id: &str,
        target: &HandoffTarget,
        reason: &str,
        phrases: &Phrases,
    ) -> Result<(), AgentError> {
        let note = |body: String, back_at: Option<i64>| NewMessage {
            sender: system(),
            conversation_id: Some(conversation_id.to_owned()),
            client_id: format!("handoff-{conversation_id}"),
            body,
            back_at,
            attachments: Vec::new(),
            ai_first: false,
        };
        let (to, note) = match target {
            HandoffTarget::Helpdesk => {
                // Outside business hours the shopper also hears when the team is back.
                let settings = self.settings.current();
                let now = now_ms();
                let note = if settings.schedule.is_open(now) {
                    note(phrases.to_team.to_owned(), None)
                } else {
                    note(
                        format!(
                            "{} {}",
                            phrases.to_team_away, settings.shop.hours.away_message
                        ),
                        settings.schedule.next_open(now),
                    )
                };
                (HandoffTo::Helpdesk, note)
            }
            HandoffTarget::Zendesk { .. } | HandoffTarget::Gorgias { .. } => {
                let service = target.label();
                let email = self
                    .store
                    .ticket_summary(conversation_id, "")
                    .await?
                    .map(|ticket| ticket.customer_email)
                    .filter(|email| !email.is_empty());
                let Some(email) = email else {
                    // They reply by email; without one the team here takes it.
                    let reason = format!(
                        "{reason} ({service} replies by email, and this shopper gave none.)"
                    );
                    return Box::pin(self.hand_off_to(
                        conversation_id,
                        &HandoffTarget::Helpdesk,
                        &reason,
                        phrases,
                    ))
                    .await;
                };
                let body = phrases.by_email.replace("{email}", &email);
                (HandoffTo::External, note(body, None))
            }
            HandoffTarget::CustomMessage { message } => {
                (HandoffTo::Ended, note(message.clone(), None))
            }
        };
        let Some(handed) = self
            .store
            .hand_off(conversation_id, &to, reason, &note)
            .await?
        else {
            return Ok(());
        };
        if let Some(note) = &handed.note {
            // The AI agent answers web chats only.
            self.fanout
                .message_stored(&handed.customer_id, Channel::Chat, note)
                .await;
        }
        if to == HandoffTo::Ended {
            self.fanout
                .ticket_changed(
                    conversation_id,
                    handed.event.as_slice(),
                    Some(&handed.customer_id),
                )
                .await;
        } else {
            self.announce(conversation_id, &handed).await;
        }
        Ok(())
    }

    /// Tells the team (the ticket, its handoff note) and the shopper's widgets.
    async fn announce(&self, conversation_id: &str, handed: &HandedOff) {
        self.fanout
            .ticket_changed(conversation_id, handed.event.as_slice(), None)
            .await;
        self.fanout
            .live(
                false,
                Some(&handed.customer_id),
                ServerFrame::HandedOff {
                    conversation_id: conversation_id.to_owned(),
                },
            )
            .await;
        if handed.queued_jobs {
            self.worker.notify_one();
        }
    }

    /// Stores and announces one automated message (once per `client_id`).
    async fn say(
        &self,
        conversation_id: &str,
        sender: Sender,
        client_id: String,
        body: String,
    ) -> Result<(), AgentError> {
        let posted = crate::chat::post_automated(
            &self.store,
            &self.fanout,
            sender,
            conversation_id,
            client_id,
            body,
            None,
        )
        .await;
        Ok(posted?)
    }

    /// The `ai_handoff` job: creates the Zendesk or Gorgias ticket. `Ok(None)` when done
    /// (created, or fallen back to the team here), `Ok(Some(error))` to try again later.
    pub async fn external_handoff(
        &self,
        conversation_id: &str,
        reason: &str,
        attempts: i64,
    ) -> Result<Option<String>, AgentError> {
        let target = self.settings.current().shop.ai_agent.handoff.clone();
        let result = match self.transcript(conversation_id, reason).await? {
            None => return Ok(None),
            Some(transcript) => self.create_external_ticket(&target, &transcript).await,
        };
        let service = target.label();
        match result {
            Ok(external_id) => {
                if let Some(event) = self
                    .store
                    .handed_off_externally(conversation_id, service, &external_id, reason)
                    .await?
                {
                    let customer = self.store.conversation_customer(conversation_id).await?;
                    self.fanout
                        .ticket_changed(conversation_id, &[event], customer.as_deref())
                        .await;
                }
                Ok(None)
            }
            Err(error) if retry_later(&error, attempts) => Ok(Some(error.to_string())),
            Err(error) => {
                tracing::warn!(%error, service, "handoff failed for good; the team here takes it");
                let Some(event) = self
                    .store
                    .external_handoff_failed(conversation_id, service, &error.to_string())
                    .await?
                else {
                    return Ok(None);
                };
                self.fanout
                    .ticket_changed(conversation_id, &[event], None)
                    .await;
                self.worker.notify_one();
                let phrases = self.shopper_phrases(conversation_id).await?;
                self.say(
                    conversation_id,
                    system(),
                    format!("handoff-fallback-{conversation_id}"),
                    phrases.fallback_here.to_owned(),
                )
                .await?;
                Ok(None)
            }
        }
    }

    async fn create_external_ticket(
        &self,
        target: &HandoffTarget,
        transcript: &Transcript,
    ) -> Result<String, HandoffError> {
        match target {
            HandoffTarget::Zendesk {
                subdomain,
                email,
                api_token,
            } => {
                let mut zendesk = Zendesk::new(subdomain, email, Secret::new(api_token.as_str()))
                    .map_err(|error| HandoffError::Misconfigured("Zendesk", error))?;
                if let Some(url) = &self.services.zendesk {
                    zendesk = zendesk.at(url);
                }
                zendesk.create_ticket(&self.http, transcript).await
            }
            HandoffTarget::Gorgias {
                domain,
                username,
                api_key,
            } => {
                let mut gorgias = Gorgias::new(domain, username, Secret::new(api_key.as_str()))
                    .map_err(|error| HandoffError::Misconfigured("Gorgias", error))?;
                if let Some(url) = &self.services.gorgias {
                    gorgias = gorgias.at(url);
                }
                gorgias.create_ticket(&self.http, transcript).await
            }
            other => Err(HandoffError::Misconfigured(
                "the handoff",
                format!("the merchant changed the handoff to {}", other.label()),
            )),
        }
    }

    /// The conversation so far, for another helpdesk; `None` when it is gone.
    async fn transcript(
        &self,
        conversation_id: &str,
        reason: &str,
    ) -> Result<Option<Transcript>, StoreError> {
        let Some(ticket) = self.store.ticket_summary(conversation_id, "").await? else {
            return Ok(None);
        };
        let messages: Vec<Message> = self.store.messages_after(conversation_id, 0).await?;
        let store_name = self.settings.current().shop.general.store_name.clone();
        let subject = messages
            .iter()
            .find(|message| message.author_kind == AuthorKind::Shopper)
            .map(|message| message.body.chars().take(80).collect::<String>())
            .filter(|subject| !subject.trim().is_empty())
            .unwrap_or_else(|| format!("Chat on {store_name}"));
        Ok(Some(Transcript {
            shopper_name: ticket.customer_name.clone(),
            shopper_email: Some(ticket.customer_email.clone()).filter(|email| !email.is_empty()),
            subject,
            reason: reason.to_owned(),
            lines: messages
                .into_iter()
                .map(|message| TranscriptLine {
                    from_shopper: message.author_kind == AuthorKind::Shopper,
                    author: message.author_name,
                    body: message.body,
                    at: message.created_at,
                })
                .collect(),
        }))
    }
}

/// Whether a failed handoff is worth another try, after `attempts` so far: an outage
/// may pass, a refusal will not.
fn retry_later(error: &HandoffError, attempts: i64) -> bool {
    error.is_transient() && attempts < EXTERNAL_HANDOFF_ATTEMPTS
}

fn system() -> Sender {
    Sender::System {
        name: AI_AUTHOR.to_owned(),
    }
}

/// Why the AI agent handed off, as the team reads it in the thread.
pub fn reason_text(reason: HandoffReason) -> &'static str {
    match reason {
        HandoffReason::Requested => "The shopper asked for a person.",
        HandoffReason::CaseWork => {
            "It is about the shopper's own order, payment or account: a person has to look."
        }
        HandoffReason::LowConfidence => {
            "Nothing in the knowledge answers it well enough, so it would not guess."
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outages_are_retried_a_few_times_and_refusals_never() {
        let outage = HandoffError::Unreachable("Zendesk", "timed out".into());
        assert!(retry_later(&outage, 1));
        assert!(retry_later(&outage, EXTERNAL_HANDOFF_ATTEMPTS - 1));
        assert!(!retry_later(&outage, EXTERNAL_HANDOFF_ATTEMPTS));
        let refused = HandoffError::Refused {
            service: "Gorgias",
            status: 401,
            detail: "bad key".into(),
        };
        assert!(!retry_later(&refused, 1));
    }
}
