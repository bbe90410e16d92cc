//! The background worker every node runs: it claims due jobs from the database (see
//! `store/jobs.rs` for why each runs once across nodes) and runs them, retrying
//! failures with backoff. New-ticket emails are sent here, so SMTP trouble never slows
//! or fails a shopper's message. Snoozed tickets are woken here too.

use std::{sync::Arc, time::Duration};

use tokio::sync::{watch, Notify};

use crate::{
    ai::agent::AiAgent,
    fanout::Fanout,
    ids::now_ms,
    mailer::{Email, Mailer},
    shopify,
    sms::{Sent, SmsSender},
    store::{
        ExternalHandoff, Job, ShopifyDelivery, Store, StoreError, WakeUp, AI_HANDOFF_JOB,
        AI_REPLY_JOB, NEW_TICKET_JOB, SHOPIFY_WEBHOOK_JOB, SMS_SEND_JOB, WAKE_TICKET_JOB,
    },
    telemetry, workflow,
};

/// How long a claimed job is ours before another node may take it over.
const LEASE_MS: i64 = 5 * 60 * 1000;
/// Longest sleep between looks at the queue (jobs due on other nodes' clocks, leases ending).
const IDLE_POLL: Duration = Duration::from_secs(5);
/// Attempts before a job is given up (about a day of backoff in total).
const MAX_ATTEMPTS: i64 = 10;

/// Wait before attempt `attempts + 1`: 30 s, 1 min, 2 min, ... capped at 6 hours.
pub fn retry_delay_ms(attempts: i64) -> i64 {
    let exponent = attempts.clamp(1, 16) - 1;
    (30_000_i64 << exponent).min(6 * 60 * 60 * 1000)
}

#[derive(Clone)]
pub struct Worker {
    store: Store,
    /// Announces what jobs change (woken tickets).
    fanout: Fanout,
    mailer: Option<Mailer>,
    /// Sends agents' SMS replies, when an SMS provider is configured.
    sms: Option<SmsSender>,
    /// Where links in emails point (`https://chat.example`).
    public_url: String,
    wake: Arc<Notify>,
    /// Answers AI chats a node missed, and creates Zendesk or Gorgias tickets.
    ai: Option<AiAgent>,
}

enum Outcome {
    Done(String),
    Retry(String),
}

impl Worker {
    pub fn new(
        store: Store,
        fanout: Fanout,
        mailer: Option<Mailer>,
        sms: Option<SmsSender>,
        public_url: String,
    ) -> Self {
        Worker {
            store,
            fanout,
            mailer,
            sms,
            public_url,
            wake: Arc::new(Notify::new()),
            ai: None,
        }
    }

    /// The AI agent's jobs run through `ai` (it is built after the worker, whose waker
    /// it holds).
    pub fn with_ai(self, ai: AiAgent) -> Self {
        Worker {
            ai: Some(ai),
            ..self
        }
    }

    /// What [`Worker::wake`] notifies, for parts that queue jobs without the worker.
    pub fn waker(&self) -> Arc<Notify> {
        Arc::clone(&self.wake)
    }

    pub fn mailer(&self) -> Option<&Mailer> {
        self.mailer.as_ref()
    }

