//! `GET /api/v1/agent/ws`: a person's live console feed: the lists when they change,
//! offers from the router, and the events of the conversations they hold.
//!
//! An open feed counts as the person being there: when their last one closes they are
//! set away after the grace period (`router::console_closed`).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade, close_code};
use axum::response::Response;
use futures_util::{SinkExt, StreamExt};
use tandem_domain::{ConversationId, Event};
use tokio::sync::{broadcast, mpsc};
use tokio::task::JoinHandle;

use crate::AppState;
use crate::bus::Missed;
use crate::desk;
use crate::error::{ApiError, ErrorCode};
use crate::router::Notice;
use crate::wire::EventView;
use crate::wire::agent::{AgentFrame, ConversationLists};
use crate::workforce::Staff;

const BUFFER_BYTES: usize = 16 * 1024;

/// The console's live feed.
#[utoipa::path(get, path = "/api/v1/agent/ws", tag = "agents", security(("agent_session" = [])),
    params(("token" = Option<String>, Query, description = "the session token, for browsers")),
    responses((status = 101, description = "WebSocket: one JSON frame per text message (hello, queue, offer, event, agent)"),
        (status = 401, body = crate::wire::ErrorBody)))]
pub async fn agent_ws(
    State(state): State<AppState>,
    staff: Staff,
    upgrade: Result<WebSocketUpgrade, axum::extract::ws::rejection::WebSocketUpgradeRejection>,
) -> Result<Response, ApiError> {
    let upgrade = upgrade.map_err(|r| ApiError::new(ErrorCode::InvalidInput, r.body_text()))?;
    let guard = state.streams.token();
    Ok(upgrade
        .read_buffer_size(BUFFER_BYTES)
        .write_buffer_size(BUFFER_BYTES)
        .max_message_size(BUFFER_BYTES)
        .on_upgrade(move |socket| async move {
            let agent = staff.id().clone();
            state.router.console_opened(&agent);
            if let Err(e) = feed(&state, &staff, socket).await {
                tracing::debug!(error = %e, "agent feed ended with an error");
            }
            crate::router::console_closed(&state, agent);
            drop(guard);
        }))
}

