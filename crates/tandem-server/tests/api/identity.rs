//! Email verification by one-time code (P1) over HTTP, with the demo mailbox and an
//! injected clock.

use std::sync::Arc;

use serde_json::{Value, json};
use tandem_domain::FixedClock;
use tandem_server::Settings;
use time::Duration;

use crate::helpers::{
    Chat, TestApp, default_settings, error_code, spawn_app, spawn_app_with_clock,
};

/// The demo app (demo mailbox, demo customers) on a clock the test moves.
async fn spawn_demo_on_clock() -> (TestApp, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::new(time::OffsetDateTime::now_utc()));
    let settings = Settings {
        demo: true,
        ..default_settings()
    };
    let app = spawn_app_with_clock(settings, clock.clone()).await;
    for customer in tandem_domain::demo::personas() {
        app.state.store.upsert_customer(&customer).await.unwrap();
    }
    (app, clock)
}

async fn open_in(app: &TestApp, language: &str) -> Chat {
    let body: Value = app
        .create(json!({"language": language}))
        .await
        .json()
        .await
        .unwrap();
    Chat {
        id: body["id"].as_str().unwrap().into(),
        token: body["token"].as_str().unwrap().into(),
    }
}

async fn request_code(app: &TestApp, chat: &Chat, email: &str) -> reqwest::Response {
    app.action(chat, "verification/email", json!({"email": email}))
        .await
}

async fn submit_code(app: &TestApp, chat: &Chat, code: &str) -> reqwest::Response {
    app.action(chat, "verification/code", json!({"code": code}))
        .await
}

async fn mailbox(app: &TestApp, email: &str) -> Vec<Value> {
    let response = app.get(&format!("/demo/mailbox?email={email}"), None).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// The newest code mailed to `email`.
async fn latest_code(app: &TestApp, email: &str) -> String {
    let mails = mailbox(app, email).await;
    mails[0]["code"]
        .as_str()
        .expect("a code was mailed")
        .to_owned()
}

async fn error_message(response: reqwest::Response) -> (u16, String, String) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap();
    let code = body["error"]["code"].as_str().unwrap().to_owned();
    let message = body["error"]["message"].as_str().unwrap().to_owned();
    (status, code, message)
}

#[tokio::test]
async fn a_mailed_code_verifies_the_conversation() {
    let (app, _clock) = spawn_demo_on_clock().await;
    let chat = open_in(&app, "en").await;
    let response = request_code(&app, &chat, "  Anna@Example.COM ").await;
    assert_eq!(response.status(), 202);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({"status": "sent_if_known"}));

    let mails = mailbox(&app, "anna@example.com").await;
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert_eq!(mail["to"], "anna@example.com");
    let code = mail["code"].as_str().unwrap();
    assert!(
        code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()),
        "{code}"
    );
    assert!(mail["body"].as_str().unwrap().contains(code));
    assert!(
        mail["subject"]
            .as_str()
            .unwrap()
            .contains("verification code")
    );
    assert!(mail["sent_at"].as_str().unwrap().ends_with('Z'));

    let spaced = format!("{} {}", &code[..3], &code[3..]);
    let response = submit_code(&app, &chat, &spaced).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!({"verified": true, "customer": {"id": "cus_anna", "name": "Anna Svensson"}})
    );

    let view: Value = app
        .get(
            &format!("/api/v1/conversations/{}", chat.id),
            Some(&chat.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["verified"], true);
    assert_eq!(view["customer"]["id"], "cus_anna");
    let events = app.events(&chat, 0).await;
    let last = events.last().expect("a notice");
    assert_eq!(
        (&last["author"], &last["kind"], &last["text"]),
        (
            &json!("system"),
            &json!("message"),
            &json!("You're verified as Anna.")
        )
    );

    // Idempotent once verified; asking for another code is refused.
    let again = submit_code(&app, &chat, "000000").await;
    assert_eq!(again.status(), 200);
    assert_eq!(
        app.events(&chat, 0).await.len(),
        events.len(),
        "no second notice"
    );
    assert_eq!(
        error_code(request_code(&app, &chat, "anna@example.com").await).await,
        (409, "already_verified".into())
    );
}

#[tokio::test]
async fn the_notice_speaks_the_conversation_language() {
    let (app, _clock) = spawn_demo_on_clock().await;
    for (language, email, notice) in [
        ("sv", "erik@example.com", "Du är verifierad som Erik."),
        ("de", "lena@example.com", "Sie sind als Lena verifiziert."),
    ] {
        let chat = open_in(&app, language).await;
        assert_eq!(request_code(&app, &chat, email).await.status(), 202);
        let code = latest_code(&app, email).await;
        assert_eq!(submit_code(&app, &chat, &code).await.status(), 200);
        let events = app.events(&chat, 0).await;
        assert_eq!(events.last().unwrap()["text"], notice);
    }
}

