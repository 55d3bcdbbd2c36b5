//! tandem's HTTP and WebSocket server.
//!
//! [`app`] builds the router from an [`AppState`]; [`serve`] runs it on an injected
//! listener until an injected shutdown future resolves, then drains WebSocket streams.
//! Tests run the real app on a loopback port the same way `main` does.
//!
//! Architecture Invariant: handlers never write to the store and then skip the bus, or
//! publish before the store committed: both go through `conversations::commit`.
//!
//! Layout:
//! - [`routes`]: handlers by area (conversations, identity, stream, ops, demo, mailbox,
//!   assets).
//! - [`conversations`]: the conversation steps (open, message, handoff, close, rate).
//! - [`desk`]: what a person does with conversations (lists, claim, reply, tools, resolve).
//! - [`router`]: offers, re-queueing, console presence, list changes; [`workforce`]:
//!   accounts, passwords, sessions.
//! - [`identity`]: email verification steps (P1); [`mail`]: the mailers (demo, SMTP).
//! - [`bus`]: the event bus trait and the in-process bus.
//! - [`wire`]: JSON request and response shapes; [`openapi`] documents them.
//! - [`error`]: the one error type and its code table.
//! - [`extract`]: extractors and conversation authorisation.
//! - [`tokens`]: conversation tokens, customer JWTs, secrets.
//! - [`rate_limit`], [`metrics`]: middleware.

#![forbid(unsafe_code)]

pub mod agent;
pub mod bus;
pub mod conversations;
pub mod desk;
pub mod error;
pub mod extract;
pub mod identity;
pub mod mail;
pub mod metrics;
pub mod openapi;
pub mod rate_limit;
pub mod router;
pub mod routes;
pub mod tokens;
pub mod wire;
pub mod workforce;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Method, header};
use axum::routing::{get, post};
use metrics_exporter_prometheus::PrometheusHandle;
use tandem_domain::Clock;
use tandem_store::Store;
use tandem_tools::{AccountBackend, BuiltinLedger, Tools};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower_http::cors::{Any, CorsLayer};

use crate::bus::EventBus;
use crate::error::{ApiError, ErrorCode};
use crate::rate_limit::{RateLimitSettings, RateLimits};
use crate::tokens::{CustomerTokenKey, Secret};

/// Request bodies larger than this are refused with 413.
pub const BODY_LIMIT_BYTES: usize = 64 * 1024;

/// What the server needs to know beyond its parts.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Mounts the `/demo/*` helpers.
    pub demo: bool,
    /// The HMAC secret of host-app customer tokens; `None` refuses such tokens.
    pub customer_token_secret: Option<Secret>,
    pub rate_limits: RateLimitSettings,
    /// The mail server for verification codes; ignored in demo mode (demo mailbox).
    pub smtp: Option<mail::SmtpSettings>,
    /// Bearer token of supervisor endpoints (the audit trail) until supervisor accounts
    /// exist; `None` closes them.
    pub supervisor_token: Option<Secret>,
    /// The router's timings.
    pub routing: router::RoutingSettings,
}

/// Everything a handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub bus: Arc<dyn EventBus>,
    pub clock: Arc<dyn Clock>,
    pub customer_tokens: Option<Arc<CustomerTokenKey>>,
    pub limits: Arc<RateLimits>,
    pub settings: Arc<Settings>,
    /// Cancelled when the server starts shutting down; streams close on it.
    pub shutdown: CancellationToken,
    /// Live WebSocket streams, awaited on shutdown.
    pub streams: TaskTracker,
    pub metrics: PrometheusHandle,
    /// Sends verification codes (P1).
    pub mailer: Arc<dyn mail::Mailer>,
    /// The account tools behind the policy engine, for the AI agent and the agent
    /// console.
    pub tools: Arc<Tools>,
    /// The AI agent's models and help centre; without it the AI stays silent.
    pub brain: Option<agent::Brain>,
    /// Offers, console presence and list changes (see [`router`]).
    pub router: Arc<router::Router>,
}

impl AppState {
    pub fn new(
        store: Arc<dyn Store>,
        bus: Arc<dyn EventBus>,
        clock: Arc<dyn Clock>,
        settings: Settings,
    ) -> Self {
        let mailer = mail::for_settings(&settings, &store, &clock);
        let settings_routing = settings.routing;
        let tools = Arc::new(Tools::new(
            Arc::new(BuiltinLedger::new(Arc::clone(&store))),
            Arc::clone(&store),
        ));
        Self {
            store,
            bus,
            clock,
            customer_tokens: settings
                .customer_token_secret
                .as_ref()
                .map(|s| Arc::new(CustomerTokenKey::new(s))),
            limits: Arc::new(RateLimits::new(settings.rate_limits)),
            settings: Arc::new(settings),
            shutdown: CancellationToken::new(),
            streams: TaskTracker::new(),
            metrics: metrics::recorder(),
            mailer,
            tools,
            brain: None,
            router: Arc::new(router::Router::new(settings_routing)),
        }
    }

