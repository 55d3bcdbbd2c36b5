//! Storage for identity verification (DOMAIN.md P1): customers by email, the code a
//! conversation waits for (as a hash only), wrong tries per lock key, marking a
//! conversation verified, and the demo outbox.

use async_trait::async_trait;
use tandem_domain::identity::{Challenge, CheckOutcome, LockKey, Lockout, OtpPolicy};
use tandem_domain::{ConversationId, Customer, CustomerId};
use time::OffsetDateTime;

use crate::Result;

/// What [`IdentityStore::mark_verified`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarkVerified {
    /// The conversation is now verified as the customer.
    Verified,
    /// It was verified as that customer already.
    AlreadyVerified,
    /// Refused: the conversation is linked to this other customer.
    OtherCustomer(CustomerId),
}

/// A mail the demo mailbox "sent": stands in for a real mailbox in demo mode, tests and
/// scenario runs. It holds the mail body with the code in clear, so it is written only
/// by the demo mailer, never when real mail is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboundMail {
    pub to: String,
    pub subject: String,
    pub body: String,
    /// The one-time code the mail carries, if any.
    pub code: Option<String>,
    pub sent_at: OffsetDateTime,
}

/// The most mails [`IdentityStore::outbound_mail`] returns.
pub const MAX_OUTBOUND_MAIL: u32 = 100;

#[async_trait]
pub trait IdentityStore: Send + Sync {
    /// The customer whose email on file equals `email`, compared case-insensitively
    /// (ASCII). With several, the one with the smallest id.
    async fn customer_by_email(&self, email: &str) -> Result<Option<Customer>>;

    /// Stores the code the conversation waits for, replacing any earlier one.
    async fn save_challenge(
        &self,
        conversation: &ConversationId,
        challenge: &Challenge,
    ) -> Result<()>;

    async fn challenge(&self, conversation: &ConversationId) -> Result<Option<Challenge>>;

    /// The stored wrong tries of `key` (the default when there are none).
    async fn lockout(&self, key: &LockKey) -> Result<Lockout>;

    /// One try with a code, atomically: reads the conversation's challenge and its key's
    /// lockout, decides with [`tandem_domain::identity::check`], and stores the result
    /// (the new lockout; the challenge removed when used up; on success the conversation
    /// marked verified as the customer) before another try of the same key is decided.
    /// [`StoreError::ConversationNotFound`](crate::StoreError::ConversationNotFound) for an
    /// unknown conversation.
    async fn attempt_code(
        &self,
        conversation: &ConversationId,
        presented_hash: &str,
        policy: &OtpPolicy,
        now: OffsetDateTime,
    ) -> Result<CheckOutcome>;

    /// Sets `verified` and links the customer, unless the conversation is linked to
    /// another customer.
    async fn mark_verified(
        &self,
        conversation: &ConversationId,
        customer: &CustomerId,
    ) -> Result<MarkVerified>;

    /// Keeps a mail in the demo outbox (demo mailer only; see [`OutboundMail`]).
    async fn record_outbound_mail(&self, mail: &OutboundMail) -> Result<()>;

    /// Mails in the demo outbox, newest first, at most [`MAX_OUTBOUND_MAIL`]; only those to
    /// `to` (case-insensitive) when given.
    async fn outbound_mail(&self, to: Option<&str>) -> Result<Vec<OutboundMail>>;
}

/// The columns every backend stores for a challenge.
#[derive(Debug, Clone)]
pub struct ChallengeRow {
    pub lock_key: String,
    pub customer_id: Option<String>,
    pub code_hash: String,
    pub issued_at: i64,
    pub expires_at: i64,
}

impl ChallengeRow {
    pub fn from_challenge(c: &Challenge) -> Self {
        Self {
            lock_key: c.lock_key.as_str().to_owned(),
            customer_id: c.customer_id.as_ref().map(|c| c.as_str().to_owned()),
            code_hash: c.code_hash.clone(),
            issued_at: crate::to_millis(c.issued_at),
            expires_at: crate::to_millis(c.expires_at),
        }
    }

    pub fn into_challenge(self) -> Result<Challenge> {
        Ok(Challenge {
            lock_key: crate::parse_stored(&self.lock_key, LockKey::parse)?,
            customer_id: self
                .customer_id
                .as_deref()
                .map(|c| crate::parse_stored(c, CustomerId::parse))
                .transpose()?,
            code_hash: self.code_hash,
            issued_at: crate::from_millis(self.issued_at)?,
            expires_at: crate::from_millis(self.expires_at)?,
        })
    }
}

/// The columns every backend stores for a lockout.
#[derive(Debug, Clone, Default)]
pub struct LockoutRow {
    pub failures: i64,
    pub last_failure_at: Option<i64>,
    pub locked_until: Option<i64>,
}

impl LockoutRow {
    pub fn from_lockout(l: &Lockout) -> Self {
        Self {
            failures: i64::from(l.failures),
            last_failure_at: l.last_failure_at.map(crate::to_millis),
            locked_until: l.locked_until.map(crate::to_millis),
        }
    }

    pub fn into_lockout(self) -> Result<Lockout> {
        Ok(Lockout {
            failures: u32::try_from(self.failures)
                .map_err(|_| crate::StoreError::Corrupt(format!("failures {}", self.failures)))?,
            last_failure_at: self.last_failure_at.map(crate::from_millis).transpose()?,
            locked_until: self.locked_until.map(crate::from_millis).transpose()?,
        })
    }
}