    /// Asks the worker to look at the queue now (a job was just added on this node).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    pub fn spawn(&self, mut shutdown: watch::Receiver<bool>) {
        let worker = self.clone();
        tokio::spawn(async move {
            loop {
                if *shutdown.borrow() {
                    return;
                }
                let ran = match worker.run_one().await {
                    Ok(ran) => ran,
                    Err(error) => {
                        tracing::warn!(error = %error, "job queue unavailable");
                        false
                    }
                };
                if ran {
                    continue;
                }
                let pause = worker.pause().await;
                tokio::select! {
                    _ = tokio::time::sleep(pause) => {}
                    _ = worker.wake.notified() => {}
                    _ = shutdown.changed() => return,
                }
            }
        });
    }

    /// Until the next job is due, at most [`IDLE_POLL`].
    async fn pause(&self) -> Duration {
        match self.store.next_job_at().await {
            Ok(Some(at)) => {
                let wait = u64::try_from(at - now_ms()).unwrap_or(0);
                Duration::from_millis(wait.max(10)).min(IDLE_POLL)
            }
            _ => IDLE_POLL,
        }
    }

    /// Claims and runs one due job; `false` when none is due.
    pub async fn run_one(&self) -> Result<bool, StoreError> {
        let Some(job) = self.store.claim_job(LEASE_MS).await? else {
            return Ok(false);
        };
        let lag = u64::try_from(now_ms() - job.run_at).unwrap_or(0);
        telemetry::job_claimed(&job.kind, Duration::from_millis(lag));
        let outcome = match job.kind.as_str() {
            NEW_TICKET_JOB => self.new_ticket_email(&job).await,
            WAKE_TICKET_JOB => match serde_json::from_str::<WakeUp>(&job.payload) {
                Ok(wake) => workflow::wake_when_due(&self.store, &self.fanout, &wake)
                    .await
                    .map(Outcome::Done),
                Err(error) => Ok(Outcome::Done(format!("skipped: bad payload: {error}"))),
            },
            SHOPIFY_WEBHOOK_JOB => match serde_json::from_str::<ShopifyDelivery>(&job.payload) {
                Ok(delivery) => shopify::process(&self.store, &delivery)
                    .await
                    .map(Outcome::Done),
                Err(error) => Ok(Outcome::Done(format!("skipped: bad payload: {error}"))),
            },
            AI_REPLY_JOB => self.ai_reply(&job).await,
            AI_HANDOFF_JOB => self.ai_handoff(&job).await,
            SMS_SEND_JOB => match &self.sms {
                Some(sender) => {
                    sender
                        .send(&self.store, &job.payload)
                        .await
                        .map(|sent| match sent {
                            Sent::Done(note) => Outcome::Done(note),
                            Sent::Retry(error) => Outcome::Retry(error),
                        })
                }
                None => Ok(Outcome::Retry("no SMS provider is configured".into())),
            },
            other => Ok(Outcome::Done(format!(
                "skipped: unknown job kind {other:?}"
            ))),
        };
        match outcome {
            Ok(Outcome::Done(note)) => {
                telemetry::job_ran(&job.kind, "done");
                self.store.finish_job(&job.id, &note).await?;
            }
            Ok(Outcome::Retry(error)) if job.attempts < MAX_ATTEMPTS => {
                telemetry::job_ran(&job.kind, "retry");
                tracing::warn!(kind = %job.kind, attempts = job.attempts, %error, "job will be retried");
                let at = now_ms() + retry_delay_ms(job.attempts);
                self.store.retry_job(&job.id, &error, at).await?;
            }
            Ok(Outcome::Retry(error)) => {
                telemetry::job_ran(&job.kind, "failed");
                tracing::error!(kind = %job.kind, %error, "job failed for good");
                self.store
                    .finish_job(&job.id, &format!("failed: {error}"))
                    .await?;
            }
            Err(error) => {
                // The lease runs out and the job is tried again.
                tracing::warn!(error = %error, "job could not run");
            }
        }
        Ok(true)
    }

    /// Answers a shopper's message if the node that stored it did not (it died first).
    async fn ai_reply(&self, job: &Job) -> Result<Outcome, StoreError> {
        let Some(ai) = &self.ai else {
            return Ok(Outcome::Retry("the AI agent is not running here".into()));
        };
        let parsed = job
            .payload
            .split_once(' ')
            .and_then(|(id, seq)| Some((id, seq.parse::<i64>().ok()?)));
        let Some((conversation_id, seq)) = parsed else {
            return Ok(Outcome::Done(format!(
                "skipped: bad payload {:?}",
                job.payload
            )));
        };
        Ok(match ai.respond(conversation_id, seq).await {
            Ok(()) => Outcome::Done("answered".into()),
            Err(error) => Outcome::Retry(error.to_string()),
        })
    }

    /// Creates the Zendesk or Gorgias ticket; falls back to the team here in the end.
    async fn ai_handoff(&self, job: &Job) -> Result<Outcome, StoreError> {
        let Some(ai) = &self.ai else {
            return Ok(Outcome::Retry("the AI agent is not running here".into()));
        };
        let handoff: ExternalHandoff = match serde_json::from_str(&job.payload) {
            Ok(handoff) => handoff,
            Err(error) => return Ok(Outcome::Done(format!("skipped: bad payload: {error}"))),
        };
        Ok(
            match ai
                .external_handoff(&handoff.conversation_id, &handoff.reason, job.attempts)
                .await
            {
                Ok(None) => Outcome::Done("handed off".into()),
                Ok(Some(error)) => Outcome::Retry(error),
                Err(error) => Outcome::Retry(error.to_string()),
            },
        )
    }

    /// Emails every opted-in agent about a new ticket, once each, across retries.
    async fn new_ticket_email(&self, job: &Job) -> Result<Outcome, StoreError> {
        let Some(mailer) = &self.mailer else {
            return Ok(Outcome::Done("skipped: SMTP is not configured".into()));
        };
        let ticket_id = job.payload.as_str();
        let Some(ticket) = self.store.ticket_summary(ticket_id, "").await? else {
            return Ok(Outcome::Done("skipped: ticket is gone".into()));
        };
        let first = self
            .store
            .messages_after(ticket_id, 0)
            .await?
            .into_iter()
            .next()
            .map(|message| message.body)
            .unwrap_or_default();
        // The name comes from the storefront: no control characters into a header.
        let shopper = ticket.customer_name.replace(char::is_control, " ");
        let link = format!(
            "{}/inbox/{ticket_id}",
            self.public_url.trim_end_matches('/')
        );
        let mut sent = 0;
        let mut failures = Vec::new();
        for (_, name, address) in self.store.new_ticket_recipients().await? {
            if self.store.email_sent(&job.id, &address).await? {
                continue;
            }
            let email = Email {
                to_name: name,
                to_address: address.clone(),
                subject: format!("New ticket from {shopper}"),
                text: format!(
                    "{} started a chat:\n\n{}\n\nReply in the helpdesk: {link}\n\n\
                     You get this email because new-ticket notifications are on in your \
                     helpdesk settings.\n",
                    shopper,
                    quote(&first),
                ),
            };
            match mailer.send(&email).await {
                Ok(()) => {
                    self.store.record_email_sent(&job.id, &address).await?;
                    sent += 1;
                }
                Err(error) => failures.push(format!("{address}: {error}")),
            }
        }
        Ok(if failures.is_empty() {
            Outcome::Done(format!("sent to {sent}"))
        } else {
            Outcome::Retry(failures.join("; "))
        })
    }
}

/// The message as an email quote: each line prefixed with "> ".
fn quote(text: &str) -> String {
    text.lines()
        .map(|line| format!("> {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_and_cap() {
        assert_eq!(retry_delay_ms(1), 30_000);
        assert_eq!(retry_delay_ms(2), 60_000);
        assert_eq!(retry_delay_ms(3), 120_000);
        assert_eq!(retry_delay_ms(40), 6 * 60 * 60 * 1000);
    }

    #[test]
    fn first_messages_are_quoted() {
        assert_eq!(quote("Where is\nmy order?"), "> Where is\n> my order?");
    }
}
