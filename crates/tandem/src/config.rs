//! Layered configuration: compiled-in defaults, then a TOML file, then `TANDEM_*`
//! environment variables (`TANDEM_SERVER__ADDR=0.0.0.0:8080`: sections and keys joined by
//! a double underscore), then command-line flags. Validated at start-up.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use tandem_server::rate_limit::RateLimitSettings;
use tandem_server::tokens::Secret;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub server: ServerConfig,
    pub store: StoreConfig,
    pub auth: AuthConfig,
    pub rate_limits: RateLimitConfig,
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
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct RateLimitConfig {
    pub ip_per_minute: u32,
    pub ip_burst: u32,
    pub conversation_per_minute: u32,
    pub conversation_burst: u32,
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

impl Config {
    /// Defaults, then `file` (if given), then the environment.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Self> {
        Self::load_from(
            file,
            config::Environment::with_prefix("TANDEM")
                .prefix_separator("_")
                .separator("__"),
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
    fn secrets_stay_out_of_debug_output() {
        let mut config = Config::default();
        config.auth.customer_token_secret = Secret::new("very-secret-value");
        assert!(!format!("{config:?}").contains("very-secret-value"));
    }
}
