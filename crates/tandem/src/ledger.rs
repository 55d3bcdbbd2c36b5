//! The ledger seen from the command line: `tandem ledger serve` serves the built-in
//! ledger over the ledger contract (docs/ledger-contract.md), and [`backend`] picks the
//! ledger `tandem serve` uses.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, bail};
use tandem_domain::SystemClock;
use tandem_store::Store;
use tandem_tools::{AccountBackend, BuiltinLedger, HttpBackend, ledger_server};
use tokio::net::TcpListener;

use crate::config::Config;
use crate::run::{OpenStore, init_logging, seed_demo_world, shutdown_signal};

/// `tandem ledger serve` as the command line gave it.
#[derive(Debug)]
pub struct ServeOptions {
    pub addr: SocketAddr,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub seed_demo: bool,
    pub log_json: bool,
}

/// Serves the built-in ledger over the contract until SIGTERM or Ctrl-C.
pub async fn serve(options: ServeOptions) -> anyhow::Result<()> {
    init_logging(options.log_json);
    if !options.addr.ip().is_loopback() {
        bail!(
            "tandem ledger serve listens only on loopback (127.0.0.1 or ::1), not {}: the contract has no authentication of its own",
            options.addr
        );
    }
    let mut config = Config::default();
    if let Some(dir) = options.data_dir {
        config.store.data_dir = dir;
    }
    config.store.database_url = options.database_url;
    config.validate()?;
    let store = OpenStore::open(&config).await?;
    let shared = store.shared();
    if options.seed_demo {
        seed_demo_world(shared.as_ref())
            .await
            .context("seeding the demo ledger")?;
    }
    let listener = TcpListener::bind(options.addr)
        .await
        .with_context(|| format!("listening on {}", options.addr))?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, "serving the built-in ledger over the ledger contract");
    ledger_server::serve(
        listener,
        Arc::new(BuiltinLedger::new(shared)),
        Arc::new(SystemClock),
        shutdown_signal(),
    )
    .await
    .context("serving the ledger")?;
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// The ledger backend the configuration names (`[ledger]`), logged at start-up.
pub fn backend(config: &Config, store: &Arc<dyn Store>) -> anyhow::Result<Arc<dyn AccountBackend>> {
    match config.http_ledger()? {
        Some(http) => {
            let base_url = http.base_url.clone();
            let backend = HttpBackend::new(http).context("invalid [ledger] settings")?;
            tracing::info!(%base_url, "ledger: the company's backend over HTTP");
            Ok(Arc::new(backend))
        }
        None => {
            tracing::info!("ledger: built-in (in the store)");
            Ok(Arc::new(BuiltinLedger::new(Arc::clone(store))))
        }
    }
}
