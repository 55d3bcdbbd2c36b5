//! Email verification of the customer of a conversation (DOMAIN.md P1).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use tandem_domain::identity::{EmailAddress, OtpCode};

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiJson, authorize_customer, bearer};
use crate::identity as service;
use crate::wire::identity::{
    CodeRequested, RequestCodeRequest, VerifiedCustomer, VerifyCodeRequest,
};
use crate::wire::{CustomerRef, ErrorBody};

/// Emails a one-time code to the address if it is on file. The answer is the same
/// whether or not it is (no account enumeration).
#[utoipa::path(post, path = "/api/v1/conversations/{id}/verification/email", tag = "verification",
    params(("id" = String, Path)), security(("conversation_token" = [])),
    request_body = RequestCodeRequest,
    responses(
        (status = 202, description = "a code was sent if the email is on file", body = CodeRequested),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "already_verified or conversation_closed", body = ErrorBody),
        (status = 422, description = "invalid_input: not an email address", body = ErrorBody),
        (status = 429, description = "verification_locked (with Retry-After) or rate_limited", body = ErrorBody),
        (status = 503, description = "mail_unavailable: no mail server configured", body = ErrorBody)))]
pub async fn request_email_code(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<RequestCodeRequest>,
) -> Result<(StatusCode, Json<CodeRequested>), ApiError> {
    let conversation = authorize_customer(&state, &id, bearer(&headers)).await?;
    let email = EmailAddress::parse(&request.email)?;
    service::request_code(&state, &conversation, &email).await?;
    Ok((StatusCode::ACCEPTED, Json(CodeRequested::sent_if_known())))
}

/// Checks the emailed code; on success the conversation is verified as the customer.
/// Idempotent once verified.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/verification/code", tag = "verification",
    params(("id" = String, Path)), security(("conversation_token" = [])),
    request_body = VerifyCodeRequest,
    responses(
        (status = 200, body = VerifiedCustomer),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "no_code_requested, customer_mismatch or conversation_closed", body = ErrorBody),
        (status = 422, description = "wrong_code (says how many tries are left), code_expired, or invalid_input", body = ErrorBody),
        (status = 429, description = "verification_locked (with Retry-After) or rate_limited", body = ErrorBody)))]
pub async fn verify_email_code(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<VerifyCodeRequest>,
) -> Result<Json<VerifiedCustomer>, ApiError> {
    let conversation = authorize_customer(&state, &id, bearer(&headers)).await?;
    let code = OtpCode::parse(&request.code)?;
    let customer = service::verify_code(&state, &conversation, &code).await?;
    Ok(Json(VerifiedCustomer {
        verified: true,
        customer: CustomerRef::from(&customer),
    }))
}
