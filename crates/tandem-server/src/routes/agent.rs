//! The agent side: login, presence, shifts, the console's lists, and what a person does
//! with a conversation (docs/agent-api.md).

use axum::Json;
use axum::extract::{Path, State};
use tandem_domain::workforce::{AgentId, MAX_CHATS_LIMIT, Presence, Shift, Skill, validate_shifts};
use tandem_domain::{ClientMsgId, MessageText, ParseError};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::AppState;
use crate::desk;
use crate::error::{ApiError, ErrorCode};
use crate::extract::ApiJson;
use crate::wire::agent::{
    AgentView, CannedList, CapacityRequest, Claimed, ConfirmRequest, ConversationLists, Copilot,
    Detail, LoginRequest, LoginResponse, NoteRequest, ResolveRequest, ShiftsRequest, StatusRequest,
    Team, ToolRequestBody, ToolResult, TransferRequest,
};
use crate::wire::{ErrorBody, EventList, EventView, PostMessageRequest, Status, timestamp};
use crate::workforce::{self, Staff};

/// A person's account as shown to them.
pub async fn agent_view(state: &AppState, staff: &Staff) -> Result<AgentView, ApiError> {
    let a = state
        .store
        .agent(staff.id())
        .await?
        .unwrap_or_else(|| staff.account.clone());
    let held = desk::held_by(state, &a.id).await?;
    let shifts = state.store.shifts(&a.id, state.clock.now()).await?;
    Ok(AgentView::new(&a, held, &shifts, true))
}

/// Logs in with email and password.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "agents", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse),
        (status = 401, description = "invalid_credentials", body = ErrorBody),
        (status = 429, body = ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<LoginRequest>,
) -> Result<Json<LoginResponse>, ApiError> {
    let (token, session, account) =
        workforce::login(&state, &request.email, &request.password).await?;
    let staff = Staff {
        account,
        token_hash: session.token_hash.clone(),
    };
    Ok(Json(LoginResponse {
        token,
        expires_at: timestamp(session.expires_at),
        agent: agent_view(&state, &staff).await?,
    }))
}

/// Ends the session; with no other session left the person goes offline and their
/// conversations go back to the queue.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "agents", security(("agent_session" = [])),
    responses((status = 200, body = Status), (status = 401, body = ErrorBody)))]
pub async fn logout(State(state): State<AppState>, staff: Staff) -> Result<Json<Status>, ApiError> {
    state.store.delete_session(&staff.token_hash).await?;
    let now = state.clock.now();
    if state.store.live_sessions(staff.id(), now).await? == 0 {
        state
            .store
            .set_presence(staff.id(), Presence::Offline, now)
            .await?;
        state.router.kick();
    }
    Ok(Json(Status {
        status: "logged_out".into(),
    }))
}

/// The person's own account.
#[utoipa::path(get, path = "/api/v1/agent/me", tag = "agents", security(("agent_session" = [])),
    responses((status = 200, body = AgentView), (status = 401, body = ErrorBody)))]
pub async fn me(State(state): State<AppState>, staff: Staff) -> Result<Json<AgentView>, ApiError> {
    Ok(Json(agent_view(&state, &staff).await?))
}