#[tokio::test]
async fn an_unknown_email_gets_the_same_answer_and_no_mail() {
    let (app, _clock) = spawn_demo_on_clock().await;
    let known = open_in(&app, "en").await;
    let unknown = open_in(&app, "en").await;
    let a = request_code(&app, &known, "maya@example.com").await;
    let b = request_code(&app, &unknown, "nobody@example.com").await;
    assert_eq!(a.status(), b.status());
    let (a, b): (Value, Value) = (a.json().await.unwrap(), b.json().await.unwrap());
    assert_eq!(a, b);
    assert!(mailbox(&app, "nobody@example.com").await.is_empty());
    let all: Vec<Value> = app.get("/demo/mailbox", None).await.json().await.unwrap();
    assert_eq!(all.len(), 1, "only maya's code was mailed");
    // Guessing answers exactly as for a known email.
    let (k, u) = (
        error_message(submit_code(&app, &known, "000000").await).await,
        error_message(submit_code(&app, &unknown, "000000").await).await,
    );
    let maya_code = latest_code(&app, "maya@example.com").await;
    if maya_code != "000000" {
        assert_eq!(k, u);
        assert_eq!(k.1, "wrong_code");
    }
}

#[tokio::test]
async fn wrong_codes_count_down_then_lock_every_conversation_for_15_minutes() {
    let (app, clock) = spawn_demo_on_clock().await;
    let chat = open_in(&app, "en").await;
    assert_eq!(
        request_code(&app, &chat, "oliver@example.com")
            .await
            .status(),
        202
    );
    let code = latest_code(&app, "oliver@example.com").await;
    let wrong = if code == "111111" { "222222" } else { "111111" };
    for left in ["4 tries", "3 tries", "2 tries", "1 try"] {
        let (status, error, message) = error_message(submit_code(&app, &chat, wrong).await).await;
        assert_eq!((status, error.as_str()), (422, "wrong_code"));
        assert!(message.contains(&format!("{left} left")), "{message}");
    }
    let fifth = submit_code(&app, &chat, wrong).await;
    assert_eq!(fifth.headers()["retry-after"], "900");
    let (status, error, message) = error_message(fifth).await;
    assert_eq!((status, error.as_str()), (429, "verification_locked"));
    assert!(message.contains("15 min"), "{message}");
    assert_eq!(
        error_code(submit_code(&app, &chat, &code).await).await,
        (429, "verification_locked".into()),
        "even the right code waits for the lock"
    );

    // A new conversation cannot get around the lock, nor can a differently cased email.
    let other = open_in(&app, "en").await;
    assert_eq!(
        error_code(request_code(&app, &other, "OLIVER@example.com").await).await,
        (429, "verification_locked".into())
    );
    assert_eq!(mailbox(&app, "oliver@example.com").await.len(), 1);

    clock.advance(Duration::minutes(15) - Duration::seconds(1));
    assert_eq!(
        error_code(request_code(&app, &other, "oliver@example.com").await).await,
        (429, "verification_locked".into())
    );
    clock.advance(Duration::seconds(1));
    assert_eq!(
        request_code(&app, &other, "oliver@example.com")
            .await
            .status(),
        202
    );
    let fresh = latest_code(&app, "oliver@example.com").await;
    assert_eq!(submit_code(&app, &other, &fresh).await.status(), 200);
}

#[tokio::test]
async fn unknown_emails_lock_like_known_ones() {
    let (app, _clock) = spawn_demo_on_clock().await;
    let chat = open_in(&app, "en").await;
    assert_eq!(
        request_code(&app, &chat, "ghost@example.com")
            .await
            .status(),
        202
    );
    for _ in 0..4 {
        assert_eq!(
            error_code(submit_code(&app, &chat, "123456").await).await,
            (422, "wrong_code".into())
        );
    }
    assert_eq!(
        error_code(submit_code(&app, &chat, "123456").await).await,
        (429, "verification_locked".into())
    );
    let other = open_in(&app, "en").await;
    assert_eq!(
        error_code(request_code(&app, &other, "ghost@example.com").await).await,
        (429, "verification_locked".into())
    );
}

#[tokio::test]
async fn a_code_expires_after_10_minutes() {
    let (app, clock) = spawn_demo_on_clock().await;
    let chat = open_in(&app, "en").await;
    assert_eq!(
        request_code(&app, &chat, "daan@example.com").await.status(),
        202
    );
    let code = latest_code(&app, "daan@example.com").await;
    clock.advance(Duration::minutes(10));
    let (status, error, message) = error_message(submit_code(&app, &chat, &code).await).await;
    assert_eq!((status, error.as_str()), (422, "code_expired"));
    assert!(message.contains("10 minutes"), "{message}");
    assert_eq!(
        request_code(&app, &chat, "daan@example.com").await.status(),
        202
    );
    let fresh = latest_code(&app, "daan@example.com").await;
    clock.advance(Duration::minutes(9));
    assert_eq!(submit_code(&app, &chat, &fresh).await.status(), 200);
}

