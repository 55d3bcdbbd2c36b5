//! P12: card numbers and IBANs typed into chat are masked before they are stored, and
//! the customer is told not to share them.

use serde_json::{Value, json};

use crate::helpers::{Chat, TestApp, seqs, spawn_app};

/// What SQLite has written: the database file and its write-ahead log.
fn stored_bytes(app: &TestApp) -> Vec<u8> {
    let mut bytes = std::fs::read(&app.db_path).unwrap();
    let mut wal = app.db_path.clone().into_os_string();
    wal.push("-wal");
    if let Ok(log) = std::fs::read(&wal) {
        bytes.extend(log);
    }
    bytes
}

fn holds(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

fn texts(events: &[Value]) -> Vec<(&str, &str, &str)> {
    events
        .iter()
        .map(|e| {
            (
                e["author"].as_str().unwrap(),
                e["kind"].as_str().unwrap(),
                e["text"].as_str().unwrap_or_default(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_card_number_is_masked_before_it_is_stored_and_a_notice_follows() {
    let app = spawn_app().await;
    let chat = app.open().await;
    let typed = "please charge 4242 4242 4242 4242 for ORD-1001";

    let events = app.say(&chat, typed, "m-1").await;
    let said = texts(&events);
    assert_eq!(said.len(), 2, "{events:?}");
    assert_eq!(
        said[0],
        (
            "customer",
            "message",
            "please charge [card •••• 4242] for ORD-1001"
        )
    );
    let (author, kind, notice) = said[1];
    assert_eq!((author, kind), ("system", "message"));
    assert!(
        notice.contains("hidden the card number") && notice.contains("never ask"),
        "{notice}"
    );
    assert_eq!(seqs(&events), [1, 2]);

    let listed = app.events(&chat, 0).await;
    assert_eq!(texts(&listed), said);
    let json = serde_json::to_string(&listed).unwrap();
    for raw in ["4242 4242", "4242424242424242"] {
        assert!(!json.contains(raw), "{raw} in {json}");
    }

    // A retry returns the original events and stores nothing new.
    let retried = app.say(&chat, typed, "m-1").await;
    assert_eq!(texts(&retried), said);
    assert_eq!(seqs(&retried), [1, 2]);
    assert_eq!(app.events(&chat, 0).await.len(), 2);

    let stored = stored_bytes(&app);
    assert!(
        holds(&stored, "please charge"),
        "the message text is in the files read"
    );
    for raw in ["4242 4242", "4242424242424242"] {
        assert!(!holds(&stored, raw), "{raw} is stored on disk");
    }
}

#[tokio::test]
async fn an_iban_is_masked_with_a_notice_in_the_conversation_language() {
    let app = spawn_app().await;
    let body: Value = app
        .create(json!({"language": "sv"}))
        .await
        .json()
        .await
        .unwrap();
    let chat = Chat {
        id: body["id"].as_str().unwrap().into(),
        token: body["token"].as_str().unwrap().into(),
    };

    let events = app
        .say(&chat, "mitt konto: SE45 5000 0000 0583 9825 7466", "m-1")
        .await;
    let said = texts(&events);
    assert_eq!(said[0].2, "mitt konto: [IBAN •••• 7466]");
    assert_eq!(said[1].0, "system");
    assert!(
        said[1].2.starts_with("För din säkerhet") && said[1].2.contains("IBAN"),
        "{}",
        said[1].2
    );
    let stored = stored_bytes(&app);
    assert!(holds(&stored, "mitt konto"));
    for raw in ["SE45 5000", "0583 9825"] {
        assert!(!holds(&stored, raw), "{raw} is stored on disk");
    }
}

#[tokio::test]
async fn everyday_numbers_pass_unchanged_without_a_notice() {
    let app = spawn_app().await;
    let chat = app.open().await;
    let typed =
        "Order ORD-20391 of 1 200,00 kr, due 2026-11-23. Call +46 70 123 45 67, code 482913";

    let events = app.say(&chat, typed, "m-1").await;
    assert_eq!(texts(&events), [("customer", "message", typed)]);
    assert_eq!(app.events(&chat, 0).await.len(), 1);
}

#[tokio::test]
async fn card_numbers_in_csat_comments_are_masked_too() {
    let app = spawn_app().await;
    let chat = app.open().await;
    app.say(&chat, "thanks", "m1").await;
    app.action(&chat, "close", serde_json::json!({})).await;
    let rated: serde_json::Value = app
        .action(
            &chat,
            "csat",
            serde_json::json!({"score": 2, "comment": "you charged 4111 1111 1111 1111 twice"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let comment = rated["events"][0]["csat"]["comment"].as_str().unwrap();
    assert!(
        !comment.contains("4111 1111") && comment.contains("1111") && comment.contains("twice"),
        "{comment}"
    );
}
