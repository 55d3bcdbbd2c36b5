//! Verifying a customer by email one-time code (DOMAIN.md P1), independent of HTTP:
//! [`request_code`] sends a code to the email on file, [`verify_code`] checks it. The
//! rules are `tandem_domain::identity`; a try is decided atomically by the store.
//!
//! No account enumeration: a code request does the same work whether or not the email
//! belongs to a customer (look up, draw and hash a code, store a challenge; only the
//! mail is skipped for an unknown email, and real mail is sent after answering), and
//! wrong tries count and lock per email for unknown emails exactly as for known ones.

use rand::Rng;
use sha2::{Digest, Sha256};
use tandem_domain::identity::{
    self, Challenge, CheckOutcome, EmailAddress, LockKey, OtpCode, OtpPolicy,
};
use tandem_domain::{
    Author, Conversation, ConversationId, ConversationState, Customer, EventDraft, EventKind,
    Language,
};
use tandem_store::Append;
use time::OffsetDateTime;

use crate::AppState;
use crate::error::{ApiError, ErrorCode};
use crate::mail::Delivery;

/// The policy in force: codes valid 10 minutes, 5 wrong tries lock for 15 minutes.
pub fn policy() -> OtpPolicy {
    OtpPolicy::default()
}

/// The stored form of a code: SHA-256 over the conversation id and the code, so a code
/// is worth nothing in another conversation and never stored in clear.
pub fn code_hash(conversation: &ConversationId, code: &OtpCode) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"tandem-otp-v1:");
    hasher.update(conversation.as_str().as_bytes());
    hasher.update(b":");
    hasher.update(code.as_str().as_bytes());
    hex::encode(hasher.finalize())
}

fn lock_key(email: &EmailAddress, customer: Option<&Customer>) -> LockKey {
    // Hashed for every request, known or not, so both take the same path.
    let digest = hex::encode(Sha256::digest(email.normalized().as_bytes()));
    match customer {
        Some(c) => LockKey::customer(&c.id),
        None => LockKey::unknown_email(&digest),
    }
}

fn ensure_open(conversation: &Conversation) -> Result<(), ApiError> {
    if conversation.state == ConversationState::Closed {
        return Err(ApiError::new(
            ErrorCode::ConversationClosed,
            "this conversation has ended",
        ));
    }
    Ok(())
}

fn locked(until: OffsetDateTime, now: OffsetDateTime) -> ApiError {
    let seconds = (until - now).whole_seconds().max(1);
    let minutes = (seconds + 59) / 60;
    ApiError {
        retry_after: Some(seconds.unsigned_abs()),
        ..ApiError::new(
            ErrorCode::VerificationLocked,
            format!(
                "too many wrong codes: verification is locked until {} (in {minutes} min)",
                crate::wire::timestamp(until)
            ),
        )
    }
}

/// Sends a one-time code to `email` if it belongs to a customer. Answers the same either
/// way; refuses while the email's verification is locked (for unknown emails too), when
/// no mailer is configured, and when the conversation is verified already or closed.
/// The shortest time between two codes for one conversation.
pub const RESEND_COOLDOWN: time::Duration = time::Duration::seconds(60);

pub async fn request_code(
    state: &AppState,
    conversation: &Conversation,
    email: &EmailAddress,
) -> Result<(), ApiError> {
    ensure_open(conversation)?;
    if conversation.verified {
        return Err(ApiError::new(
            ErrorCode::AlreadyVerified,
            "this conversation is verified already",
        ));
    }
    let delivery = state.mailer.delivery();
    if delivery == Delivery::Unavailable {
        return Err(ApiError::new(
            ErrorCode::MailUnavailable,
            "email verification is not available: this server has no mail server configured",
        ));
    }
    let now = state.clock.now();
    let policy = policy();
    let customer = state.store.customer_by_email(&email.normalized()).await?;
    let key = lock_key(email, customer.as_ref());
    let lockout = state.store.lockout(&key).await?.current(&policy, now);
    if let Err(identity::Locked { until }) = identity::may_request(&lockout, now) {
        return Err(locked(until, now));
    }
    // One code per conversation per minute, so nobody floods an inbox. Known and unknown
    // emails both store a challenge, so the answer reveals nothing.
    if let Some(previous) = state.store.challenge(&conversation.id).await? {
        let wait = RESEND_COOLDOWN - (now - previous.issued_at);
        if wait > time::Duration::ZERO {
            return Err(ApiError {
                message: "a code was sent less than a minute ago; please check your inbox or wait a moment".into(),
                ..ApiError::rate_limited(wait.whole_seconds().unsigned_abs().max(1))
            });
        }
    }
    let code = OtpCode::from_number(rand::rng().random_range(0..1_000_000))
        .expect("drawn below one million");
    let challenge = Challenge::issue(
        &policy,
        key,
        customer.as_ref().map(|c| c.id.clone()),
        code_hash(&conversation.id, &code),
        tandem_store::truncate_to_millis(now),
    );
    state
        .store
        .save_challenge(&conversation.id, &challenge)
        .await?;
    tracing::info!(conversation = %conversation.id, "verification code requested");
    let Some(customer) = customer else {
        return Ok(());
    };
    let language = conversation
        .language
        .clone()
        .unwrap_or_else(|| customer.language.clone());
    let mailer = std::sync::Arc::clone(&state.mailer);
    let send = async move {
        mailer
            .send_code(&customer.email, &customer.name, &code, &language)
            .await
    };
    match delivery {
        Delivery::Local => send.await.map_err(|e| ApiError::internal(&e))?,
        _ => {
            let conversation = conversation.id.clone();
            tokio::spawn(async move {
                if let Err(e) = send.await {
                    let e: &(dyn std::error::Error + 'static) = &e;
                    tracing::error!(%conversation, error = %error_chain(e), "sending the verification code failed");
                }
            });
        }
    }
    Ok(())
}

fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut chain = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        chain.push_str(": ");
        chain.push_str(&s.to_string());
        source = s.source();
    }
    chain
}