    /// Lets the AI agent answer customers.
    pub fn with_agent(mut self, brain: agent::Brain) -> Self {
        self.brain = Some(brain);
        self
    }

    /// Uses `backend` for account data instead of the built-in ledger (e.g. a company's
    /// own backend through the HTTP adapter).
    pub fn with_account_backend(mut self, backend: Arc<dyn AccountBackend>) -> Self {
        self.tools = Arc::new(Tools::new(backend, Arc::clone(&self.store)));
        self
    }
}

/// The whole HTTP application.
pub fn app(state: AppState) -> Router {
    use axum::routing::put;
    use routes::{agent as a, assets, conversations as c, demo, identity, mailbox, ops, stream};

    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::POST, Method::PUT])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .expose_headers([HeaderName::from_static("retry-after")]);
    let api = Router::new()
        .route("/audit", get(routes::audit::list_audit))
        .route("/conversations", post(c::create_conversation))
        .route("/conversations/{id}", get(c::get_conversation))
        .route("/conversations/{id}/messages", post(c::post_message))
        .route("/conversations/{id}/events", get(c::list_events))
        .route("/conversations/{id}/ws", get(stream::conversation_ws))
        .route("/conversations/{id}/handoff", post(c::request_handoff))
        .route("/conversations/{id}/close", post(c::close_conversation))
        .route("/conversations/{id}/csat", post(c::rate_conversation))
        .route("/conversations/{id}/follow-up", post(c::leave_follow_up))
        .route("/auth/login", post(a::login))
        .route("/auth/logout", post(a::logout))
        .route("/agent/me", get(a::me))
        .route("/agent/status", put(a::set_status))
        .route("/agent/capacity", put(a::set_capacity))
        .route("/agent/shifts", put(a::set_shifts))
        .route("/agent/team", get(a::team))
        .route("/agent/canned", get(a::canned))
        .route("/agent/ws", get(routes::agent_ws::agent_ws))
        .route("/agent/conversations", get(a::list_conversations))
        .route("/agent/conversations/{id}", get(a::conversation_detail))
        .route("/agent/conversations/{id}/claim", post(a::claim))
        .route("/agent/conversations/{id}/messages", post(a::post_message))
        .route("/agent/conversations/{id}/notes", post(a::post_note))
        .route("/agent/conversations/{id}/transfer", post(a::transfer))
        .route("/agent/conversations/{id}/handback", post(a::hand_back))
        .route("/agent/conversations/{id}/resolve", post(a::resolve))
        .route("/agent/conversations/{id}/copilot", get(a::copilot))
        .route("/agent/conversations/{id}/tools", post(a::run_tool))
        .route(
            "/agent/conversations/{id}/tools/confirm",
            post(a::confirm_tool),
        )
        .route(
            "/conversations/{id}/verification/email",
            post(identity::request_email_code),
        )
        .route(
            "/conversations/{id}/verification/code",
            post(identity::verify_email_code),
        )
        .layer(cors)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            rate_limit::limit_by_ip,
        ));

    let mut router = Router::new()
        .nest("/api/v1", api)
        .route("/api/openapi.json", get(ops::openapi))
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .route("/", get(assets::index))
        .route("/widget.js", get(assets::widget))
        .route("/console", get(assets::console))
        .route("/assets/{*path}", get(assets::asset));
    if state.settings.demo {
        router = router
            .route("/demo/customers", get(demo::list_customers))
            .route("/demo/customer-token", get(demo::customer_token))
            .route("/demo/mailbox", get(mailbox::list_demo_mail))
            .route("/demo/mailbox/page", get(mailbox::demo_mailbox_page));
    }
    router
        .fallback(|| async { ApiError::new(ErrorCode::NotFound, "no such route") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                ErrorCode::MethodNotAllowed,
                "this route does not take that method",
            )
        })
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .layer(axum::middleware::from_fn(metrics::track))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves `app(state)` on `listener` until `shutdown` resolves; then stops accepting,
/// finishes in-flight requests, closes WebSocket streams with "going away", and returns
/// once all of them ended.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let token = state.shutdown.clone();
    let signal = async move {
        shutdown.await;
        tracing::info!("shutting down: draining requests and streams");
        token.cancel();
    };
    let limits = Arc::clone(&state.limits);
    let janitor_stop = state.shutdown.clone();
    let janitor = tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tokio::select! {
                () = janitor_stop.cancelled() => return,
                _ = tick.tick() => limits.forget_idle(),
            }
        }
    });
    let routing = tokio::spawn(router::run(state.clone()));
    let streams = state.streams.clone();
    let service = app(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(signal)
        .await?;
    streams.close();
    streams.wait().await;
    janitor.abort();
    routing.abort();
    Ok(())
}
