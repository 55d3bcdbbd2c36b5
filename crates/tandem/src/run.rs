//! Start-up: logging, the store, the server, signals.

use std::sync::Arc;

use anyhow::{Context, bail};
use tandem_domain::SystemClock;
use tandem_server::bus::LocalBus;
use tandem_server::tokens::Secret;
use tandem_server::{AppState, Settings};
use tandem_store::Store;
use tandem_store_postgres::PostgresStore;
use tandem_store_sqlite::SqliteStore;
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

use crate::config::{Config, is_postgres};

pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

pub(crate) fn init_logging(json: bool) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if json {
        builder.json().flatten_event(true).init();
    } else {
        builder.init();
    }
}

/// The store the configuration names, with a closer for shutdown.
pub(crate) enum OpenStore {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl OpenStore {
    pub(crate) async fn open(config: &Config) -> anyhow::Result<Self> {
        match &config.store.database_url {
            Some(url) if is_postgres(url) => {
                let store = PostgresStore::connect(url, config.store.postgres_max_connections)
                    .await
                    .context("connecting to PostgreSQL")?;
                tracing::info!("store: PostgreSQL");
                Ok(Self::Postgres(store))
            }
            Some(url) => {
                let store = SqliteStore::open_url(url)
                    .await
                    .with_context(|| format!("opening SQLite at {url}"))?;
                tracing::info!(url, "store: SQLite");
                Ok(Self::Sqlite(store))
            }
            None => {
                let dir = &config.store.data_dir;
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating data dir {}", dir.display()))?;
                let path = dir.join("tandem.db");
                let store = SqliteStore::open(&path)
                    .await
                    .with_context(|| format!("opening {}", path.display()))?;
                tracing::info!(path = %path.display(), "store: SQLite");
                Ok(Self::Sqlite(store))
            }
        }
    }

    pub(crate) fn shared(&self) -> Arc<dyn Store> {
        match self {
            Self::Sqlite(s) => Arc::new(s.clone()),
            Self::Postgres(s) => Arc::new(s.clone()),
        }
    }

    pub(crate) async fn close(&self) {
        match self {
            Self::Sqlite(s) => s.close().await,
            Self::Postgres(s) => s.close().await,
        }
    }
}

pub(crate) async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}

