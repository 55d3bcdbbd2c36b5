//! `spawn_app()` and typed request helpers.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use serde_json::{Value, json};
use tandem_domain::{Clock, CustomerId, SystemClock};
use tandem_server::bus::LocalBus;
use tandem_server::rate_limit::RateLimitSettings;
use tandem_server::tokens::Secret;
use tandem_server::{AppState, Settings};
use tandem_store::Store;
use tandem_store_sqlite::SqliteStore;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio_tungstenite::tungstenite;

pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub client: reqwest::Client,
    pub state: AppState,
    pub sqlite: SqliteStore,
    /// The SQLite file behind `sqlite` (WAL mode: see also `<db_path>-wal`).
    pub db_path: std::path::PathBuf,
    stop: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    _dir: TempDir,
}

/// A directory removed when dropped.
pub struct TempDir(pub std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Binds a loopback port below 32768 (higher ones collide with outgoing connections).
pub async fn bind_loopback() -> TcpListener {
    for _ in 0..200 {
        let port = 10_000 + (rand_u32() % 20_000) as u16;
        if let Ok(listener) = TcpListener::bind(("127.0.0.1", port)).await {
            return listener;
        }
    }
    panic!("no free loopback port between 10000 and 30000");
}

fn rand_u32() -> u32 {
    let bytes = *uuid::Uuid::new_v4().as_bytes();
    u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
}

pub fn default_settings() -> Settings {
    Settings {
        demo: false,
        customer_token_secret: Some(Secret::new("test-secret")),
        rate_limits: RateLimitSettings {
            ip_per_minute: 100_000,
            ip_burst: 10_000,
            conversation_per_minute: 100_000,
            conversation_burst: 10_000,
        },
        smtp: None,
        supervisor_token: Some(Secret::new("supervisor-secret")),
        routing: Default::default(),
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(default_settings()).await
}

/// The demo app: demo routes on, demo customers seeded.
pub async fn spawn_demo_app() -> TestApp {
    let app = spawn_app_with(Settings {
        demo: true,
        ..default_settings()
    })
    .await;
    for customer in tandem_domain::demo::personas() {
        app.state.store.upsert_customer(&customer).await.unwrap();
    }
    app
}

pub async fn spawn_app_with(settings: Settings) -> TestApp {
    spawn_app_with_clock(settings, Arc::new(SystemClock)).await
}

/// The app on an injected clock, e.g. a `FixedClock` the test moves forward.
pub async fn spawn_app_with_clock(settings: Settings, clock: Arc<dyn Clock>) -> TestApp {
    let dir = TempDir(std::env::temp_dir().join(format!("tandem-api-{}", uuid::Uuid::new_v4())));
    std::fs::create_dir_all(&dir.0).unwrap();
    let db_path = dir.0.join("tandem.db");
    let sqlite = SqliteStore::open(&db_path).await.unwrap();
    let store: Arc<dyn Store> = Arc::new(sqlite.clone());
    let state = AppState::new(store, Arc::new(LocalBus::new()), clock, settings);
    let listener = bind_loopback().await;
    let port = listener.local_addr().unwrap().port();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(tandem_server::serve(listener, state.clone(), async move {
        let _ = stopped.await;
    }));
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        client: reqwest::Client::new(),
        state,
        sqlite,
        db_path,
        stop: Some(stop),
        server: Some(server),
        _dir: dir,
    }
}

/// An open conversation as a client holds it.
#[derive(Debug, Clone)]
pub struct Chat {
    pub id: String,
    pub token: String,
}

pub type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// Signs a customer token with the app's secret, as a host app would.
    pub fn customer_token(&self, customer: &str) -> String {
        let key = self
            .state
            .customer_tokens
            .as_ref()
            .expect("customer tokens configured");
        key.mint(
            &CustomerId::parse(customer).unwrap(),
            self.state.clock.now(),
            time::Duration::hours(1),
        )
    }

    pub async fn create(&self, body: Value) -> reqwest::Response {
        self.client
            .post(self.url("/api/v1/conversations"))
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    pub async fn open(&self) -> Chat {
        let response = self.create(json!({})).await;
        assert_eq!(response.status(), 201);
        let body: Value = response.json().await.unwrap();
        Chat {
            id: body["id"].as_str().unwrap().into(),
            token: body["token"].as_str().unwrap().into(),
        }
    }

    pub async fn post_json(
        &self,
        path: &str,
        token: Option<&str>,
        body: Value,
    ) -> reqwest::Response {
        let mut request = self.client.post(self.url(path)).json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap()
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> reqwest::Response {
        let mut request = self.client.get(self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap()
    }

    pub async fn send(&self, chat: &Chat, text: &str, client_msg_id: &str) -> reqwest::Response {
        self.post_json(
            &format!("/api/v1/conversations/{}/messages", chat.id),
            Some(&chat.token),
            json!({"text": text, "client_msg_id": client_msg_id}),
        )
        .await
    }

    /// Sends and returns the response events, asserting success.
    pub async fn say(&self, chat: &Chat, text: &str, client_msg_id: &str) -> Vec<Value> {
        let response = self.send(chat, text, client_msg_id).await;
        assert_eq!(response.status(), 200, "{:?}", response.text().await);
        let body: Value = response.json().await.unwrap();
        body["events"].as_array().unwrap().clone()
    }

    pub async fn events(&self, chat: &Chat, after: u64) -> Vec<Value> {
        let response = self
            .get(
                &format!("/api/v1/conversations/{}/events?after={after}", chat.id),
                Some(&chat.token),
            )
            .await;
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        body["events"].as_array().unwrap().clone()
    }

    pub async fn action(&self, chat: &Chat, action: &str, body: Value) -> reqwest::Response {
        self.post_json(
            &format!("/api/v1/conversations/{}/{action}", chat.id),
            Some(&chat.token),
            body,
        )
        .await
    }

    pub async fn ws(&self, chat: &Chat, after: u64) -> Ws {
        let url = format!(
            "ws://127.0.0.1:{}/api/v1/conversations/{}/ws?after={after}&token={}",
            self.port, chat.id, chat.token
        );
        let (ws, response) = tokio_tungstenite::connect_async(url)
            .await
            .expect("WebSocket connects");
        assert_eq!(response.status(), 101);
        ws
    }

    /// Stops the server gracefully and waits for it to finish.
    pub async fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            tokio::time::timeout(Duration::from_secs(10), server)
                .await
                .expect("server stops within 10 s")
                .unwrap()
                .unwrap();
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The next event frame, within 5 s.
pub async fn next_event(ws: &mut Ws) -> Value {
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .expect("an event within 5 s")
            .expect("the stream is open")
            .expect("a valid frame");
        match frame {
            tungstenite::Message::Text(text) => return serde_json::from_str(&text).unwrap(),
            tungstenite::Message::Ping(_) | tungstenite::Message::Pong(_) => continue,
            other => panic!("unexpected frame {other:?}"),
        }
    }
}

pub fn seqs(events: &[Value]) -> Vec<u64> {
    events.iter().map(|e| e["seq"].as_u64().unwrap()).collect()
}

pub async fn error_code(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.expect("errors are JSON");
    let code = body["error"]["code"]
        .as_str()
        .expect("error.code")
        .to_owned();
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "error.message in {body}"
    );
    (status, code)
}

/// The agent's models and help centre, loaded once per test binary (the real MiniLM,
/// which `scripts/test` fetches first; the contact-reason model is cached on disk).
pub fn brain() -> tandem_server::agent::Brain {
    static BRAIN: std::sync::OnceLock<tandem_server::agent::Brain> = std::sync::OnceLock::new();
    BRAIN
        .get_or_init(|| {
            let (nlu, kb) = tandem_agent::setup::load(&tandem_agent::setup::Options::default())
                .expect("the agent loads");
            assert!(
                nlu.encoder().is_some(),
                "the sentence encoder is missing: run `cargo run -- nlu fetch` (scripts/test does)"
            );
            tandem_server::agent::Brain { nlu, kb }
        })
        .clone()
}

/// The demo app with the AI agent answering, on the demo world (customers, merchants,
/// orders dated from today).
pub async fn spawn_agent_app() -> TestApp {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let dir = TempDir(std::env::temp_dir().join(format!("tandem-api-{}", uuid::Uuid::new_v4())));
    std::fs::create_dir_all(&dir.0).unwrap();
    let db_path = dir.0.join("tandem.db");
    let sqlite = SqliteStore::open(&db_path).await.unwrap();
    let store: Arc<dyn Store> = Arc::new(sqlite.clone());
    let world = tandem_domain::demo_ledger::demo_world(tandem_domain::ledger::today(clock.now()));
    for customer in &world.customers {
        store.upsert_customer(customer).await.unwrap();
    }
    for merchant in &world.merchants {
        store.upsert_merchant(merchant).await.unwrap();
    }
    for order in &world.orders {
        store.put_order(order).await.unwrap();
    }
    let settings = Settings {
        demo: true,
        ..default_settings()
    };
    let state =
        AppState::new(store, Arc::new(LocalBus::new()), clock, settings).with_agent(brain());
    let listener = bind_loopback().await;
    let port = listener.local_addr().unwrap().port();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(tandem_server::serve(listener, state.clone(), async move {
        let _ = stopped.await;
    }));
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        client: reqwest::Client::new(),
        state,
        sqlite,
        db_path,
        stop: Some(stop),
        server: Some(server),
        _dir: dir,
    }
}

impl TestApp {
    /// A conversation opened as a signed-in customer.
    pub async fn open_as(&self, customer: &str) -> Chat {
        let response = self
            .create(json!({"customer_token": self.customer_token(customer)}))
            .await;
        assert_eq!(response.status(), 201);
        let body: Value = response.json().await.unwrap();
        Chat {
            id: body["id"].as_str().unwrap().into(),
            token: body["token"].as_str().unwrap().into(),
        }
    }
}

/// A person of the support team as a test holds them: id and session token.
#[derive(Debug, Clone)]
pub struct Person {
    pub id: String,
    pub token: String,
}

impl TestApp {
    pub async fn put_json(
        &self,
        path: &str,
        token: Option<&str>,
        body: Value,
    ) -> reqwest::Response {
        let mut request = self.client.put(self.url(path)).json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap()
    }

    /// Creates an account (password `correct horse`) and logs in through the API.
    pub async fn person(&self, name: &str, skills: &str, role: &str) -> Person {
        let email = format!("{}@acme.test", name.to_ascii_lowercase().replace(' ', "."));
        tandem_server::workforce::add_agent(
            self.state.store.as_ref(),
            tandem_server::workforce::NewAgent {
                name: name.into(),
                email: email.clone(),
                password: "correct horse".into(),
                role: tandem_domain::workforce::Role::parse(role).unwrap(),
                skills: tandem_domain::workforce::Skills::parse_list(skills).unwrap(),
                max_chats: 2,
            },
            self.state.clock.now(),
        )
        .await
        .unwrap();
        let response = self
            .post_json(
                "/api/v1/auth/login",
                None,
                json!({"email": email, "password": "correct horse"}),
            )
            .await;
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        Person {
            id: body["agent"]["id"].as_str().unwrap().into(),
            token: body["token"].as_str().unwrap().into(),
        }
    }

    /// Sets a person's presence through the API.
    pub async fn presence(&self, person: &Person, status: &str) {
        let response = self
            .put_json(
                "/api/v1/agent/status",
                Some(&person.token),
                json!({"status": status}),
            )
            .await;
        assert_eq!(response.status(), 200);
    }

    /// The person's console lists.
    pub async fn lists(&self, person: &Person) -> Value {
        let response = self
            .get("/api/v1/agent/conversations", Some(&person.token))
            .await;
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    /// A person's action on a conversation.
    pub async fn act(
        &self,
        person: &Person,
        chat: &Chat,
        action: &str,
        body: Value,
    ) -> reqwest::Response {
        self.post_json(
            &format!("/api/v1/agent/conversations/{}/{action}", chat.id),
            Some(&person.token),
            body,
        )
        .await
    }

    /// The agent WebSocket of a person.
    pub async fn agent_ws(&self, person: &Person) -> Ws {
        let url = format!(
            "ws://127.0.0.1:{}/api/v1/agent/ws?token={}",
            self.port, person.token
        );
        let (ws, response) = tokio_tungstenite::connect_async(url)
            .await
            .expect("WebSocket connects");
        assert_eq!(response.status(), 101);
        ws
    }
}

/// The next frame of `kind` (`type`), skipping others, within 5 s.
pub async fn next_frame(ws: &mut Ws, kind: &str) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let frame = tokio::time::timeout(left, next_event(ws))
            .await
            .unwrap_or_else(|_| panic!("no {kind} frame within 5 s"));
        if frame["type"] == kind {
            return frame;
        }
    }
}

/// Polls `check` every 50 ms until it holds, for at most 5 s.
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..100 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what}: not within 5 s");
}
