//! A conversation between a customer and tandem (the AI, then perhaps a person).

use std::fmt;

use time::OffsetDateTime;

use crate::workforce::{AgentId, QueueEntry};
use crate::{CustomerId, ParseError};

/// A conversation id: a UUID (v7, so ids sort by creation time).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConversationId(String);

impl ConversationId {
    pub fn generate() -> Self {
        Self(uuid::Uuid::now_v7().to_string())
    }

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        uuid::Uuid::parse_str(raw)
            .map(|u| Self(u.to_string()))
            .map_err(|_| ParseError::new("id", "is not a conversation id"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ConversationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a conversation stands.
///
/// ```text
///   ai ──handoff──▶ queued ──assign──▶ assigned
///    ▲                │                  │
///    └──hand back─────┴──────────────────┘      any open state ──close──▶ closed
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConversationState {
    /// The AI answers.
    Ai,
    /// Waiting for a person; the customer keeps their place.
    Queued,
    /// A person has taken over; the AI is silent.
    Assigned,
    /// Ended; the customer may rate it.
    Closed,
}

impl ConversationState {
    pub const OPEN: [ConversationState; 3] = [Self::Ai, Self::Queued, Self::Assigned];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ai => "ai",
            Self::Queued => "queued",
            Self::Assigned => "assigned",
            Self::Closed => "closed",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        Ok(match raw {
            "ai" => Self::Ai,
            "queued" => Self::Queued,
            "assigned" => Self::Assigned,
            "closed" => Self::Closed,
            other => return Err(ParseError::new("state", format!("unknown state {other:?}"))),
        })
    }

    pub fn is_open(self) -> bool {
        self != Self::Closed
    }
}

/// A language tag such as `en`, `sv` or `de-AT`: 2-3 letters, optionally a region.
/// Stored lower-case for the language and upper-case for the region.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Language(String);

impl Language {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let bad = || {
            ParseError::new(
                "language",
                format!("{raw:?} is not a language tag like \"en\" or \"sv-SE\""),
            )
        };
        let mut parts = raw.split(['-', '_']);
        let lang = parts.next().unwrap_or_default();
        if !(2..=3).contains(&lang.len()) || !lang.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(bad());
        }
        let mut tag = lang.to_ascii_lowercase();
        if let Some(region) = parts.next() {
            if region.len() != 2 || !region.bytes().all(|b| b.is_ascii_alphabetic()) {
                return Err(bad());
            }
            tag.push('-');
            tag.push_str(&region.to_ascii_uppercase());
        }
        if parts.next().is_some() {
            return Err(bad());
        }
        Ok(Self(tag))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The primary language without the region: `de-AT` gives `de`.
    pub fn primary(&self) -> &str {
        self.0.split('-').next().unwrap_or(&self.0)
    }
}

/// A conversation as stored. The access token is kept only as a hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversation {
    pub id: ConversationId,
    pub token_hash: String,
    pub customer_id: Option<CustomerId>,
    /// True when the customer was verified (P1), e.g. by the host app's signed token.
    pub verified: bool,
    pub language: Option<Language>,
    pub state: ConversationState,
    /// The seq of the newest event; 0 when there is none.
    pub last_seq: u64,
    /// What the queue asks of a person; kept from the handoff until the conversation
    /// goes back to the AI or closes.
    pub queue: Option<QueueEntry>,
    /// The person who has the conversation (state `assigned`).
    pub assignee: Option<AgentId>,
    /// An email the customer left for a follow-up while waiting (H7).
    pub follow_up_email: Option<String>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip() {
        for s in [
            ConversationState::Ai,
            ConversationState::Queued,
            ConversationState::Assigned,
            ConversationState::Closed,
        ] {
            assert_eq!(ConversationState::parse(s.as_str()), Ok(s));
        }
        assert!(ConversationState::parse("done").is_err());
    }

    #[test]
    fn language_tags() {
        let cases = [
            ("en", Some("en")),
            ("SV", Some("sv")),
            ("de_at", Some("de-AT")),
            ("e", None),
            ("english", None),
            ("en-USA", None),
            ("e1", None),
        ];
        for (raw, want) in cases {
            assert_eq!(
                Language::parse(raw).ok().as_ref().map(Language::as_str),
                want,
                "{raw}"
            );
        }
        assert_eq!(Language::parse("de-AT").unwrap().primary(), "de");
    }

    #[test]
    fn conversation_ids() {
        let id = ConversationId::generate();
        assert_eq!(ConversationId::parse(id.as_str()), Ok(id));
        assert!(ConversationId::parse("../etc").is_err());
    }
}
