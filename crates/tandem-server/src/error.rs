//! The one HTTP error type. Every error leaves as `{"error": {"code", "message"}}` with the
//! status from [`ErrorCode::status`], the single table of codes.

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tandem_domain::{ConversationState, ParseError};
use tandem_store::StoreError;

macro_rules! error_codes {
    ($($variant:ident = ($code:literal, $status:ident)),+ $(,)?) => {
        /// Machine-readable error codes, each with its HTTP status.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum ErrorCode { $($variant),+ }

        impl ErrorCode {
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code),+ }
            }

            pub fn status(self) -> StatusCode {
                match self { $(ErrorCode::$variant => StatusCode::$status),+ }
            }
        }
    };
}

error_codes! {
    InvalidJson = ("invalid_json", BAD_REQUEST),
    InvalidInput = ("invalid_input", UNPROCESSABLE_ENTITY),
    Unauthorized = ("unauthorized", UNAUTHORIZED),
    InvalidCustomerToken = ("invalid_customer_token", UNAUTHORIZED),
    NotFound = ("not_found", NOT_FOUND),
    MethodNotAllowed = ("method_not_allowed", METHOD_NOT_ALLOWED),
    ConversationClosed = ("conversation_closed", CONFLICT),
    ConversationOpen = ("conversation_open", CONFLICT),
    AlreadyRated = ("already_rated", CONFLICT),
    PayloadTooLarge = ("payload_too_large", PAYLOAD_TOO_LARGE),
    UnsupportedMediaType = ("unsupported_media_type", UNSUPPORTED_MEDIA_TYPE),
    RateLimited = ("rate_limited", TOO_MANY_REQUESTS),
    WrongCode = ("wrong_code", UNPROCESSABLE_ENTITY),
    CodeExpired = ("code_expired", UNPROCESSABLE_ENTITY),
    NoCodeRequested = ("no_code_requested", CONFLICT),
    AlreadyVerified = ("already_verified", CONFLICT),
    CustomerMismatch = ("customer_mismatch", CONFLICT),
    VerificationLocked = ("verification_locked", TOO_MANY_REQUESTS),
    MailUnavailable = ("mail_unavailable", SERVICE_UNAVAILABLE),
    NotReady = ("not_ready", SERVICE_UNAVAILABLE),
    InvalidCredentials = ("invalid_credentials", UNAUTHORIZED),
    Forbidden = ("forbidden", FORBIDDEN),
    AlreadyAssigned = ("already_assigned", CONFLICT),
    NotAssignee = ("not_assignee", CONFLICT),
    AtCapacity = ("at_capacity", CONFLICT),
    EmailTaken = ("email_taken", CONFLICT),
    AgentUnavailable = ("agent_unavailable", CONFLICT),
    Internal = ("internal", INTERNAL_SERVER_ERROR),
}

#[derive(Debug)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    /// Seconds, sent as `Retry-After` with 429.
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(ErrorCode::NotFound, format!("{what} not found"))
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Unauthorized, message)
    }

    pub fn rate_limited(retry_after_secs: u64) -> Self {
        Self {
            retry_after: Some(retry_after_secs.max(1)),
            ..Self::new(
                ErrorCode::RateLimited,
                "too many requests; slow down and retry later",
            )
        }
    }

    /// A failure the client cannot fix. The cause is logged; the client sees an opaque
    /// message.
    pub fn internal(cause: &(dyn std::error::Error + 'static)) -> Self {
        let mut chain = cause.to_string();
        let mut source = cause.source();
        while let Some(s) = source {
            chain.push_str(": ");
            chain.push_str(&s.to_string());
            source = s.source();
        }
        tracing::error!(error = %chain, "internal error");
        Self::new(
            ErrorCode::Internal,
            "something went wrong on our side; please try again",
        )
    }
}

impl From<ParseError> for ApiError {
    fn from(e: ParseError) -> Self {
        Self::new(ErrorCode::InvalidInput, e.to_string())
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::ConversationNotFound(_) => Self::not_found("conversation"),
            StoreError::StateConflict {
                current: ConversationState::Closed,
            } => Self::new(ErrorCode::ConversationClosed, "this conversation has ended"),
            StoreError::StateConflict { current } => Self::new(
                ErrorCode::ConversationOpen,
                format!(
                    "this conversation is {} and does not allow that yet",
                    current.as_str()
                ),
            ),
            StoreError::AlreadyRated => Self::new(
                ErrorCode::AlreadyRated,
                "this conversation has been rated already",
            ),
            StoreError::NotAssignee { .. } => Self::new(
                ErrorCode::NotAssignee,
                "this conversation is not assigned to you",
            ),
            StoreError::EmailTaken(email) => Self::new(
                ErrorCode::EmailTaken,
                format!("an account with the email {email} exists already"),
            ),
            other => Self::internal(&other),
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        let code = match r.status() {
            StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::PayloadTooLarge,
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorCode::UnsupportedMediaType,
            StatusCode::UNPROCESSABLE_ENTITY => ErrorCode::InvalidInput,
            _ => ErrorCode::InvalidJson,
        };
        Self::new(code, r.body_text())
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        Self::new(ErrorCode::InvalidInput, r.body_text())
    }
}

#[derive(Serialize)]
struct Body<'a> {
    error: Inner<'a>,
}

#[derive(Serialize)]
struct Inner<'a> {
    code: &'a str,
    message: &'a str,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body {
            error: Inner {
                code: self.code.as_str(),
                message: &self.message,
            },
        };
        let mut response = (self.code.status(), Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_snake_case() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            assert!(seen.insert(code.as_str()), "{code:?}");
            assert!(
                code.as_str()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'_')
            );
            assert!(code.status().is_client_error() || code.status().is_server_error());
        }
    }
}
