//! Sending email over SMTP (`lettre`), configured by `SHOPDESK_SMTP_URL` and
//! `SHOPDESK_SMTP_FROM`. Without them the product sends no email and says so.

use std::time::Duration;

use lettre::{
    message::{header::ContentType, Mailbox},
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};

use crate::config::Secret;

/// How long one SMTP conversation may take before the attempt counts as failed.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The URL may hold a password: the error names the variable, not the value.
    #[error("SHOPDESK_SMTP_URL is not a valid SMTP URL (smtp://, smtps:// with optional user:password@)")]
    BadUrl,
    #[error("SHOPDESK_SMTP_FROM is not an email address (like Support <support@shop.example>)")]
    BadFrom,
    #[error("not an email address: {0}")]
    BadRecipient(String),
    #[error("the email could not be built: {0}")]
    Build(String),
    #[error("the SMTP server refused or could not be reached: {0}")]
    Send(String),
}

#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

/// An outgoing email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub to_name: String,
    pub to_address: String,
    pub subject: String,
    pub text: String,
}

impl Mailer {
    pub fn new(url: &Secret, from: &str) -> Result<Self, MailError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())
            .map_err(|_| MailError::BadUrl)?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        let from = from.parse::<Mailbox>().map_err(|_| MailError::BadFrom)?;
        Ok(Mailer { transport, from })
    }

    /// The sender address, for the Notifications page.
    pub fn from_address(&self) -> String {
        self.from.email.to_string()
    }

    pub async fn send(&self, email: &Email) -> Result<(), MailError> {
        let address = email
            .to_address
            .parse()
            .map_err(|_| MailError::BadRecipient(email.to_address.clone()))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(Some(email.to_name.clone()), address))
            .subject(email.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(email.text.clone())
            .map_err(|error| MailError::Build(error.to_string()))?;
        self.transport
            .send(message)
            .await
            .map_err(|error| MailError::Send(error.to_string()))?;
        Ok(())
    }
}
