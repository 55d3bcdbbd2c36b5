//! The conversation WebSocket: replay, then live, with no gap and no duplicate.

use std::time::Duration;

use futures_util::StreamExt;

use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use crate::helpers::{error_code, next_event, spawn_app};

#[tokio::test]
async fn replays_after_seq_then_streams_live() {
    let app = spawn_app().await;
    let chat = app.open().await;
    for i in 1..=3 {
        app.say(&chat, &format!("before {i}"), &format!("b{i}"))
            .await;
    }
    let mut ws = app.ws(&chat, 1).await;
    assert_eq!(next_event(&mut ws).await["seq"], 2);
    assert_eq!(next_event(&mut ws).await["seq"], 3);
    app.say(&chat, "live", "l1").await;
    let live = next_event(&mut ws).await;
    assert_eq!(
        (live["seq"].as_u64(), live["text"].as_str()),
        (Some(4), Some("live"))
    );
    app.action(&chat, "handoff", serde_json::json!({})).await;
    assert_eq!(next_event(&mut ws).await["kind"], "handoff");
}

#[tokio::test]
async fn concurrent_sends_arrive_in_order_without_gaps_or_duplicates() {
    let app = spawn_app().await;
    let chat = app.open().await;
    let total = 60u64;
    // Senders run while the socket connects and replays.
    let senders: Vec<_> = (0..4)
        .map(|t| {
            let client = app.client.clone();
            let url = app.url(&format!("/api/v1/conversations/{}/messages", chat.id));
            let token = chat.token.clone();
            tokio::spawn(async move {
                for i in 0..total / 4 {
                    let body = serde_json::json!({"text": format!("t{t} m{i}"), "client_msg_id": format!("{t}-{i}")});
                    let r = client.post(&url).bearer_auth(&token).json(&body).send().await.unwrap();
                    assert_eq!(r.status(), 200);
                }
            })
        })
        .collect();
    let mut ws = app.ws(&chat, 0).await;
    let mut got = Vec::new();
    while got.len() < total as usize {
        got.push(next_event(&mut ws).await["seq"].as_u64().unwrap());
    }
    for s in senders {
        s.await.unwrap();
    }
    assert_eq!(got, (1..=total).collect::<Vec<_>>());
    // Nothing more arrives: no duplicates after the last one.
    assert!(
        tokio::time::timeout(Duration::from_millis(200), ws.next())
            .await
            .is_err()
    );
}

#[tokio::test]
async fn resuming_after_a_dropped_connection_loses_and_doubles_nothing() {
    let app = spawn_app().await;
    let chat = app.open().await;
    let mut ws = app.ws(&chat, 0).await;
    app.say(&chat, "one", "1").await;
    app.say(&chat, "two", "2").await;
    assert_eq!(next_event(&mut ws).await["seq"], 1);
    assert_eq!(next_event(&mut ws).await["seq"], 2);
    drop(ws); // the network goes away without a close handshake
    app.say(&chat, "three", "3").await;
    app.say(&chat, "four", "4").await;
    let mut ws = app.ws(&chat, 2).await;
    assert_eq!(next_event(&mut ws).await["text"], "three");
    assert_eq!(next_event(&mut ws).await["text"], "four");
    app.say(&chat, "five", "5").await;
    assert_eq!(next_event(&mut ws).await["seq"], 5);
}

#[tokio::test]
async fn sockets_need_the_conversation_token() {
    let app = spawn_app().await;
    let chat = app.open().await;
    let other = app.open().await;
    let base = format!("/api/v1/conversations/{}/ws", chat.id);
    for (query, status) in [
        ("", 401),
        ("?token=wrong", 401),
        (&*format!("?token={}", other.token), 401),
    ] {
        let response = app.get(&format!("{base}{query}"), None).await;
        assert_eq!(error_code(response).await.0, status, "{query}");
    }
    let url = format!("ws://127.0.0.1:{}{base}?token=nope", app.port);
    assert!(tokio_tungstenite::connect_async(url).await.is_err());
    // A plain GET with the right token but no upgrade is a clear error, not a hang.
    let response = app.get(&format!("{base}?token={}", chat.token), None).await;
    assert_eq!(error_code(response).await.0, 422);
}

#[tokio::test]
async fn shutdown_closes_sockets_with_going_away_and_returns() {
    let mut app = spawn_app().await;
    let chat = app.open().await;
    let mut ws = app.ws(&chat, 0).await;
    app.say(&chat, "hi", "1").await;
    assert_eq!(next_event(&mut ws).await["seq"], 1);
    let stopping = tokio::spawn(async move {
        app.stop().await;
        app
    });
    let frame = tokio::time::timeout(Duration::from_secs(5), ws.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    match frame {
        Message::Close(Some(close)) => assert_eq!(close.code, CloseCode::Away),
        other => panic!("expected a close frame, got {other:?}"),
    }
    let _ = ws.close(None).await;
    let app = stopping.await.unwrap();
    // Everything acknowledged before shutdown is on disk.
    let stored = app.sqlite.clone();
    let events = tandem_store::Store::events_after(
        &stored,
        &tandem_domain::ConversationId::parse(&chat.id).unwrap(),
        0,
        10,
    )
    .await
    .unwrap();
    assert_eq!(events.len(), 1);
}
