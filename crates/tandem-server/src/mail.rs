//! Email with one-time codes (DOMAIN.md P1), behind one interface, [`Mailer`]:
//! - [`DemoMailbox`] keeps mails in the store's demo outbox, readable at `/demo/mailbox`
//!   (demo mode, tests, the scenario runner). Only this mailer writes the outbox, which
//!   holds codes in clear because it stands in for the customer's real mailbox.
//! - [`SmtpMailer`] sends over SMTP (lettre; STARTTLS or TLS via rustls) for deployments.
//! - [`NoMailer`] when neither is configured: code requests fail loudly (503).

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use serde::{Deserialize, Serialize};
use tandem_domain::identity::{OtpCode, OtpPolicy};
use tandem_domain::{Clock, Language};
use tandem_store::Store;
use tandem_store::identity::OutboundMail;

use crate::Settings;
use crate::tokens::Secret;

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("no mail server is configured")]
    NotConfigured,
    #[error("invalid mail settings: {0}")]
    Settings(String),
    #[error("invalid recipient {to:?}: {reason}")]
    Recipient { to: String, reason: String },
    #[error("sending mail failed")]
    Send(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// How a mailer delivers, which decides when the server sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// A quick local write: done before answering, so the code is readable at once.
    Local,
    /// Over the network: done after answering, so the response time does not tell
    /// whether the email belongs to a customer.
    Network,
    /// No way to send mail: code requests are refused.
    Unavailable,
}

#[async_trait]
pub trait Mailer: Send + Sync + 'static {
    fn delivery(&self) -> Delivery;

    /// Sends `code` to `to`, greeting `name`, in `language` (en, sv, de; others get en).
    async fn send_code(
        &self,
        to: &str,
        name: &str,
        code: &OtpCode,
        language: &Language,
    ) -> Result<(), MailError>;
}

/// The subject and plain-text body of a code mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeMail {
    pub subject: String,
    pub body: String,
}

/// The code mail in the customer's language. Says how long the code is valid and that
/// nobody will ask for it.
pub fn code_mail(name: &str, code: &OtpCode, language: &Language) -> CodeMail {
    let first = name.split_whitespace().next().unwrap_or(name);
    let minutes = OtpPolicy::default().ttl.whole_minutes();
    let code = code.as_str();
    let (subject, body) = match language.primary() {
        "sv" => (
            format!("Din verifieringskod: {code}"),
            format!(
                "Hej {first}!\n\nDin verifieringskod är {code}.\n\nSkriv in den i chatten för att bekräfta att det är du. Koden gäller i {minutes} minuter.\n\nHar du inte bett om en kod kan du bortse från det här mejlet. Vi ber dig aldrig lämna ut koden till någon annan."
            ),
        ),
        "de" => (
            format!("Ihr Bestätigungscode: {code}"),
            format!(
                "Hallo {first},\n\nIhr Bestätigungscode lautet {code}.\n\nGeben Sie ihn im Chat ein, um zu bestätigen, dass Sie es sind. Der Code ist {minutes} Minuten gültig.\n\nWenn Sie keinen Code angefordert haben, können Sie diese E-Mail ignorieren. Wir werden Sie nie bitten, den Code an jemand anderen weiterzugeben."
            ),
        ),
        _ => (
            format!("Your verification code: {code}"),
            format!(
                "Hi {first},\n\nYour verification code is {code}.\n\nEnter it in the chat to confirm it's you. The code is valid for {minutes} minutes.\n\nIf you didn't ask for a code, you can ignore this email. We will never ask you to share this code with anyone."
            ),
        ),
    };
    CodeMail { subject, body }
}

/// The demo mailbox: "sends" by keeping the mail in the store's outbox.
pub struct DemoMailbox {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
}

impl DemoMailbox {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        Self { store, clock }
    }
}

#[async_trait]
impl Mailer for DemoMailbox {
    fn delivery(&self) -> Delivery {
        Delivery::Local
    }

