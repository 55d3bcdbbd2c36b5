//! The customer side of a conversation.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use tandem_domain::identity::EmailAddress;
use tandem_domain::{ClientMsgId, ConversationState, CsatScore, Language, MessageText};

use crate::AppState;
use crate::conversations as service;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, authorize_customer, authorize_reader, bearer};
use crate::wire::agent::{FollowUpRequest, QueueView};
use crate::wire::{
    AgentName, ConversationView, CreateConversationRequest, CreatedConversation, CsatRequest,
    CustomerRef, ErrorBody, EventList, EventsQuery, PostMessageRequest, Status, timestamp,
};

/// Opens a conversation.
#[utoipa::path(post, path = "/api/v1/conversations", tag = "conversations",
    request_body = CreateConversationRequest,
    responses(
        (status = 201, body = CreatedConversation),
        (status = 401, description = "invalid_customer_token", body = ErrorBody),
        (status = 422, description = "invalid_input", body = ErrorBody),
        (status = 429, description = "rate_limited", body = ErrorBody)))]
pub async fn create_conversation(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<CreateConversationRequest>,
) -> Result<(StatusCode, Json<CreatedConversation>), ApiError> {
    let language = request
        .language
        .as_deref()
        .map(Language::parse)
        .transpose()?;
    let opened = service::open(&state, request.customer_token.as_deref(), language).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedConversation {
            id: opened.conversation.id.as_str().to_owned(),
            token: opened.token,
            state: opened.conversation.state.as_str().to_owned(),
            verified: opened.conversation.verified,
            customer: opened.customer.as_ref().map(CustomerRef::from),
        }),
    ))
}

/// The conversation's current state.
#[utoipa::path(get, path = "/api/v1/conversations/{id}", tag = "conversations",
    params(("id" = String, Path)), security(("conversation_token" = [])),
    responses((status = 200, body = ConversationView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_conversation(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<ConversationView>, ApiError> {
    let conversation = authorize_customer(&state, &id, bearer(&headers)).await?;
    let customer = match &conversation.customer_id {
        Some(id) => state.store.customer(id).await?,
        None => None,
    };
    let mut view = ConversationView::new(&conversation, customer.as_ref());
    if conversation.state == ConversationState::Queued
        && let Some(s) = crate::router::standing(&state, &conversation).await?
    {
        view.queue = Some(QueueView {
            position: s.position,
            estimated_wait_secs: s.estimated_wait.map(|w| w.whole_seconds()),
            agents_available: s.agents_available,
            next_opening: s.next_opening.map(timestamp),
            follow_up_email: conversation.follow_up_email.clone(),
        });
    }
    if conversation.state == ConversationState::Assigned
        && let Some(agent) = &conversation.assignee
        && let Some(account) = state.store.agent(agent).await?
    {
        view.agent = Some(AgentName {
            name: account
                .name
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_owned(),
        });
    }
    Ok(Json(view))
}

/// Leaves an email for a follow-up while waiting for a person (H7).
#[utoipa::path(post, path = "/api/v1/conversations/{id}/follow-up", tag = "conversations",
    params(("id" = String, Path)), security(("conversation_token" = [])),
    request_body = FollowUpRequest,
    responses((status = 200, body = Status), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "not waiting for a person", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn leave_follow_up(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<FollowUpRequest>,
) -> Result<Json<Status>, ApiError> {
    let conversation = authorize_customer(&state, &id, bearer(&headers)).await?;
    let email = EmailAddress::parse(&request.email)?;
    service::leave_follow_up_email(&state, &conversation, &email).await?;
    Ok(Json(Status {
        status: "saved".into(),
    }))
}

/// Sends a customer message. A repeated `client_msg_id` returns the original result and
/// stores nothing new.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/messages", tag = "conversations",
    params(("id" = String, Path)), security(("conversation_token" = [])),
    request_body = PostMessageRequest,
    responses(
        (status = 200, description = "the stored message and the events answering it", body = EventList),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "conversation_closed", body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn post_message(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<PostMessageRequest>,
) -> Result<Json<EventList>, ApiError> {
    let conversation = authorize_customer(&state, &id, bearer(&headers)).await?;
    let text = MessageText::parse(&request.text)?;
    let client_msg_id = ClientMsgId::parse(&request.client_msg_id)?;
    let events = service::post_customer_message(&state, &conversation, text, client_msg_id).await?;
    Ok(Json(EventList::for_customer(&events)))
}

/// Events after `seq`, oldest first.
#[utoipa::path(get, path = "/api/v1/conversations/{id}/events", tag = "conversations",
    params(("id" = String, Path), EventsQuery), security(("conversation_token" = [])),
    responses((status = 200, body = EventList), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_events(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<EventsQuery>,
    headers: HeaderMap,
) -> Result<Json<EventList>, ApiError> {
    let reader = authorize_reader(&state, &id, bearer(&headers)).await?;
    let limit = query.limit.unwrap_or(tandem_store::MAX_PAGE);
    let events = state
        .store
        .events_after(&reader.conversation.id, query.after, limit)
        .await?;
    Ok(Json(if reader.staff {
        EventList {
            events: events.iter().map(crate::wire::EventView::from).collect(),
        }
    } else {
        EventList::for_customer(&events)
    }))
}

/// Asks for a person (the widget's "Talk to a person" button). Idempotent.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/handoff", tag = "conversations",
    params(("id" = String, Path)), security(("conversation_token" = [])),
    responses((status = 200, description = "the handoff event", body = EventList),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn request_handoff(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<EventList>, ApiError> {
    let conversation = authorize_customer(&state, &id, bearer(&headers)).await?;
    let events = service::request_handoff(&state, &conversation).await?;
    Ok(Json(EventList::for_customer(&events)))
}

/// The customer ends the conversation.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/close", tag = "conversations",
    params(("id" = String, Path)), security(("conversation_token" = [])),
    responses((status = 200, description = "the closed event", body = EventList),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn close_conversation(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<EventList>, ApiError> {
    let conversation = authorize_customer(&state, &id, bearer(&headers)).await?;
    let events = service::close_by_customer(&state, &conversation).await?;
    Ok(Json(EventList::for_customer(&events)))
}

/// Rates a closed conversation from 1 to 5, once.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/csat", tag = "conversations",
    params(("id" = String, Path)), security(("conversation_token" = [])),
    request_body = CsatRequest,
    responses((status = 200, description = "the csat event", body = EventList),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "conversation_open or already_rated", body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn rate_conversation(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<CsatRequest>,
) -> Result<Json<EventList>, ApiError> {
    let conversation = authorize_customer(&state, &id, bearer(&headers)).await?;
    let score = CsatScore::parse(request.score)?;
    let events = service::rate(&state, &conversation, score, request.comment).await?;
    Ok(Json(EventList::for_customer(&events)))
}
