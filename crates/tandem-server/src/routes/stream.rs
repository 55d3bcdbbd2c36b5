//! `GET /api/v1/conversations/{id}/ws?after=SEQ`: replays the events after SEQ, then
//! streams live ones. The customer's token, or the session of a person who may see the
//! conversation (who also gets internal notes).
//!
//! No gap, no duplicate: the stream subscribes to the bus *before* reading the store, and
//! keeps a cursor (the highest seq sent). A live event at or below the cursor is skipped;
//! one above `cursor + 1`, or a lag, means something was missed, and the gap is filled
//! from the store, which holds every committed event.

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade, close_code};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use futures_util::{SinkExt, StreamExt};
use tandem_domain::{ConversationId, Event};

use crate::AppState;
use crate::bus::Missed;
use crate::error::{ApiError, ErrorCode};
use crate::extract::{ApiQuery, authorize_reader, bearer};
use crate::wire::{EventView, StreamQuery};

/// Small per-connection buffers: 10,000 idle sockets fit in ~70 MB instead of ~1.3 GB.
const BUFFER_BYTES: usize = 4096;
/// Clients send only small control messages.
const MAX_CLIENT_MESSAGE: usize = 16 * 1024;

/// Streams a conversation's events over a WebSocket.
#[utoipa::path(get, path = "/api/v1/conversations/{id}/ws", tag = "conversations",
    params(("id" = String, Path), StreamQuery),
    responses((status = 101, description = "WebSocket: one JSON event per text frame"),
        (status = 401, body = crate::wire::ErrorBody), (status = 404, body = crate::wire::ErrorBody)))]
pub async fn conversation_ws(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<StreamQuery>,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, axum::extract::ws::rejection::WebSocketUpgradeRejection>,
) -> Result<Response, ApiError> {
    let token = bearer(&headers).or(query.token.as_deref());
    let reader = authorize_reader(&state, &id, token).await?;
    let upgrade = upgrade.map_err(|r| ApiError::new(ErrorCode::InvalidInput, r.body_text()))?;
    let guard = state.streams.token();
    Ok(upgrade
        .read_buffer_size(BUFFER_BYTES)
        .write_buffer_size(BUFFER_BYTES)
        .max_message_size(MAX_CLIENT_MESSAGE)
        .on_upgrade(move |socket| async move {
            metrics::gauge!(crate::metrics::WS_CONNECTIONS).increment(1.0);
            let id = reader.conversation.id;
            if let Err(e) = stream(&state, id, query.after, reader.staff, socket).await {
                tracing::debug!(error = %e, "conversation stream ended with an error");
            }
            metrics::gauge!(crate::metrics::WS_CONNECTIONS).decrement(1.0);
            drop(guard);
        }))
}

#[derive(Debug, thiserror::Error)]
enum StreamError {
    #[error("socket: {0}")]
    Socket(#[from] axum::Error),
    #[error("store: {0}")]
    Store(#[from] tandem_store::StoreError),
}

async fn stream(
    state: &AppState,
    id: ConversationId,
    after: u64,
    staff: bool,
    socket: WebSocket,
) -> Result<(), StreamError> {
    let mut live = state.bus.subscribe(&id);
    let (mut sink, mut incoming) = socket.split();
    let mut cursor = catch_up(state, &id, after, staff, &mut sink).await?;
    loop {
        tokio::select! {
            () = state.shutdown.cancelled() => {
                let frame = CloseFrame { code: close_code::AWAY, reason: "server shutting down".into() };
                let _ = sink.send(Message::Close(Some(frame))).await;
                return Ok(());
            }
            received = live.recv() => match received {
                Ok(event) if event.seq <= cursor => {}
                Ok(event) if event.seq == cursor + 1 => {
                    send(&mut sink, &event, staff).await?;
                    cursor = event.seq;
                }
                Ok(_) | Err(Missed::Lagged) => cursor = catch_up(state, &id, cursor, staff, &mut sink).await?,
                Err(Missed::Closed) => return Ok(()),
            },
            message = incoming.next() => match message {
                None | Some(Ok(Message::Close(_))) => return Ok(()),
                Some(Err(e)) => return Err(e.into()),
                // Pings are answered by the protocol layer; clients have nothing else to say yet.
                Some(Ok(_)) => {}
            },
        }
    }
}

type Sink = futures_util::stream::SplitSink<WebSocket, Message>;

/// Sends every stored event after `cursor` and returns the new cursor.
async fn catch_up(
    state: &AppState,
    id: &ConversationId,
    mut cursor: u64,
    staff: bool,
    sink: &mut Sink,
) -> Result<u64, StreamError> {
    loop {
        let page = state.store.events_after(id, cursor, 500).await?;
        let Some(last) = page.last() else {
            return Ok(cursor);
        };
        cursor = last.seq;
        for event in &page {
            send(sink, event, staff).await?;
        }
    }
}

async fn send(sink: &mut Sink, event: &Event, staff: bool) -> Result<(), StreamError> {
    if !staff && !event.visible_to_customer() {
        return Ok(());
    }
    let json = serde_json::to_string(&EventView::from(event)).expect("events serialise");
    sink.send(Message::Text(json.into())).await?;
    Ok(())
}