    async fn send_code(
        &self,
        to: &str,
        name: &str,
        code: &OtpCode,
        language: &Language,
    ) -> Result<(), MailError> {
        let mail = code_mail(name, code, language);
        let outbound = OutboundMail {
            to: to.to_owned(),
            subject: mail.subject,
            body: mail.body,
            code: Some(code.as_str().to_owned()),
            sent_at: tandem_store::truncate_to_millis(self.clock.now()),
        };
        self.store
            .record_outbound_mail(&outbound)
            .await
            .map_err(|e| MailError::Send(Box::new(e)))
    }
}

/// No mail server: every send fails with [`MailError::NotConfigured`].
pub struct NoMailer;

#[async_trait]
impl Mailer for NoMailer {
    fn delivery(&self) -> Delivery {
        Delivery::Unavailable
    }

    async fn send_code(
        &self,
        _: &str,
        _: &str,
        _: &OtpCode,
        _: &Language,
    ) -> Result<(), MailError> {
        Err(MailError::NotConfigured)
    }
}

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Plain connection upgraded with STARTTLS, which is required (usually port 587).
    #[default]
    Starttls,
    /// TLS from the first byte (usually port 465).
    Tls,
    /// No encryption: only for a relay on the same host or a test server.
    None,
}

/// Where and as whom to send mail. The password never shows in `Debug` output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    /// Empty: no authentication.
    pub username: String,
    pub password: Secret,
    /// The sender, e.g. `Acme Pay <support@acme.example>`.
    pub from: String,
    pub tls: SmtpTls,
}

/// Sends code mails over SMTP.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

/// How long one SMTP conversation may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

impl SmtpMailer {
    /// Checks the settings and prepares the transport; connects only when sending.
    pub fn new(settings: &SmtpSettings) -> Result<Self, MailError> {
        let from = Mailbox::from_str(&settings.from)
            .map_err(|e| MailError::Settings(format!("smtp.from {:?}: {e}", settings.from)))?;
        if settings.host.trim().is_empty() {
            return Err(MailError::Settings("smtp.host is empty".into()));
        }
        let host = settings.host.trim();
        let tls_error = |e: lettre::transport::smtp::Error| {
            MailError::Settings(format!("smtp TLS for {host}: {e}"))
        };
        let mut builder = match settings.tls {
            SmtpTls::Starttls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host).map_err(tls_error)?
            }
            SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host).map_err(tls_error)?,
            SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
        }
        .port(settings.port)
        .timeout(Some(SMTP_TIMEOUT));
        if !settings.username.is_empty() {
            builder = builder.credentials(Credentials::new(
                settings.username.clone(),
                settings.password.expose().to_owned(),
            ));
        }
        Ok(Self {
            transport: builder.build(),
            from,
        })
    }

    /// The message [`Mailer::send_code`] sends.
    pub fn message(
        &self,
        to: &str,
        name: &str,
        code: &OtpCode,
        language: &Language,
    ) -> Result<Message, MailError> {
        let recipient = |reason: String| MailError::Recipient {
            to: to.to_owned(),
            reason,
        };
        let address = to.parse().map_err(|e| recipient(format!("{e}")))?;
        let mail = code_mail(name, code, language);
        Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(Some(name.to_owned()), address))
            .subject(mail.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body)
            .map_err(|e| recipient(e.to_string()))
    }
}

#[async_trait]
impl Mailer for SmtpMailer {
    fn delivery(&self) -> Delivery {
        Delivery::Network
    }

    async fn send_code(
        &self,
        to: &str,
        name: &str,
        code: &OtpCode,
        language: &Language,
    ) -> Result<(), MailError> {
        let message = self.message(to, name, code, language)?;
        self.transport
            .send(message)
            .await
            .map_err(|e| MailError::Send(Box::new(e)))?;
        Ok(())
    }
}

