//! The settings of [`super::HttpBackend`]: base URL, paths, timeout, retries, token.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

/// A bearer token for the company's backend. Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct BearerToken(String);

impl BearerToken {
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BearerToken(***)")
    }
}

/// Where each call goes, relative to the base URL. `{customer}`, `{order}` and
/// `{merchant}` are replaced by the (percent-encoded) id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractPaths {
    routes: BTreeMap<&'static str, String>,
}

/// Route names with their default paths and the placeholder each must contain.
const ROUTES: &[(&str, &str, Option<&str>)] = &[
    (
        "customer_orders",
        "/customers/{customer}/orders",
        Some("{customer}"),
    ),
    ("order", "/orders/{order}", Some("{order}")),
    ("merchant", "/merchants/{merchant}", Some("{merchant}")),
    ("extend_due_date", "/operations/extend_due_date", None),
    ("report_return", "/operations/report_return", None),
    ("open_dispute", "/operations/open_dispute", None),
    ("send_payment_link", "/operations/send_payment_link", None),
    (
        "request_account_deletion",
        "/operations/request_account_deletion",
        None,
    ),
];

impl Default for ContractPaths {
    fn default() -> Self {
        Self {
            routes: ROUTES
                .iter()
                .map(|(name, path, _)| (*name, (*path).to_owned()))
                .collect(),
        }
    }
}

impl ContractPaths {
    /// The route names that can be overridden.
    pub fn names() -> impl Iterator<Item = &'static str> {
        ROUTES.iter().map(|(name, _, _)| *name)
    }

    /// Replaces the path of route `name` (one of [`ContractPaths::names`]).
    pub fn set(&mut self, name: &str, path: &str) -> Result<(), HttpConfigError> {
        let bad = |why: String| HttpConfigError::Path {
            name: name.to_owned(),
            why,
        };
        let Some((key, _, placeholder)) = ROUTES.iter().find(|(n, _, _)| *n == name) else {
            return Err(bad(format!(
                "unknown route; known routes: {}",
                Self::names().collect::<Vec<_>>().join(", ")
            )));
        };
        if !path.starts_with('/') || path.contains(['?', '#', ' ']) {
            return Err(bad(format!(
                "{path:?} must start with / and hold no query, fragment or spaces"
            )));
        }
        if let Some(p) = placeholder
            && !path.contains(p)
        {
            return Err(bad(format!("{path:?} must contain {p}")));
        }
        self.routes.insert(key, path.to_owned());
        Ok(())
    }

    pub fn get(&self, name: &str) -> &str {
        self.routes.get(name).map_or("", String::as_str)
    }

    pub(crate) fn with_id(&self, name: &str, placeholder: &str, id: &str) -> String {
        self.get(name).replace(placeholder, &percent_encode(id))
    }
}

/// Ids are ASCII letters, digits, `_` and `-` already; anything else is encoded anyway.
fn percent_encode(raw: &str) -> String {
    raw.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq)]
pub struct HttpBackendConfig {
    /// `https://ledger.example.com/tandem` (http:// for a backend on the same host).
    pub base_url: String,
    pub paths: ContractPaths,
    /// For each attempt, from connecting to the last byte of the answer.
    pub timeout: Duration,
    /// Extra attempts of a read after a network failure, timeout, 429 or 5xx.
    pub read_retries: u32,
    /// The pause before the first retry; it doubles for each further one.
    pub retry_backoff: Duration,
    /// Sent as `Authorization: Bearer <token>`.
    pub token: Option<BearerToken>,
}

impl HttpBackendConfig {
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
    pub const DEFAULT_READ_RETRIES: u32 = 2;

    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            paths: ContractPaths::default(),
            timeout: Self::DEFAULT_TIMEOUT,
            read_retries: Self::DEFAULT_READ_RETRIES,
            retry_backoff: Duration::from_millis(100),
            token: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum HttpConfigError {
    #[error("ledger base_url {0:?} must start with http:// or https:// and hold no query")]
    BaseUrl(String),
    #[error("ledger path {name:?}: {why}")]
    Path { name: String, why: String },
    #[error("ledger token: {0}")]
    Token(String),
    #[error("building the HTTP client: {0}")]
    Client(String),
}