/// Sets presence: online, away or offline.
#[utoipa::path(put, path = "/api/v1/agent/status", tag = "agents", security(("agent_session" = [])),
    request_body = StatusRequest,
    responses((status = 200, body = AgentView), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_status(
    State(state): State<AppState>,
    staff: Staff,
    ApiJson(request): ApiJson<StatusRequest>,
) -> Result<Json<AgentView>, ApiError> {
    let presence = Presence::parse(&request.status)
        .map_err(|_| ParseError::new("status", "use online, away or offline"))?;
    state
        .store
        .set_presence(staff.id(), presence, state.clock.now())
        .await?;
    tracing::info!(agent = %staff.id(), status = presence.as_str(), "presence");
    state.router.kick();
    Ok(Json(agent_view(&state, &staff).await?))
}

/// Sets how many conversations the person holds at once.
#[utoipa::path(put, path = "/api/v1/agent/capacity", tag = "agents", security(("agent_session" = [])),
    request_body = CapacityRequest,
    responses((status = 200, body = AgentView), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_capacity(
    State(state): State<AppState>,
    staff: Staff,
    ApiJson(request): ApiJson<CapacityRequest>,
) -> Result<Json<AgentView>, ApiError> {
    if !(1..=MAX_CHATS_LIMIT).contains(&request.max_chats) {
        return Err(
            ParseError::new("max_chats", format!("must be from 1 to {MAX_CHATS_LIMIT}")).into(),
        );
    }
    state
        .store
        .set_max_chats(staff.id(), request.max_chats)
        .await?;
    state.router.kick();
    Ok(Json(agent_view(&state, &staff).await?))
}

fn parse_time(field: &'static str, raw: &str) -> Result<OffsetDateTime, ParseError> {
    OffsetDateTime::parse(raw, &Rfc3339).map_err(|_| {
        ParseError::new(
            field,
            format!("{raw:?} is not an RFC 3339 time like 2026-12-07T08:00:00Z"),
        )
    })
}

/// Replaces the person's planned shifts.
#[utoipa::path(put, path = "/api/v1/agent/shifts", tag = "agents", security(("agent_session" = [])),
    request_body = ShiftsRequest,
    responses((status = 200, body = AgentView), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_shifts(
    State(state): State<AppState>,
    staff: Staff,
    ApiJson(request): ApiJson<ShiftsRequest>,
) -> Result<Json<AgentView>, ApiError> {
    let shifts = request
        .shifts
        .iter()
        .map(|s| {
            Shift::new(
                tandem_store::truncate_to_millis(parse_time("starts_at", &s.starts_at)?),
                tandem_store::truncate_to_millis(parse_time("ends_at", &s.ends_at)?),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    let shifts = validate_shifts(shifts)?;
    state.store.set_shifts(staff.id(), &shifts).await?;
    Ok(Json(agent_view(&state, &staff).await?))
}

/// Everyone's name, skills and presence, for transfers.
#[utoipa::path(get, path = "/api/v1/agent/team", tag = "agents", security(("agent_session" = [])),
    responses((status = 200, body = Team), (status = 401, body = ErrorBody)))]
pub async fn team(State(state): State<AppState>, _staff: Staff) -> Result<Json<Team>, ApiError> {
    // One listing of who holds what, not one per person.
    let mut held: std::collections::HashMap<tandem_domain::workforce::AgentId, u32> =
        std::collections::HashMap::new();
    for c in state
        .store
        .conversations_in_state(tandem_domain::ConversationState::Assigned)
        .await?
    {
        if let Some(agent) = c.assignee {
            *held.entry(agent).or_default() += 1;
        }
    }
    let agents = state
        .store
        .agents()
        .await?
        .iter()
        .map(|a| AgentView::new(a, held.get(&a.id).copied().unwrap_or(0), &[], false))
        .collect();
    Ok(Json(Team { agents }))
}

/// The conversations the person holds and the queued ones they may take.
#[utoipa::path(get, path = "/api/v1/agent/conversations", tag = "agents", security(("agent_session" = [])),
    responses((status = 200, body = ConversationLists), (status = 401, body = ErrorBody)))]
pub async fn list_conversations(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Json<ConversationLists>, ApiError> {
    Ok(Json(desk::lists(&state, &staff.account).await?))
}

/// One conversation: the handoff summary, the customer's context, the transcript.
#[utoipa::path(get, path = "/api/v1/agent/conversations/{id}", tag = "agents", security(("agent_session" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = Detail), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn conversation_detail(
    State(state): State<AppState>,
    Path(id): Path<String>,
    staff: Staff,
) -> Result<Json<Detail>, ApiError> {
    let c = desk::visible_conversation(&state, &staff, &id).await?;
    Ok(Json(desk::detail(&state, &staff, &c).await?))
}

/// Takes a queued conversation.
#[utoipa::path(post, path = "/api/v1/agent/conversations/{id}/claim", tag = "agents", security(("agent_session" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = Claimed), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "already_assigned, at_capacity", body = ErrorBody)))]
pub async fn claim(
    State(state): State<AppState>,
    Path(id): Path<String>,
    staff: Staff,
) -> Result<Json<Claimed>, ApiError> {
    let c = desk::visible_conversation(&state, &staff, &id).await?;
    let events = desk::claim(&state, &staff, &c).await?;
    let c = state
        .store
        .conversation(&c.id)
        .await?
        .ok_or_else(|| ApiError::not_found("conversation"))?;
    let names = std::iter::once((staff.id().clone(), staff.account.name.clone())).collect();
    Ok(Json(Claimed {
        conversation: desk::summary(&state, staff.id(), &c, &names).await?,
        events: events.iter().map(EventView::from).collect(),
    }))
}

fn event_list(events: &[tandem_domain::Event]) -> Json<EventList> {
    Json(EventList {
        events: events.iter().map(EventView::from).collect(),
    })
}

/// Replies to the customer.
#[utoipa::path(post, path = "/api/v1/agent/conversations/{id}/messages", tag = "agents", security(("agent_session" = [])),
    params(("id" = String, Path)), request_body = PostMessageRequest,
    responses((status = 200, body = EventList), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "not_assignee, conversation_closed", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn post_message(
    State(state): State<AppState>,
    Path(id): Path<String>,
    staff: Staff,
    ApiJson(request): ApiJson<PostMessageRequest>,
) -> Result<Json<EventList>, ApiError> {
    let text = MessageText::parse(&request.text)?;
    let client_msg_id = ClientMsgId::parse(&request.client_msg_id)?;
    let c = desk::visible_conversation(&state, &staff, &id).await?;
    Ok(event_list(
        &desk::reply(&state, &staff, &c, text, client_msg_id).await?,
    ))
}

/// Leaves an internal note.
#[utoipa::path(post, path = "/api/v1/agent/conversations/{id}/notes", tag = "agents", security(("agent_session" = [])),
    params(("id" = String, Path)), request_body = NoteRequest,
    responses((status = 200, body = EventList), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn post_note(
    State(state): State<AppState>,
    Path(id): Path<String>,
    staff: Staff,
    ApiJson(request): ApiJson<NoteRequest>,
) -> Result<Json<EventList>, ApiError> {
    let text = MessageText::parse(&request.text)?;
    let c = desk::visible_conversation(&state, &staff, &id).await?;
    Ok(event_list(&desk::note(&state, &staff, &c, text).await?))
}

/// Transfers to a person or back to the queue for a skill.
#[utoipa::path(post, path = "/api/v1/agent/conversations/{id}/transfer", tag = "agents", security(("agent_session" = [])),
    params(("id" = String, Path)), request_body = TransferRequest,
    responses((status = 200, body = EventList), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "not_assignee, agent_unavailable", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn transfer(
    State(state): State<AppState>,
    Path(id): Path<String>,
    staff: Staff,
    ApiJson(request): ApiJson<TransferRequest>,
) -> Result<Json<EventList>, ApiError> {
    let c = desk::visible_conversation(&state, &staff, &id).await?;
    let events = match (request.agent_id.as_deref(), request.skill.as_deref()) {
        (Some(agent), None) => {
            let to = AgentId::parse(agent)?;
            if &to == staff.id() {
                return Err(ApiError::new(
                    ErrorCode::InvalidInput,
                    "agent_id: that is you",
                ));
            }
            desk::transfer_to_agent(&state, &staff, &c, &to).await?
        }
        (None, Some(skill)) => {
            desk::transfer_to_skill(&state, &staff, &c, Skill::parse(skill)?).await?
        }
        _ => {
            return Err(ApiError::new(
                ErrorCode::InvalidInput,
                "give exactly one of agent_id and skill",
            ));
        }
    };
    Ok(event_list(&events))
}

/// Hands the conversation back to the AI.
#[utoipa::path(post, path = "/api/v1/agent/conversations/{id}/handback", tag = "agents", security(("agent_session" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = EventList), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn hand_back(
    State(state): State<AppState>,
    Path(id): Path<String>,
    staff: Staff,
) -> Result<Json<EventList>, ApiError> {
    let c = desk::visible_conversation(&state, &staff, &id).await?;
    Ok(event_list(&desk::hand_back(&state, &staff, &c).await?))
}

/// Closes with a contact reason; the customer is asked for CSAT.
#[utoipa::path(post, path = "/api/v1/agent/conversations/{id}/resolve", tag = "agents", security(("agent_session" = [])),
    params(("id" = String, Path)), request_body = ResolveRequest,
    responses((status = 200, body = EventList), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn resolve(
    State(state): State<AppState>,
    Path(id): Path<String>,
    staff: Staff,
    ApiJson(request): ApiJson<ResolveRequest>,
) -> Result<Json<EventList>, ApiError> {
    let c = desk::visible_conversation(&state, &staff, &id).await?;
    Ok(event_list(
        &desk::resolve(&state, &staff, &c, &request.contact_reason).await?,
    ))
}

/// A suggested reply and help-centre articles for the conversation.
#[utoipa::path(get, path = "/api/v1/agent/conversations/{id}/copilot", tag = "agents", security(("agent_session" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = Copilot), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn copilot(
    State(state): State<AppState>,
    Path(id): Path<String>,
    staff: Staff,
) -> Result<Json<Copilot>, ApiError> {
    let c = desk::visible_conversation(&state, &staff, &id).await?;
    Ok(Json(desk::copilot(&state, &c).await?))
}

/// Runs a tool through the policy engine.
#[utoipa::path(post, path = "/api/v1/agent/conversations/{id}/tools", tag = "agents", security(("agent_session" = [])),
    params(("id" = String, Path)), request_body = ToolRequestBody,
    responses((status = 200, body = ToolResult), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn run_tool(
    State(state): State<AppState>,
    Path(id): Path<String>,
    staff: Staff,
    ApiJson(request): ApiJson<ToolRequestBody>,
) -> Result<Json<ToolResult>, ApiError> {
    let c = desk::visible_conversation(&state, &staff, &id).await?;
    Ok(Json(
        desk::run_tool(&state, &staff, &c, &request.tool, &request.args).await?,
    ))
}

/// Executes a proposal the customer said yes to.
#[utoipa::path(post, path = "/api/v1/agent/conversations/{id}/tools/confirm", tag = "agents", security(("agent_session" = [])),
    params(("id" = String, Path)), request_body = ConfirmRequest,
    responses((status = 200, body = ToolResult), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn confirm_tool(
    State(state): State<AppState>,
    Path(id): Path<String>,
    staff: Staff,
    ApiJson(request): ApiJson<ConfirmRequest>,
) -> Result<Json<ToolResult>, ApiError> {
    let c = desk::visible_conversation(&state, &staff, &id).await?;
    Ok(Json(
        desk::confirm_tool(&state, &staff, &c, &request.proposal).await?,
    ))
}

/// Canned replies.
#[utoipa::path(get, path = "/api/v1/agent/canned", tag = "agents", security(("agent_session" = [])),
    responses((status = 200, body = CannedList), (status = 401, body = ErrorBody)))]
pub async fn canned(_staff: Staff) -> Json<CannedList> {
    Json(CannedList {
        replies: desk::canned(),
    })
}
