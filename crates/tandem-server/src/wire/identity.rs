//! The JSON shapes of email verification (P1) and the demo mailbox.

use serde::{Deserialize, Serialize};
use tandem_store::identity::OutboundMail;
use utoipa::ToSchema;

use super::{CustomerRef, timestamp};

#[derive(Debug, Deserialize, ToSchema)]
pub struct RequestCodeRequest {
    /// The email the customer says is on file.
    pub email: String,
}

/// The same answer whether or not the email belongs to a customer.
#[derive(Debug, Serialize, ToSchema)]
pub struct CodeRequested {
    /// Always `sent_if_known`: a code was emailed if the address is on file.
    pub status: String,
}

impl CodeRequested {
    pub fn sent_if_known() -> Self {
        Self {
            status: "sent_if_known".into(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct VerifyCodeRequest {
    /// The 6 digits from the email; spaces and dashes between them are ignored.
    pub code: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VerifiedCustomer {
    pub verified: bool,
    pub customer: CustomerRef,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct MailboxQuery {
    /// Only mail to this address (case-insensitive).
    pub email: Option<String>,
}

/// A mail in the demo mailbox.
#[derive(Debug, Serialize, ToSchema)]
pub struct MailView {
    pub to: String,
    pub subject: String,
    pub body: String,
    /// The one-time code in the mail.
    pub code: Option<String>,
    pub sent_at: String,
}

impl From<OutboundMail> for MailView {
    fn from(m: OutboundMail) -> Self {
        Self {
            to: m.to,
            subject: m.subject,
            body: m.body,
            code: m.code,
            sent_at: timestamp(m.sent_at),
        }
    }
}