/// The mailer the settings call for: the demo mailbox in demo mode, else SMTP when
/// configured, else none. Bad SMTP settings are logged and leave no mailer; `tandem serve`
/// checks them with [`SmtpMailer::new`] before it starts.
pub fn for_settings(
    settings: &Settings,
    store: &Arc<dyn Store>,
    clock: &Arc<dyn Clock>,
) -> Arc<dyn Mailer> {
    if settings.demo {
        return Arc::new(DemoMailbox::new(Arc::clone(store), Arc::clone(clock)));
    }
    match settings.smtp.as_ref().map(SmtpMailer::new) {
        Some(Ok(smtp)) => Arc::new(smtp),
        Some(Err(e)) => {
            tracing::error!(error = %e, "email verification is off: the SMTP settings are invalid");
            Arc::new(NoMailer)
        }
        None => Arc::new(NoMailer),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> SmtpSettings {
        SmtpSettings {
            host: "smtp.example.com".into(),
            port: 587,
            username: "mailer".into(),
            password: Secret::new("hunter2"),
            from: "Acme Pay <support@acme.example>".into(),
            tls: SmtpTls::Starttls,
        }
    }

    fn code() -> OtpCode {
        OtpCode::parse("482913").unwrap()
    }

    #[tokio::test]
    async fn smtp_messages_carry_the_code_to_the_customer() {
        let mailer = SmtpMailer::new(&settings()).unwrap();
        let en = Language::parse("en").unwrap();
        let message = mailer
            .message("anna@example.com", "Anna Svensson", &code(), &en)
            .unwrap();
        let envelope = message.envelope();
        assert_eq!(envelope.to()[0].to_string(), "anna@example.com");
        assert_eq!(
            envelope.from().map(ToString::to_string).as_deref(),
            Some("support@acme.example")
        );
        let text = String::from_utf8(message.formatted()).unwrap();
        assert!(
            text.contains("From: \"Acme Pay\" <support@acme.example>"),
            "{text}"
        );
        assert!(
            text.contains("To: \"Anna Svensson\" <anna@example.com>"),
            "{text}"
        );
        assert!(
            text.contains("Subject: Your verification code: 482913"),
            "{text}"
        );
        assert!(
            text.contains("Content-Type: text/plain; charset=utf-8"),
            "{text}"
        );
        assert!(
            text.contains("Hi Anna,") && text.contains("valid for 10 minutes"),
            "{text}"
        );
        assert!(
            mailer.message("not an address", "X", &code(), &en).is_err(),
            "bad recipients are refused before any connection"
        );
    }

    #[tokio::test]
    async fn smtp_settings_are_checked() {
        for tls in [SmtpTls::Starttls, SmtpTls::Tls, SmtpTls::None] {
            assert!(SmtpMailer::new(&SmtpSettings { tls, ..settings() }).is_ok());
        }
        let bad_from = SmtpSettings {
            from: "nobody".into(),
            ..settings()
        };
        assert!(matches!(
            SmtpMailer::new(&bad_from),
            Err(MailError::Settings(_))
        ));
        let no_host = SmtpSettings {
            host: " ".into(),
            ..settings()
        };
        assert!(matches!(
            SmtpMailer::new(&no_host),
            Err(MailError::Settings(_))
        ));
        assert!(!format!("{:?}", settings()).contains("hunter2"));
    }

    #[test]
    fn code_mails_speak_the_customers_language() {
        let mail = |lang: &str| code_mail("Lena Fischer", &code(), &Language::parse(lang).unwrap());
        let de = mail("de-AT");
        assert!(de.subject.starts_with("Ihr Bestätigungscode"), "{de:?}");
        assert!(
            de.body.starts_with("Hallo Lena,") && de.body.contains("482913"),
            "{de:?}"
        );
        let sv = mail("sv");
        assert!(
            sv.body.starts_with("Hej Lena!") && sv.body.contains("10 minuter"),
            "{sv:?}"
        );
        assert!(mail("fr").body.starts_with("Hi Lena,"));
    }
}
