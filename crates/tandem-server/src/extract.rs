//! Extractors that turn axum's rejections into [`ApiError`]s, and conversation access.

use axum::extract::{FromRequest, FromRequestParts};
use axum::http::HeaderMap;
use tandem_domain::{Conversation, ConversationId};

use crate::AppState;
use crate::error::ApiError;
use crate::tokens::hash_token;

/// `axum::Json` whose rejection is an [`ApiError`].
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

/// `axum::extract::Query` whose rejection is an [`ApiError`].
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

/// The bearer token of a request, if any.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// Loads the conversation `raw_id` and checks that `token` is its access token. Applies
/// the per-conversation rate limit.
pub async fn authorize_customer(
    state: &AppState,
    raw_id: &str,
    token: Option<&str>,
) -> Result<Conversation, ApiError> {
    let token = token.ok_or_else(|| {
        ApiError::unauthorized("send the conversation token as 'Authorization: Bearer TOKEN'")
    })?;
    let id = ConversationId::parse(raw_id).map_err(|_| ApiError::not_found("conversation"))?;
    let conversation = state
        .store
        .conversation(&id)
        .await?
        .ok_or_else(|| ApiError::not_found("conversation"))?;
    if !constant_time_eq(
        hash_token(token).as_bytes(),
        conversation.token_hash.as_bytes(),
    ) {
        return Err(ApiError::unauthorized(
            "this token does not grant access to this conversation",
        ));
    }
    state.limits.check_conversation(conversation.id.as_str())?;
    Ok(conversation)
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Who reads a conversation's events: its customer, or a person who may see it.
pub struct Reader {
    pub conversation: Conversation,
    /// A person of the team: internal notes are included.
    pub staff: bool,
}

/// The conversation token first; failing that, a person's session token, for a
/// conversation that person may see (not found otherwise).
pub async fn authorize_reader(
    state: &AppState,
    raw_id: &str,
    token: Option<&str>,
) -> Result<Reader, ApiError> {
    match authorize_customer(state, raw_id, token).await {
        Ok(conversation) => Ok(Reader {
            conversation,
            staff: false,
        }),
        Err(e) if e.code == crate::error::ErrorCode::Unauthorized && token.is_some() => {
            let Ok(staff) = crate::workforce::authenticate(state, token).await else {
                return Err(e);
            };
            let conversation = crate::desk::visible_conversation(state, &staff, raw_id).await?;
            Ok(Reader {
                conversation,
                staff: true,
            })
        }
        Err(e) => Err(e),
    }
}
