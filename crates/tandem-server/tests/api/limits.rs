//! Rate limits answer 429 with Retry-After, per conversation token and per client IP.

use serde_json::json;
use tandem_server::Settings;
use tandem_server::rate_limit::RateLimitSettings;

use crate::helpers::{default_settings, error_code, spawn_app_with};

#[tokio::test]
async fn each_conversation_has_its_own_limit() {
    let settings = Settings {
        rate_limits: RateLimitSettings {
            conversation_per_minute: 1,
            conversation_burst: 3,
            ..default_settings().rate_limits
        },
        ..default_settings()
    };
    let app = spawn_app_with(settings).await;
    let busy = app.open().await;
    for i in 0..3 {
        assert_eq!(app.send(&busy, "hi", &format!("m{i}")).await.status(), 200);
    }
    let limited = app.send(&busy, "hi", "m3").await;
    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after >= 1, "Retry-After: {retry_after}");
    assert_eq!(error_code(limited).await, (429, "rate_limited".into()));
    let calm = app.open().await;
    assert_eq!(
        app.send(&calm, "hi", "m0").await.status(),
        200,
        "another conversation is not limited"
    );
    assert_eq!(app.events(&calm, 0).await.len(), 1);
}

#[tokio::test]
async fn each_client_ip_has_a_limit() {
    let settings = Settings {
        rate_limits: RateLimitSettings {
            ip_per_minute: 1,
            ip_burst: 5,
            ..default_settings().rate_limits
        },
        ..default_settings()
    };
    let app = spawn_app_with(settings).await;
    let mut statuses = Vec::new();
    for _ in 0..7 {
        statuses.push(app.create(json!({})).await.status().as_u16());
    }
    assert_eq!(statuses, [201, 201, 201, 201, 201, 429, 429]);
    // Operations endpoints are not API routes and stay reachable.
    assert_eq!(app.get("/healthz", None).await.status(), 200);
}