#[derive(Debug, thiserror::Error)]
enum FeedError {
    #[error("socket: {0}")]
    Socket(#[from] axum::Error),
    #[error("{0}")]
    Api(String),
}

impl From<ApiError> for FeedError {
    fn from(e: ApiError) -> Self {
        Self::Api(e.message)
    }
}

type Sink = futures_util::stream::SplitSink<WebSocket, Message>;

async fn send(sink: &mut Sink, frame: &AgentFrame<'_>) -> Result<(), FeedError> {
    let json = serde_json::to_string(frame).expect("frames serialise");
    sink.send(Message::Text(json.into())).await?;
    Ok(())
}

/// Forwards the bus events of one held conversation into the feed.
fn forward(
    state: &AppState,
    id: ConversationId,
    to: mpsc::Sender<(ConversationId, Arc<Event>)>,
) -> JoinHandle<()> {
    let mut live = state.bus.subscribe(&id);
    tokio::spawn(async move {
        loop {
            match live.recv().await {
                Ok(event) => {
                    if to.send((id.clone(), event)).await.is_err() {
                        return;
                    }
                }
                // The console re-reads a conversation when it opens it; a lag costs
                // only live updates, which the next list refresh reports.
                Err(Missed::Lagged) => {}
                Err(Missed::Closed) => return,
            }
        }
    })
}

async fn feed(state: &AppState, staff: &Staff, socket: WebSocket) -> Result<(), FeedError> {
    let mut changes = state.router.changes();
    let mut notices = state.router.notices(staff.id());
    let (events_tx, mut events_rx) = mpsc::channel(256);
    let mut forwarders: HashMap<ConversationId, JoinHandle<()>> = HashMap::new();
    let (mut sink, mut incoming) = socket.split();

    let me = crate::routes::agent::agent_view(state, staff).await?;
    send(&mut sink, &AgentFrame::Hello { agent: &me }).await?;
    let mut shown: Option<ConversationLists> = None;
    let result = async {
        refresh(state, staff, &mut sink, &mut shown, &mut forwarders, &events_tx).await?;
        loop {
            tokio::select! {
                () = state.shutdown.cancelled() => {
                    let frame = CloseFrame { code: close_code::AWAY, reason: "server shutting down".into() };
                    let _ = sink.send(Message::Close(Some(frame))).await;
                    return Ok(());
                }
                changed = changes.changed() => {
                    if changed.is_err() {
                        return Ok(());
                    }
                    refresh(state, staff, &mut sink, &mut shown, &mut forwarders, &events_tx).await?;
                }
                notice = notices.recv() => match notice {
                    Ok(Notice::Offered { conversation, expires_at }) => {
                        offer(state, staff, &mut sink, &conversation, expires_at).await?;
                    }
                    Ok(Notice::Account) => {
                        let me = crate::routes::agent::agent_view(state, staff).await?;
                        send(&mut sink, &AgentFrame::Agent { agent: &me }).await?;
                    }
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        refresh(state, staff, &mut sink, &mut shown, &mut forwarders, &events_tx).await?;
                    }
                    Err(broadcast::error::RecvError::Closed) => return Ok(()),
                },
                Some((id, event)) = events_rx.recv() => {
                    let view = EventView::from(&*event);
                    send(&mut sink, &AgentFrame::Event { conversation: id.as_str(), event: &view }).await?;
                }
                message = incoming.next() => match message {
                    None | Some(Ok(Message::Close(_))) => return Ok(()),
                    Some(Err(e)) => return Err(e.into()),
                    Some(Ok(_)) => {}
                },
            }
        }
    }
    .await;
    for (_, task) in forwarders {
        task.abort();
    }
    result
}

async fn offer(
    state: &AppState,
    staff: &Staff,
    sink: &mut Sink,
    id: &ConversationId,
    expires_at: time::OffsetDateTime,
) -> Result<(), FeedError> {
    let Some(c) = state.store.conversation(id).await.map_err(ApiError::from)? else {
        return Ok(());
    };
    let names = std::collections::HashMap::new();
    let summary = desk::summary(state, staff.id(), &c, &names).await?;
    let expires_in_secs = (expires_at - state.clock.now()).whole_seconds().max(0);
    send(
        sink,
        &AgentFrame::Offer {
            conversation: &summary,
            expires_in_secs,
        },
    )
    .await
}

/// Sends the lists when they differ from what the console shows, and follows the events
/// of the conversations the person can see in them.
async fn refresh(
    state: &AppState,
    staff: &Staff,
    sink: &mut Sink,
    shown: &mut Option<ConversationLists>,
    forwarders: &mut HashMap<ConversationId, JoinHandle<()>>,
    events_tx: &mpsc::Sender<(ConversationId, Arc<Event>)>,
) -> Result<(), FeedError> {
    let account = state
        .store
        .agent(staff.id())
        .await
        .map_err(ApiError::from)?
        .unwrap_or_else(|| staff.account.clone());
    let lists = desk::lists(state, &account).await?;
    let held: Vec<ConversationId> = lists
        .assigned
        .iter()
        .filter_map(|s| ConversationId::parse(&s.id).ok())
        .collect();
    forwarders.retain(|id, task| {
        let keep = held.contains(id);
        if !keep {
            task.abort();
        }
        keep
    });
    for id in held {
        if let std::collections::hash_map::Entry::Vacant(slot) = forwarders.entry(id) {
            let task = forward(state, slot.key().clone(), events_tx.clone());
            slot.insert(task);
        }
    }
    if shown.as_ref() != Some(&lists) {
        send(sink, &AgentFrame::Queue { lists: &lists }).await?;
        *shown = Some(lists);
    }
    Ok(())
}
