//! People's accounts: passwords (argon2id), sessions (random tokens stored as hashes,
//! expiring, revocable), the agent extractor, and creating accounts (CLI and demo).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Argon2, password_hash::rand_core::OsRng};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use tandem_domain::ParseError;
use tandem_domain::workforce::{
    AgentAccount, AgentId, AgentSession, MAX_CHATS_LIMIT, Presence, Role, Skills,
};
use tandem_store::Store;
use time::{Duration, OffsetDateTime};

use crate::AppState;
use crate::error::{ApiError, ErrorCode};
use crate::extract::bearer;
use crate::tokens::{hash_token, new_conversation_token};

/// How long a login lasts.
pub const SESSION_TTL: Duration = Duration::hours(12);

/// The shortest password accepted for a new account.
pub const MIN_PASSWORD: usize = 8;

/// An argon2id PHC string for `password` (random salt, the crate's default parameters).
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashes any password with default parameters")
        .to_string()
}

/// Whether `password` matches the stored PHC string. A malformed hash never matches.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

/// A hash that no password matches, checked when the email is unknown so that a login
/// takes as long for an unknown email as for a wrong password.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password(&new_conversation_token()))
}

/// What a new account needs.
#[derive(Debug, Clone)]
pub struct NewAgent {
    pub name: String,
    pub email: String,
    pub password: String,
    pub role: Role,
    pub skills: Skills,
    pub max_chats: u32,
}

/// Checks and creates an account.
pub async fn add_agent(
    store: &dyn Store,
    new: NewAgent,
    now: OffsetDateTime,
) -> Result<AgentAccount, ApiError> {
    if new.password.chars().count() < MIN_PASSWORD {
        return Err(ParseError::new(
            "password",
            format!("use at least {MIN_PASSWORD} characters"),
        )
        .into());
    }
    add_agent_unchecked_password(store, new, now).await
}

/// Creates an account without the password length rule (the demo team's `demo`).
pub async fn add_agent_unchecked_password(
    store: &dyn Store,
    new: NewAgent,
    now: OffsetDateTime,
) -> Result<AgentAccount, ApiError> {
    let name = new.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ParseError::new("name", "give a name of 1 to 100 characters").into());
    }
    let email = tandem_domain::identity::EmailAddress::parse(&new.email)?;
    if !(1..=MAX_CHATS_LIMIT).contains(&new.max_chats) {
        return Err(
            ParseError::new("max_chats", format!("must be from 1 to {MAX_CHATS_LIMIT}")).into(),
        );
    }
    let account = AgentAccount {
        id: AgentId::generate(),
        name: name.to_owned(),
        email: email.as_str().to_ascii_lowercase(),
        password_hash: hash_password(&new.password),
        role: new.role,
        skills: new.skills,
        max_chats: new.max_chats,
        presence: Presence::Offline,
        presence_since: now,
        created_at: now,
    };
    store.create_agent(&account).await?;
    Ok(account)
}

/// Checks an email and password and opens a session. Unknown emails and wrong passwords
/// get the same answer.
pub async fn login(
    state: &AppState,
    email: &str,
    password: &str,
) -> Result<(String, AgentSession, AgentAccount), ApiError> {
    let refused = || {
        ApiError::new(
            ErrorCode::InvalidCredentials,
            "the email or the password is wrong",
        )
    };
    let account = state.store.agent_by_email(email).await?;
    let stored = account
        .as_ref()
        .map_or(decoy_hash(), |a| a.password_hash.as_str());
    let password = password.to_owned();
    let stored = stored.to_owned();
    // argon2 takes tens of milliseconds of CPU: keep it off the async workers.
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &stored))
        .await
        .map_err(|e| ApiError::internal(&e))?;
    let account = match account {
        Some(a) if ok => a,
        _ => return Err(refused()),
    };
    let now = state.clock.now();
    let token = new_conversation_token();
    let session = AgentSession {
        token_hash: hash_token(&token),
        agent: account.id.clone(),
        created_at: tandem_store::truncate_to_millis(now),
        expires_at: tandem_store::truncate_to_millis(now + SESSION_TTL),
    };
    state.store.save_session(&session).await?;
    tracing::info!(agent = %account.id, "agent logged in");
    Ok((token, session, account))
}

/// The person behind a request's session token.
#[derive(Debug, Clone)]
pub struct Staff {
    pub account: AgentAccount,
    pub token_hash: String,
}

impl Staff {
    pub fn id(&self) -> &AgentId {
        &self.account.id
    }

    /// Refuses unless the person oversees (supervisor, admin).
    pub fn require_oversight(&self) -> Result<(), ApiError> {
        if self.account.role.oversees() {
            Ok(())
        } else {
            Err(ApiError::new(
                ErrorCode::Forbidden,
                "this needs a supervisor or admin account",
            ))
        }
    }
}

/// Resolves a session token to its person; expired and revoked tokens are refused.
pub async fn authenticate(state: &AppState, token: Option<&str>) -> Result<Staff, ApiError> {
    let token = token.ok_or_else(|| {
        ApiError::unauthorized("log in and send the session token as 'Authorization: Bearer TOKEN'")
    })?;
    let token_hash = hash_token(token);
    let session = state.store.session(&token_hash).await?;
    let refused = || ApiError::unauthorized("this session has ended; log in again");
    let session = session.ok_or_else(refused)?;
    if session.expires_at <= state.clock.now() {
        let _ = state.store.delete_session(&token_hash).await;
        return Err(refused());
    }
    let account = state
        .store
        .agent(&session.agent)
        .await?
        .ok_or_else(refused)?;
    Ok(Staff {
        account,
        token_hash,
    })
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let from_query = parts.uri.query().and_then(|q| {
            q.split('&')
                .find_map(|kv| kv.strip_prefix("token="))
                .map(str::to_owned)
        });
        let token = bearer(&parts.headers).map(str::to_owned).or(from_query);
        authenticate(state, token.as_deref()).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let phc = hash_password("correct horse");
        assert!(phc.starts_with("$argon2id$"), "{phc}");
        assert!(verify_password("correct horse", &phc));
        assert!(!verify_password("correct hors", &phc));
        assert!(!verify_password("correct horse", "not a hash"));
        assert_ne!(phc, hash_password("correct horse"), "salted");
    }
}
