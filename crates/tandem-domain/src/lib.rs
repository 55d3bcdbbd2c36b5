//! The words of tandem's domain as Rust types: conversations, their events, customers,
//! money and time. Everything here is plain data and pure rules.
//!
//! Architecture Invariant: this crate does no I/O (no files, no network, no clock reads).
//! Time reaches it through the [`Clock`] trait, implemented outside or injected in tests.
//!
//! Layout:
//! - [`conversation`]: a conversation, its states and the transitions between them.
//! - [`event`]: the append-only event log entries (`message`, `handoff`, `closed`, ...).
//! - [`text`]: validated message text and client message ids.
//! - [`customer`]: customers as the conversation core knows them.
//! - [`money`]: money as integer minor units with an ISO 4217 currency.
//! - [`card`]: masking card numbers and IBANs (P12).
//! - [`clock`]: the injectable clock.
//! - [`demo`]: the Acme Pay demo personas.
//! - [`demo_ledger`]: the Acme Pay demo ledger: customers, merchants and orders in every state.
//! - [`identity`]: email one-time codes (P1): the code, the policy, the pure decisions.
//! - [`ledger`]: the BNPL ledger (orders, installments, returns, disputes) and rules P1-P14.
//! - [`workforce`]: agents, roles, skills, presence, shifts, queue entries.
//! - [`routing`]: the router's pure decisions: fit, offers, queue standing and wait.

#![forbid(unsafe_code)]

/// An enum whose variants have fixed snake_case names: `as_str`, `parse` (with a
/// [`ParseError`] naming the type), `ALL`, `Display`, and serde under the same names.
macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name { $(#[serde(rename = $text)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(raw: &str) -> Result<Self, $crate::ParseError> {
                match raw {
                    $($text => Ok($name::$variant),)+
                    other => Err($crate::ParseError::new(stringify!($name), format!("unknown value {other:?}"))),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub mod card;
pub mod clock;
pub mod conversation;
pub mod customer;
pub mod demo;
pub mod demo_ledger;
pub mod event;
pub mod identity;
pub mod ledger;
pub mod money;
pub mod routing;
pub mod text;
pub mod workforce;

pub use clock::{Clock, FixedClock, SystemClock};
pub use conversation::{Conversation, ConversationId, ConversationState, Language};
pub use customer::{Customer, CustomerId, Market};
pub use event::{
    Author, Awaiting, Csat, CsatScore, Event, EventDraft, EventKind, Handoff, HandoffReason,
    Priority, QuickReply, ToolCall,
};
pub use money::{Currency, Money};
pub use text::{ClientMsgId, MessageText};

/// Whether `raw` is a plain id: 1-64 ASCII letters, digits, `_` and `-` (customer and
/// agent ids).
pub(crate) fn is_plain_id(raw: &str) -> bool {
    !raw.is_empty()
        && raw.len() <= 64
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// A value that failed to parse at the edge, with a message fit for the person who sent it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ParseError {
    pub field: &'static str,
    pub message: String,
}

impl ParseError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}
