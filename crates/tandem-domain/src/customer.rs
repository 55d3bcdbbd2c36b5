//! Customers as the conversation core knows them. The ledger (accounts, orders) builds on
//! the same id.

use std::fmt;

use crate::{Language, ParseError};

/// A customer id, e.g. `cus_anna`: 1-64 characters of ASCII letters, digits, `_` and `-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CustomerId(String);

impl CustomerId {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        if crate::is_plain_id(raw) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(ParseError::new(
                "customer",
                format!("{raw:?} is not a customer id"),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CustomerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A market: an ISO 3166-1 alpha-2 country code such as `SE`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Market(String);

impl Market {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        if raw.len() == 2 && raw.bytes().all(|b| b.is_ascii_alphabetic()) {
            Ok(Self(raw.to_ascii_uppercase()))
        } else {
            Err(ParseError::new(
                "market",
                format!("{raw:?} is not a two-letter country code"),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    pub id: CustomerId,
    pub name: String,
    pub email: String,
    pub market: Market,
    pub language: Language,
}