/// Checks a code. On success the conversation is verified as the customer and a system
/// message says so. A verified conversation answers with its customer again.
pub async fn verify_code(
    state: &AppState,
    conversation: &Conversation,
    code: &OtpCode,
) -> Result<Customer, ApiError> {
    ensure_open(conversation)?;
    if conversation.verified
        && let Some(id) = &conversation.customer_id
        && let Some(customer) = state.store.customer(id).await?
    {
        return Ok(customer);
    }
    let now = state.clock.now();
    let policy = policy();
    let outcome = state
        .store
        .attempt_code(
            &conversation.id,
            &code_hash(&conversation.id, code),
            &policy,
            now,
        )
        .await?;
    let customer = match outcome {
        CheckOutcome::Verified { customer } => customer,
        CheckOutcome::Wrong { attempts_left } => {
            let tries = if attempts_left == 1 { "try" } else { "tries" };
            return Err(ApiError::new(
                ErrorCode::WrongCode,
                format!("that code is not right: {attempts_left} {tries} left"),
            ));
        }
        CheckOutcome::Expired => {
            return Err(ApiError::new(
                ErrorCode::CodeExpired,
                format!(
                    "that code has expired (codes are valid for {} minutes); ask for a new one",
                    policy.ttl.whole_minutes()
                ),
            ));
        }
        CheckOutcome::Locked { until } => return Err(locked(until, now)),
        CheckOutcome::NoChallenge => {
            return Err(ApiError::new(
                ErrorCode::NoCodeRequested,
                "no code is waiting in this conversation; ask for one first",
            ));
        }
        CheckOutcome::OtherCustomer => {
            return Err(ApiError::new(
                ErrorCode::CustomerMismatch,
                "this conversation belongs to another customer",
            ));
        }
    };
    let customer = state
        .store
        .customer(&customer)
        .await?
        .ok_or_else(|| ApiError::not_found("customer"))?;
    tracing::info!(conversation = %conversation.id, customer = %customer.id, "customer verified by email code");
    let language = conversation
        .language
        .clone()
        .unwrap_or_else(|| customer.language.clone());
    let notice = EventDraft {
        text: Some(verified_notice(&language, &customer.name)),
        language: Some(language),
        ..EventDraft::new(now, EventKind::Message, Author::System)
    };
    // The customer is verified whether or not the notice can still be added (e.g. the
    // conversation ended meanwhile).
    if let Err(e) =
        crate::conversations::commit(state, &conversation.id, Append::to_open(vec![notice])).await
    {
        tracing::warn!(conversation = %conversation.id, error = %e, "the verified notice was not added");
    }
    Ok(customer)
}

/// "You're verified as Anna." in the conversation's language.
fn verified_notice(language: &Language, name: &str) -> String {
    let first = name.split_whitespace().next().unwrap_or(name);
    match language.primary() {
        "sv" => format!("Du är verifierad som {first}."),
        "de" => format!("Sie sind als {first} verifiziert."),
        _ => format!("You're verified as {first}."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_hash_per_conversation() {
        let code = OtpCode::parse("482913").unwrap();
        let a = ConversationId::generate();
        let b = ConversationId::generate();
        assert_eq!(code_hash(&a, &code), code_hash(&a, &code));
        assert_ne!(code_hash(&a, &code), code_hash(&b, &code));
        assert!(!code_hash(&a, &code).contains("482913"));
    }

    #[test]
    fn notices_follow_the_language() {
        let say = |lang: &str| verified_notice(&Language::parse(lang).unwrap(), "Anna Svensson");
        assert_eq!(say("en"), "You're verified as Anna.");
        assert_eq!(say("sv-SE"), "Du är verifierad som Anna.");
        assert_eq!(say("de"), "Sie sind als Anna verifiziert.");
        assert_eq!(say("fr"), "You're verified as Anna.");
    }
}