async fn run(config: Config, settings: Settings, seed_demo: bool) -> anyhow::Result<()> {
    let store = OpenStore::open(&config).await?;
    let shared = store.shared();
    let ledger = crate::ledger::backend(&config, &shared)?;
    if seed_demo {
        seed_demo_world(shared.as_ref())
            .await
            .context("seeding the demo world")?;
        seed_demo_agents(shared.as_ref())
            .await
            .context("seeding the demo team")?;
    }
    let listener = TcpListener::bind(config.server.addr)
        .await
        .with_context(|| format!("listening on {}", config.server.addr))?;
    let addr = listener.local_addr()?;
    let state = AppState::new(
        shared,
        Arc::new(LocalBus::new()),
        Arc::new(SystemClock),
        settings,
    )
    .with_account_backend(ledger);
    let state = match load_agent(&config).await? {
        Some(brain) => state.with_agent(brain),
        None => state,
    };
    if seed_demo {
        println!("tandem demo is running:");
        println!("  demo page (widget):  http://{addr}/");
        println!("  demo mailbox:        http://{addr}/demo/mailbox/page");
        println!(
            "  agent console:       http://{addr}/console  (agent1@acme.test .. agent4@acme.test, password \"demo\")"
        );
        println!("  API description:     http://{addr}/api/openapi.json");
        println!("  health / metrics:    http://{addr}/healthz  http://{addr}/metrics");
        println!("Press Ctrl-C to stop.");
    }
    tracing::info!(%addr, "listening");
    tandem_server::serve(listener, state, shutdown_signal()).await?;
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// The agent's models and help centre (trained and cached on the first start).
async fn load_agent(config: &Config) -> anyhow::Result<Option<tandem_server::agent::Brain>> {
    if config.agent.disabled {
        tracing::warn!(
            "agent.disabled is set: the AI stays silent and every conversation goes to people"
        );
        return Ok(None);
    }
    let non_empty = |p: &std::path::Path| (!p.as_os_str().is_empty()).then(|| p.to_owned());
    let imported = config.store.data_dir.join("kb");
    let options = tandem_agent::setup::Options {
        encoder_dir: non_empty(&config.agent.encoder_dir),
        kb_dir: non_empty(&config.agent.kb_dir).or_else(|| imported.is_dir().then_some(imported)),
        cache_dir: None,
        lexical_only: config.agent.lexical_only,
    };
    let started = std::time::Instant::now();
    let (nlu, kb) = tokio::task::spawn_blocking(move || tandem_agent::setup::load(&options))
        .await
        .context("loading the agent")??;
    tracing::info!(
        seconds = started.elapsed().as_secs_f64(),
        articles = kb.articles().len(),
        hybrid = kb.is_hybrid(),
        "AI agent ready"
    );
    Ok(Some(tandem_server::agent::Brain { nlu, kb }))
}

/// Seeds the Acme Pay demo world dated from today's wall clock (start-up, not a rule).
/// Customers and merchants are re-written on every start; an order that exists already
/// is kept, so what was done in the demo survives a restart on the same data dir.
pub(crate) async fn seed_demo_world(store: &dyn Store) -> tandem_store::Result<()> {
    let today = tandem_domain::ledger::today(tandem_domain::Clock::now(&SystemClock));
    let world = tandem_domain::demo_ledger::demo_world(today);
    for customer in &world.customers {
        store.upsert_customer(customer).await?;
    }
    for merchant in &world.merchants {
        store.upsert_merchant(merchant).await?;
    }
    for order in &world.orders {
        if store.order(&order.id).await?.is_none() {
            store.put_order(order).await?;
        }
    }
    Ok(())
}

/// Creates the demo support team (password `demo`) unless they exist already.
pub(crate) async fn seed_demo_agents(store: &dyn Store) -> anyhow::Result<()> {
    use tandem_domain::demo::{DEMO_AGENT_PASSWORD, DEMO_AGENTS};
    use tandem_domain::workforce::{Role, Skills};
    let now = tandem_domain::Clock::now(&SystemClock);
    for (name, email, role, skills, max_chats) in DEMO_AGENTS {
        if store.agent_by_email(email).await?.is_some() {
            continue;
        }
        let new = tandem_server::workforce::NewAgent {
            name: (*name).to_owned(),
            email: (*email).to_owned(),
            password: DEMO_AGENT_PASSWORD.to_owned(),
            role: Role::parse(role)?,
            skills: Skills::parse_list(skills)?,
            max_chats: *max_chats,
        };
        tandem_server::workforce::add_agent_unchecked_password(store, new, now)
            .await
            .map_err(|e| anyhow::anyhow!("{}", e.message))?;
    }
    Ok(())
}

pub async fn demo(config: Config) -> anyhow::Result<()> {
    init_logging(config.server.log_json);
    if !config.server.addr.ip().is_loopback() {
        bail!(
            "the demo serves only on loopback (127.0.0.1 or ::1), not {}: it has demo logins and mints customer tokens for anyone. Use `tandem serve` for real use.",
            config.server.addr
        );
    }
    eprintln!(
        "WARNING: demo mode. Demo data and an endpoint that mints customer tokens for anyone are enabled; loopback only, never for real customers."
    );
    let supervisor_token = Secret::random();
    eprintln!(
        "Supervisor token for this run (audit trail: GET /api/v1/audit): {}",
        supervisor_token.expose()
    );
    let settings = Settings {
        demo: true,
        customer_token_secret: Some(Secret::random()),
        rate_limits: config.rate_limit_settings(),
        smtp: None,
        supervisor_token: Some(supervisor_token),
        routing: config.routing_settings(),
    };
    run(config, settings, true).await
}

pub async fn serve(config: Config) -> anyhow::Result<()> {
    init_logging(config.server.log_json);
    let secret = &config.auth.customer_token_secret;
    if secret.is_empty() {
        tracing::warn!(
            "auth.customer_token_secret is not set: conversations cannot be linked to logged-in customers"
        );
    }
    let settings = Settings {
        demo: false,
        customer_token_secret: (!secret.is_empty()).then(|| secret.clone()),
        rate_limits: config.rate_limit_settings(),
        smtp: config.smtp_settings(),
        supervisor_token: Some(config.auth.supervisor_token.clone()).filter(|t| !t.is_empty()),
        routing: config.routing_settings(),
    };
    if settings.smtp.is_none() {
        tracing::warn!(
            "smtp.host is not set: email verification codes cannot be sent (requests answer 503 mail_unavailable)"
        );
    }
    run(config, settings, false).await
}