#[tokio::test]
async fn a_code_works_only_in_its_own_conversation() {
    let (app, _clock) = spawn_demo_on_clock().await;
    let a = open_in(&app, "en").await;
    let b = open_in(&app, "en").await;
    assert_eq!(
        request_code(&app, &a, "jonas@example.com").await.status(),
        202
    );
    let code_a = latest_code(&app, "jonas@example.com").await;
    assert_eq!(
        error_code(submit_code(&app, &b, &code_a).await).await,
        (409, "no_code_requested".into())
    );
    assert_eq!(
        request_code(&app, &b, "jonas@example.com").await.status(),
        202
    );
    let code_b = latest_code(&app, "jonas@example.com").await;
    if code_a != code_b {
        assert_eq!(
            error_code(submit_code(&app, &b, &code_a).await).await,
            (422, "wrong_code".into())
        );
    }
    let view: Value = app
        .get(&format!("/api/v1/conversations/{}", b.id), Some(&b.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["verified"], false);
    assert_eq!(submit_code(&app, &a, &code_a).await.status(), 200);
}

#[tokio::test]
async fn bad_input_is_refused() {
    let (app, _clock) = spawn_demo_on_clock().await;
    let chat = open_in(&app, "en").await;
    for email in ["not-an-email", "", "anna@", "anna example@example.com"] {
        assert_eq!(
            error_code(request_code(&app, &chat, email).await).await,
            (422, "invalid_input".into()),
            "{email:?}"
        );
    }
    assert_eq!(
        request_code(&app, &chat, "anna@example.com").await.status(),
        202
    );
    for code in ["12345", "1234567", "abcdef", "12 34 5", ""] {
        assert_eq!(
            error_code(submit_code(&app, &chat, code).await).await,
            (422, "invalid_input".into()),
            "{code:?}"
        );
    }
    let missing = app.action(&chat, "verification/code", json!({})).await;
    assert_eq!(error_code(missing).await, (422, "invalid_input".into()));
    let no_token = app
        .post_json(
            &format!("/api/v1/conversations/{}/verification/email", chat.id),
            None,
            json!({"email": "anna@example.com"}),
        )
        .await;
    assert_eq!(error_code(no_token).await.0, 401);
}

#[tokio::test]
async fn outside_demo_mode_there_is_no_mailbox_and_no_silent_success() {
    let app = spawn_app().await;
    for path in ["/demo/mailbox", "/demo/mailbox/page"] {
        assert_eq!(app.get(path, None).await.status(), 404, "{path}");
    }
    let chat = app.open().await;
    assert_eq!(
        error_code(request_code(&app, &chat, "anna@example.com").await).await,
        (503, "mail_unavailable".into()),
        "no mail server configured: say so rather than pretend"
    );
}

#[tokio::test]
async fn the_demo_mailbox_page_is_served_in_demo_mode() {
    let (app, _clock) = spawn_demo_on_clock().await;
    let page = app.get("/demo/mailbox/page", None).await;
    assert_eq!(page.status(), 200);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = page.text().await.unwrap();
    assert!(html.contains("<h1>Demo mailbox</h1>") && html.contains("/demo/mailbox"));
}

#[tokio::test]
async fn the_openapi_document_describes_verification() {
    let app = spawn_app().await;
    let doc: Value = app
        .get("/api/openapi.json", None)
        .await
        .json()
        .await
        .unwrap();
    for (path, method) in [
        ("/api/v1/conversations/{id}/verification/email", "post"),
        ("/api/v1/conversations/{id}/verification/code", "post"),
        ("/demo/mailbox", "get"),
    ] {
        assert!(doc["paths"][path][method].is_object(), "{method} {path}");
    }
    for schema in [
        "RequestCodeRequest",
        "CodeRequested",
        "VerifyCodeRequest",
        "VerifiedCustomer",
        "MailView",
    ] {
        assert!(doc["components"]["schemas"][schema].is_object(), "{schema}");
    }
}

#[tokio::test]
async fn codes_are_sent_at_most_once_a_minute_per_conversation() {
    let (app, clock) = spawn_demo_on_clock().await;
    let chat = open_in(&app, "en").await;
    assert_eq!(
        request_code(&app, &chat, "anna@example.com").await.status(),
        202
    );
    let again = request_code(&app, &chat, "anna@example.com").await;
    assert!(
        again.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            <= 60
    );
    assert_eq!(error_code(again).await, (429, "rate_limited".into()));
    // The same answer for an unknown email: the cooldown reveals nothing.
    let other = open_in(&app, "en").await;
    assert_eq!(
        request_code(&app, &other, "nobody@example.com")
            .await
            .status(),
        202
    );
    assert_eq!(
        error_code(request_code(&app, &other, "nobody@example.com").await).await,
        (429, "rate_limited".into())
    );
    assert_eq!(
        mailbox(&app, "anna@example.com").await.len(),
        1,
        "one mail only"
    );
    clock.advance(Duration::seconds(61));
    assert_eq!(
        request_code(&app, &chat, "anna@example.com").await.status(),
        202
    );
    assert_eq!(mailbox(&app, "anna@example.com").await.len(), 2);
}
