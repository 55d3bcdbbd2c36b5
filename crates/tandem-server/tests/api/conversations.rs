//! The customer conversation API over HTTP.

use serde_json::{Value, json};

use crate::helpers::{Chat, error_code, seqs, spawn_app, spawn_demo_app};

#[tokio::test]
async fn opening_returns_id_and_a_token_for_that_conversation() {
    let app = spawn_app().await;
    let response = app.create(json!({"language": "sv"})).await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["state"], "ai");
    assert_eq!(body["verified"], false);
    assert!(body["customer"].is_null());
    assert_eq!(body["token"].as_str().unwrap().len(), 64);
    let chat = Chat {
        id: body["id"].as_str().unwrap().into(),
        token: body["token"].as_str().unwrap().into(),
    };
    let view: Value = app
        .get(
            &format!("/api/v1/conversations/{}", chat.id),
            Some(&chat.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["language"], "sv");
    assert_eq!(view["last_seq"], 0);
}

#[tokio::test]
async fn a_signed_customer_token_links_a_verified_customer() {
    let app = spawn_demo_app().await;
    let token = app.customer_token("cus_lena");
    let body: Value = app
        .create(json!({"customer_token": token}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["verified"], true);
    assert_eq!(body["customer"]["id"], "cus_lena");
    let view: Value = app
        .get(
            &format!("/api/v1/conversations/{}", body["id"].as_str().unwrap()),
            body["token"].as_str(),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        view["language"], "de",
        "the customer's language is the default"
    );
}

#[tokio::test]
async fn bad_customer_tokens_are_refused() {
    let app = spawn_demo_app().await;
    let other_key = tandem_server::tokens::CustomerTokenKey::new(
        &tandem_server::tokens::Secret::new("another"),
    );
    let forged = other_key.mint(
        &tandem_domain::CustomerId::parse("cus_anna").unwrap(),
        time::OffsetDateTime::now_utc(),
        time::Duration::hours(1),
    );
    let expired = app.state.customer_tokens.as_ref().unwrap().mint(
        &tandem_domain::CustomerId::parse("cus_anna").unwrap(),
        time::OffsetDateTime::now_utc() - time::Duration::hours(2),
        time::Duration::hours(1),
    );
    let unknown = app.customer_token("cus_nobody");
    for token in [
        "garbage",
        forged.as_str(),
        expired.as_str(),
        unknown.as_str(),
    ] {
        let (status, code) = error_code(app.create(json!({"customer_token": token})).await).await;
        assert_eq!(
            (status, code.as_str()),
            (401, "invalid_customer_token"),
            "{token}"
        );
    }
}

#[tokio::test]
async fn malformed_requests_get_clear_errors() {
    let app = spawn_app().await;
    let url = app.url("/api/v1/conversations");
    let cases: Vec<(reqwest::RequestBuilder, u16, &str)> = vec![
        (
            app.client
                .post(&url)
                .header("content-type", "application/json")
                .body("{not json"),
            400,
            "invalid_json",
        ),
        (
            app.client.post(&url).body("{}"),
            415,
            "unsupported_media_type",
        ),
        (
            app.client.post(&url).json(&json!({"language": "klingon!"})),
            422,
            "invalid_input",
        ),
        (
            app.client.post(&url).json(&json!({"language": 5})),
            422,
            "invalid_input",
        ),
        (
            app.client
                .post(&url)
                .header("content-type", "application/json")
                .body(format!("{{\"language\": \"{}\"}}", "x".repeat(70_000))),
            413,
            "payload_too_large",
        ),
        (
            app.client.get(app.url("/api/v1/nothing-here")),
            404,
            "not_found",
        ),
        (app.client.delete(&url), 405, "method_not_allowed"),
    ];
    for (request, status, code) in cases {
        assert_eq!(
            error_code(request.send().await.unwrap()).await,
            (status, code.to_owned())
        );
    }
}

#[tokio::test]
async fn a_message_is_stored_and_returned_with_its_seq() {
    let app = spawn_app().await;
    let chat = app.open().await;
    let events = app.say(&chat, "Hi, where is my refund?", "c-1").await;
    assert_eq!(events.len(), 1, "no AI yet, so nothing answers: {events:?}");
    let event = &events[0];
    assert_eq!(
        (
            event["seq"].as_u64(),
            event["kind"].as_str(),
            event["author"].as_str()
        ),
        (Some(1), Some("message"), Some("customer"))
    );
    assert_eq!(event["text"], "Hi, where is my refund?");
    assert_eq!(event["client_msg_id"], "c-1");
    assert!(event["at"].as_str().unwrap().ends_with('Z'));
    let second = app.say(&chat, "Hello?", "c-2").await;
    assert_eq!(second[0]["seq"], 2);
    assert_eq!(seqs(&app.events(&chat, 0).await), [1, 2]);
    assert_eq!(seqs(&app.events(&chat, 1).await), [2]);
    assert!(app.events(&chat, 2).await.is_empty());
}

#[tokio::test]
async fn message_text_must_be_1_to_4000_characters() {
    let app = spawn_app().await;
    let chat = app.open().await;
    let long = "ä".repeat(4000);
    let cases = [
        ("", 422),
        ("   \n ", 422),
        (long.as_str(), 200),
        (&*format!("{long}x"), 422),
    ];
    for (i, (text, status)) in cases.iter().enumerate() {
        let response = app.send(&chat, text, &format!("len-{i}")).await;
        assert_eq!(
            response.status().as_u16(),
            *status,
            "text of {} chars",
            text.chars().count()
        );
    }
    let bad_ids = ["", "has space", &"x".repeat(129)];
    for id in bad_ids {
        assert_eq!(
            error_code(app.send(&chat, "hi", id).await).await,
            (422, "invalid_input".into()),
            "{id:?}"
        );
    }
    let missing = app
        .post_json(
            &format!("/api/v1/conversations/{}/messages", chat.id),
            Some(&chat.token),
            json!({"text": "hi"}),
        )
        .await;
    assert_eq!(error_code(missing).await, (422, "invalid_input".into()));
    assert_eq!(
        app.events(&chat, 0).await.len(),
        1,
        "only the valid message was stored"
    );
}

#[tokio::test]
async fn tokens_open_only_their_own_conversation() {
    let app = spawn_app().await;
    let mine = app.open().await;
    let theirs = app.open().await;
    let path = format!("/api/v1/conversations/{}/messages", mine.id);
    let body = json!({"text": "hi", "client_msg_id": "x"});
    assert_eq!(
        error_code(app.post_json(&path, None, body.clone()).await).await,
        (401, "unauthorized".into())
    );
    assert_eq!(
        error_code(app.post_json(&path, Some("wrong"), body.clone()).await).await,
        (401, "unauthorized".into())
    );
    assert_eq!(
        error_code(
            app.post_json(&path, Some(&theirs.token), body.clone())
                .await
        )
        .await,
        (401, "unauthorized".into())
    );
    let events_path = format!("/api/v1/conversations/{}/events", mine.id);
    assert_eq!(
        error_code(app.get(&events_path, Some(&theirs.token)).await).await,
        (401, "unauthorized".into())
    );
    let unknown = format!("/api/v1/conversations/{}/messages", uuid::Uuid::now_v7());
    assert_eq!(
        error_code(
            app.post_json(&unknown, Some(&mine.token), body.clone())
                .await
        )
        .await,
        (404, "not_found".into())
    );
    let malformed = "/api/v1/conversations/not-an-id/messages";
    assert_eq!(
        error_code(app.post_json(malformed, Some(&mine.token), body).await).await,
        (404, "not_found".into())
    );
    assert!(app.events(&mine, 0).await.is_empty(), "nothing was stored");
}

#[tokio::test]
async fn a_repeated_client_msg_id_returns_the_original_and_stores_nothing() {
    let app = spawn_app().await;
    let chat = app.open().await;
    let first = app.say(&chat, "first", "same-id").await;
    let again = app.say(&chat, "first (retried)", "same-id").await;
    assert_eq!(first, again);
    // Concurrent retries of one new message store it once.
    let sends = (0..10).map(|_| app.say(&chat, "burst", "burst-id"));
    let results = futures_util::future::join_all(sends).await;
    assert!(results.windows(2).all(|w| w[0] == w[1]), "{results:?}");
    let stored = app.events(&chat, 0).await;
    assert_eq!(seqs(&stored), [1, 2]);
    assert_eq!(stored[1]["text"], "burst");
}

#[tokio::test]
async fn the_person_button_queues_the_conversation_once() {
    let app = spawn_demo_app().await;
    let token = app.customer_token("cus_oliver");
    let body: Value = app
        .create(json!({"customer_token": token}))
        .await
        .json()
        .await
        .unwrap();
    let chat = Chat {
        id: body["id"].as_str().unwrap().into(),
        token: body["token"].as_str().unwrap().into(),
    };
    app.say(&chat, "my parcel never arrived", "m1").await;
    let response = app.action(&chat, "handoff", json!({})).await;
    assert_eq!(response.status(), 200);
    let events: Value = response.json().await.unwrap();
    let handoff = &events["events"][0];
    assert_eq!(
        (
            handoff["kind"].as_str(),
            handoff["author"].as_str(),
            handoff["seq"].as_u64()
        ),
        (Some("handoff"), Some("system"), Some(2))
    );
    assert_eq!(handoff["handoff"]["reason"], "human_request");
    assert_eq!(handoff["handoff"]["priority"], "normal");
    let summary = handoff["handoff"]["summary"].as_str().unwrap();
    assert!(
        summary.contains("my parcel never arrived")
            && summary.contains("verified customer cus_oliver"),
        "{summary}"
    );
    assert!(handoff["text"].as_str().unwrap().contains("queue"));
    let view: Value = app
        .get(
            &format!("/api/v1/conversations/{}", chat.id),
            Some(&chat.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["state"], "queued");
    // Pressing again changes nothing and returns the same handoff.
    let again: Value = app
        .action(&chat, "handoff", Value::Null)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["events"][0]["seq"], 2);
    // The customer can keep writing while queued.
    assert_eq!(app.say(&chat, "still there?", "m2").await[0]["seq"], 3);
}

#[tokio::test]
async fn closing_ends_the_conversation_and_allows_one_rating() {
    let app = spawn_app().await;
    let chat = app.open().await;
    app.say(&chat, "thanks, that's all", "m1").await;
    let early = app.action(&chat, "csat", json!({"score": 5})).await;
    assert_eq!(error_code(early).await, (409, "conversation_open".into()));
    let closed: Value = app
        .action(&chat, "close", json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(closed["events"][0]["kind"], "closed");
    assert_eq!(
        error_code(app.action(&chat, "close", json!({})).await).await,
        (409, "conversation_closed".into())
    );
    assert_eq!(
        error_code(app.send(&chat, "one more thing", "m2").await).await,
        (409, "conversation_closed".into())
    );
    assert_eq!(
        error_code(app.action(&chat, "handoff", json!({})).await).await,
        (409, "conversation_closed".into())
    );
    for bad in [
        json!({"score": 0}),
        json!({"score": 6}),
        json!({"score": "five"}),
        json!({}),
    ] {
        assert_eq!(
            error_code(app.action(&chat, "csat", bad.clone()).await)
                .await
                .0,
            422,
            "{bad}"
        );
    }
    let rated: Value = app
        .action(
            &chat,
            "csat",
            json!({"score": 4, "comment": " quick and clear "}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        rated["events"][0]["csat"],
        json!({"score": 4, "comment": "quick and clear"})
    );
    assert_eq!(
        error_code(app.action(&chat, "csat", json!({"score": 1})).await).await,
        (409, "already_rated".into())
    );
    let kinds: Vec<_> = app
        .events(&chat, 0)
        .await
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(kinds, ["message", "closed", "csat"]);
}

#[tokio::test]
async fn demo_helpers_exist_only_in_demo_mode() {
    let demo = spawn_demo_app().await;
    let customers: Value = demo
        .get("/demo/customers", None)
        .await
        .json()
        .await
        .unwrap();
    assert!(customers.as_array().unwrap().len() >= 5);
    assert_eq!(customers[0]["id"], "cus_anna");
    let minted: Value = demo
        .get("/demo/customer-token?customer=cus_anna", None)
        .await
        .json()
        .await
        .unwrap();
    let body: Value = demo
        .create(json!({"customer_token": minted["token"]}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["customer"]["name"], "Anna Svensson");
    assert_eq!(
        error_code(
            demo.get("/demo/customer-token?customer=cus_nobody", None)
                .await
        )
        .await,
        (404, "not_found".into())
    );
    assert_eq!(
        error_code(demo.get("/demo/customer-token?customer=../x", None).await).await,
        (422, "invalid_input".into())
    );
    assert_eq!(
        error_code(demo.get("/demo/customer-token", None).await).await,
        (422, "invalid_input".into())
    );

    let real = spawn_app().await;
    assert_eq!(
        error_code(real.get("/demo/customers", None).await).await,
        (404, "not_found".into())
    );
    assert_eq!(
        error_code(
            real.get("/demo/customer-token?customer=cus_anna", None)
                .await
        )
        .await,
        (404, "not_found".into())
    );
}
