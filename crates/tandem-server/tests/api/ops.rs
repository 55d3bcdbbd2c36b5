//! Operations endpoints and the embedded front end.

use serde_json::Value;

use crate::helpers::{error_code, spawn_app};

#[tokio::test]
async fn health_and_readiness() {
    let app = spawn_app().await;
    let health: Value = app.get("/healthz", None).await.json().await.unwrap();
    assert_eq!(health["status"], "ok");
    let ready: Value = app.get("/readyz", None).await.json().await.unwrap();
    assert_eq!(ready["status"], "ready");
    // With the store gone the process is alive but not ready.
    app.sqlite.close().await;
    assert_eq!(
        error_code(app.get("/readyz", None).await).await,
        (503, "not_ready".into())
    );
    assert_eq!(app.get("/healthz", None).await.status(), 200);
}

#[tokio::test]
async fn metrics_count_requests_events_and_sockets() {
    let app = spawn_app().await;
    let chat = app.open().await;
    app.say(&chat, "hello", "m1").await;
    let _ws = app.ws(&chat, 0).await;
    let response = app.get("/metrics", None).await;
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = response.text().await.unwrap();
    for needle in [
        "tandem_http_requests_total{method=\"POST\",route=\"/api/v1/conversations/{id}/messages\",status=\"200\"}",
        "tandem_http_request_duration_seconds_bucket",
        "tandem_events_appended_total{kind=\"message\"}",
        "tandem_websocket_connections",
    ] {
        assert!(text.contains(needle), "{needle} missing from\n{text}");
    }
}

#[tokio::test]
async fn the_openapi_document_lists_every_endpoint() {
    let app = spawn_app().await;
    let doc: Value = app
        .get("/api/openapi.json", None)
        .await
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for (path, method) in [
        ("/api/v1/conversations", "post"),
        ("/api/v1/conversations/{id}", "get"),
        ("/api/v1/conversations/{id}/messages", "post"),
        ("/api/v1/conversations/{id}/events", "get"),
        ("/api/v1/conversations/{id}/ws", "get"),
        ("/api/v1/conversations/{id}/handoff", "post"),
        ("/api/v1/conversations/{id}/close", "post"),
        ("/api/v1/conversations/{id}/csat", "post"),
        ("/healthz", "get"),
        ("/readyz", "get"),
        ("/metrics", "get"),
        ("/api/openapi.json", "get"),
        ("/api/v1/conversations/{id}/follow-up", "post"),
        ("/api/v1/auth/login", "post"),
        ("/api/v1/auth/logout", "post"),
        ("/api/v1/agent/me", "get"),
        ("/api/v1/agent/status", "put"),
        ("/api/v1/agent/capacity", "put"),
        ("/api/v1/agent/shifts", "put"),
        ("/api/v1/agent/team", "get"),
        ("/api/v1/agent/canned", "get"),
        ("/api/v1/agent/ws", "get"),
        ("/api/v1/agent/conversations", "get"),
        ("/api/v1/agent/conversations/{id}", "get"),
        ("/api/v1/agent/conversations/{id}/claim", "post"),
        ("/api/v1/agent/conversations/{id}/messages", "post"),
        ("/api/v1/agent/conversations/{id}/notes", "post"),
        ("/api/v1/agent/conversations/{id}/transfer", "post"),
        ("/api/v1/agent/conversations/{id}/handback", "post"),
        ("/api/v1/agent/conversations/{id}/resolve", "post"),
        ("/api/v1/agent/conversations/{id}/copilot", "get"),
        ("/api/v1/agent/conversations/{id}/tools", "post"),
        ("/api/v1/agent/conversations/{id}/tools/confirm", "post"),
    ] {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} missing"
        );
    }
    assert!(doc["components"]["schemas"]["EventView"].is_object());
    assert!(doc["components"]["securitySchemes"]["agent_session"].is_object());
}

#[tokio::test]
async fn the_agent_console_is_served() {
    let app = spawn_app().await;
    let page = app.get("/console", None).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("/assets/console.js"), "{html}");
    for asset in ["/assets/console.js", "/assets/console.css"] {
        assert_eq!(app.get(asset, None).await.status(), 200, "{asset}");
    }
}

#[tokio::test]
async fn the_widget_and_demo_page_are_served() {
    let app = spawn_app().await;
    let widget = app.get("/widget.js", None).await;
    assert_eq!(widget.status(), 200);
    assert!(
        widget.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("javascript")
    );
    assert!(
        widget
            .text()
            .await
            .unwrap()
            .contains("customElements.define")
    );
    let page = app.get("/", None).await;
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(page.text().await.unwrap().contains("widget.js"));
    assert_eq!(
        error_code(app.get("/assets/nope.js", None).await).await,
        (404, "not_found".into())
    );
}
