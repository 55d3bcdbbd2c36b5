//! The ledger contract: the JSON a company's backend speaks with tandem over HTTP
//! (`docs/ledger-contract.md`). [`crate::HttpBackend`] is its client,
//! [`crate::ledger_server`] serves any [`crate::AccountBackend`] over it.
//!
//! The wire types here are converted by hand from and to the domain types, so the
//! contract does not follow every change of the domain. Amounts are decimal strings in
//! the order's currency (`"1200.00"`), dates are `YYYY-MM-DD`, never floats. Readers are
//! tolerant: unknown fields are ignored.

//!
//! Layout:
//! - this file: errors, envelopes, amounts and dates.
//! - `order`: orders and merchants.
//! - `operation`: the bodies of the operations.

mod operation;
mod order;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};
use tandem_domain::{Money, ParseError};
use time::Date;

pub use operation::*;
pub use order::*;

/// A body that does not follow the contract.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    #[error("unknown operation {0:?}")]
    UnknownOperation(String),
    #[error("the body is not valid JSON of the expected shape: {0}")]
    Json(String),
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
}

impl From<ParseError> for WireError {
    fn from(e: ParseError) -> Self {
        Self::Invalid {
            field: e.field.to_owned(),
            message: e.message,
        }
    }
}

impl From<serde_json::Error> for WireError {
    fn from(e: serde_json::Error) -> Self {
        Self::Json(e.to_string())
    }
}

/// The error codes of the contract with their HTTP statuses: one table for server and
/// client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// No order, merchant or route by that name.
    NotFound,
    /// The order changed since it was read (its version differs) or no longer exists.
    Stale,
    /// A malformed id in the path.
    InvalidId,
    /// The body is not JSON of the operation's shape.
    InvalidBody,
    MissingIdempotencyKey,
    UnknownOperation,
    MethodNotAllowed,
    /// The backend cannot answer now; try again later.
    Unavailable,
    Internal,
}

impl ErrorCode {
    pub const ALL: &'static [ErrorCode] = &[
        Self::NotFound,
        Self::Stale,
        Self::InvalidId,
        Self::InvalidBody,
        Self::MissingIdempotencyKey,
        Self::UnknownOperation,
        Self::MethodNotAllowed,
        Self::Unavailable,
        Self::Internal,
    ];

    pub fn as_str(self) -> &'static str {
        self.row().0
    }

    pub fn status(self) -> u16 {
        self.row().1
    }

    fn row(self) -> (&'static str, u16) {
        match self {
            Self::NotFound => ("not_found", 404),
            Self::Stale => ("stale", 409),
            Self::InvalidId => ("invalid_id", 400),
            Self::InvalidBody => ("invalid_body", 400),
            Self::MissingIdempotencyKey => ("missing_idempotency_key", 400),
            Self::UnknownOperation => ("unknown_operation", 404),
            Self::MethodNotAllowed => ("method_not_allowed", 405),
            Self::Unavailable => ("unavailable", 503),
            Self::Internal => ("internal", 500),
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.as_str() == raw)
    }
}

/// `{"error": {"code": "stale", "message": "..."}}`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    pub code: String,
    #[serde(default)]
    pub message: String,
}

/// `{"result": {...}}`: what an operation did, as the backend words it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultBody {
    pub result: serde_json::Value,
}

/// `{"orders": [...]}`, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrdersBody {
    pub orders: Vec<OrderWire>,
}

/// `1200.00`, `-5.50`, `300` (JPY): the amount in its currency's minor-unit digits.
pub fn amount(m: Money) -> String {
    let exp = u32::from(m.currency().exponent());
    let sign = if m.minor() < 0 { "-" } else { "" };
    let abs = m.minor().unsigned_abs();
    if exp == 0 {
        return format!("{sign}{abs}");
    }
    let scale = 10_u64.pow(exp);
    format!(
        "{sign}{}.{:0width$}",
        abs / scale,
        abs % scale,
        width = exp as usize
    )
}

const DATE: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

/// A `YYYY-MM-DD` date.
pub fn date(field: &str, raw: &str) -> Result<Date, WireError> {
    Date::parse(raw, DATE).map_err(|e| WireError::Invalid {
        field: field.to_owned(),
        message: format!("{raw:?} is not a YYYY-MM-DD date: {e}"),
    })
}
