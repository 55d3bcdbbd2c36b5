//! `GET /api/v1/audit`: the audit trail of tool calls, for supervisors.
//!
//! Supervisors and admins read it with their session; the operator-configured supervisor
//! token (`auth.supervisor_token`) also works, for scripts.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use tandem_domain::ConversationId;
use tandem_store::ledger::AuditRecord;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiQuery, bearer, constant_time_eq};
use crate::wire::{ErrorBody, timestamp};

#[derive(Debug, Deserialize, IntoParams)]
pub struct AuditQuery {
    /// Only this conversation's records.
    pub conversation: Option<String>,
    /// At most this many records (default and maximum 1000).
    pub limit: Option<u32>,
}

/// One tool call, allowed or refused.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditView {
    pub at: String,
    /// `ai` or `agent`.
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub customer: Option<String>,
    pub conversation: Option<String>,
    /// The event that led to the call.
    pub event_seq: Option<u64>,
    pub tool: String,
    #[schema(value_type = Object)]
    pub args: serde_json::Value,
    /// `read`, `proposed`, `executed`, `refused`, `declined` or `failed`.
    pub outcome: String,
    /// The rule (P1-P14) that refused the call.
    pub rule: Option<String>,
    pub proposal: Option<String>,
    /// The seq of the customer's yes that executed a proposal.
    pub confirmation_seq: Option<u64>,
    #[schema(value_type = Object)]
    pub result: serde_json::Value,
}

impl From<AuditRecord> for AuditView {
    fn from(r: AuditRecord) -> Self {
        Self {
            at: timestamp(r.at),
            actor_kind: r.actor_kind,
            actor_id: r.actor_id,
            customer: r.customer.map(|c| c.as_str().to_owned()),
            conversation: r.conversation.map(|c| c.as_str().to_owned()),
            event_seq: r.event_seq,
            tool: r.tool,
            args: r.args,
            outcome: r.outcome,
            rule: r.rule,
            proposal: r.proposal,
            confirmation_seq: r.confirmation_seq,
            result: r.result,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditList {
    pub records: Vec<AuditView>,
}

/// The audit trail, oldest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "supervision", params(AuditQuery),
    security(("supervisor_token" = [])),
    responses((status = 200, body = AuditList), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_audit(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<AuditQuery>,
    headers: HeaderMap,
) -> Result<Json<AuditList>, ApiError> {
    authorize_supervisor(&state, &headers).await?;
    let conversation = query
        .conversation
        .as_deref()
        .map(ConversationId::parse)
        .transpose()?;
    let records = state
        .store
        .audit(
            conversation.as_ref(),
            query.limit.unwrap_or(tandem_store::MAX_PAGE),
        )
        .await?;
    Ok(Json(AuditList {
        records: records.into_iter().map(AuditView::from).collect(),
    }))
}

async fn authorize_supervisor(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    if let Ok(staff) = crate::workforce::authenticate(state, bearer(headers)).await {
        return staff.require_oversight();
    }
    let expected = state
        .settings
        .supervisor_token
        .as_ref()
        .filter(|t| !t.is_empty());
    match (expected, bearer(headers)) {
        (Some(expected), Some(given))
            if constant_time_eq(expected.expose().as_bytes(), given.as_bytes()) =>
        {
            Ok(())
        }
        (None, _) => Err(ApiError::unauthorized(
            "log in as a supervisor (or configure auth.supervisor_token)",
        )),
        _ => Err(ApiError::unauthorized(
            "send the supervisor token as 'Authorization: Bearer TOKEN'",
        )),
    }
}
