//! The append-only event log of a conversation. Every event has a gapless,
//! per-conversation `seq` starting at 1, assigned by the store when it commits.
//!
//! The structured parts of an event (quick replies, tool calls, handoff, CSAT) derive
//! serde so that stores can keep them as one JSON column; the HTTP wire format is defined
//! separately in the server crate.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::{ClientMsgId, Language, MessageText, ParseError};

string_enum!(
    /// What an event is.
    EventKind {
        Message = "message",
        Handoff = "handoff",
        Assigned = "assigned",
        Typing = "typing",
        Note = "note",
        Closed = "closed",
        Csat = "csat",
    }
);

string_enum!(
    /// Who wrote an event.
    Author { Customer = "customer", Ai = "ai", Agent = "agent", System = "system" }
);

string_enum!(
    /// The piece of information a reply waits for (the keys of eval/FORMAT.md).
    Awaiting {
        Confirm = "confirm",
        Order = "order",
        Email = "email",
        Otp = "otp",
        Reason = "reason",
        MerchantContacted = "merchant_contacted",
        Details = "details",
    }
);

string_enum!(
    /// Why a conversation went to a person (DOMAIN.md H rules).
    HandoffReason {
        HumanRequest = "human_request",
        Fraud = "fraud",
        Vulnerable = "vulnerable",
        PolicyException = "policy_exception",
        NotUnderstood = "not_understood",
        Frustration = "frustration",
    }
);

string_enum!(
    /// Queue priority: urgent before high before normal, then the longest wait.
    Priority { Urgent = "urgent", High = "high", Normal = "normal" }
);

/// A button the customer can press instead of typing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuickReply {
    pub label: String,
    /// The text sent when pressed.
    pub value: String,
}

/// A tool call made while producing an event, as recorded on the event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolCall {
    pub tool: String,
    pub args: serde_json::Value,
    /// False when a rule refused the call.
    pub ok: bool,
}

/// A move to the human queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handoff {
    pub reason: HandoffReason,
    pub priority: Priority,
    /// What the person taking over reads first (H8).
    pub summary: String,
}

/// A CSAT score from 1 (very unhappy) to 5 (very happy).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct CsatScore(u8);

impl CsatScore {
    pub fn parse(raw: i64) -> Result<Self, ParseError> {
        match u8::try_from(raw) {
            Ok(score @ 1..=5) => Ok(Self(score)),
            _ => Err(ParseError::new(
                "score",
                "must be a whole number from 1 to 5",
            )),
        }
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for CsatScore {
    type Error = ParseError;
    fn try_from(v: u8) -> Result<Self, ParseError> {
        Self::parse(i64::from(v))
    }
}

impl From<CsatScore> for u8 {
    fn from(s: CsatScore) -> u8 {
        s.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Csat {
    pub score: CsatScore,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// The structured parts of an event, stored together.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EventExtras {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quick_replies: Vec<QuickReply>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tool_calls: Vec<ToolCall>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handoff: Option<Handoff>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csat: Option<Csat>,
    /// On the AI's last message of a turn: what the AI agent remembers for the next turn
    /// (its dialogue state). Kept in the log so any server can continue the conversation;
    /// never sent to the customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_state: Option<serde_json::Value>,
    /// On a `closed` event by a person: the contact reason they resolved it with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_reason: Option<String>,
}

impl EventExtras {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// An event before the store gives it a seq.
#[derive(Debug, Clone, PartialEq)]
pub struct EventDraft {
    pub at: OffsetDateTime,
    pub kind: EventKind,
    pub author: Author,
    /// The agent's id for agent events.
    pub author_id: Option<String>,
    pub text: Option<String>,
    pub language: Option<Language>,
    pub awaiting: Option<Awaiting>,
    pub extras: EventExtras,
    /// The sender's idempotency key (customer and agent messages).
    pub client_msg_id: Option<ClientMsgId>,
    /// For events produced in answer to a message: that message's seq. Set by the store
    /// when the message is appended in the same batch (see `Store::append`).
    pub in_reply_to: Option<u64>,
}

impl EventDraft {
    pub fn new(at: OffsetDateTime, kind: EventKind, author: Author) -> Self {
        Self {
            at,
            kind,
            author,
            author_id: None,
            text: None,
            language: None,
            awaiting: None,
            extras: EventExtras::default(),
            client_msg_id: None,
            in_reply_to: None,
        }
    }

    pub fn customer_message(at: OffsetDateTime, text: MessageText, id: ClientMsgId) -> Self {
        Self {
            text: Some(text.into_string()),
            client_msg_id: Some(id),
            ..Self::new(at, EventKind::Message, Author::Customer)
        }
    }

    pub fn handoff(at: OffsetDateTime, handoff: Handoff, notice: String) -> Self {
        Self {
            text: Some(notice),
            extras: EventExtras {
                handoff: Some(handoff),
                ..EventExtras::default()
            },
            ..Self::new(at, EventKind::Handoff, Author::System)
        }
    }

    pub fn closed(at: OffsetDateTime, by: Author, notice: String) -> Self {
        Self {
            text: Some(notice),
            ..Self::new(at, EventKind::Closed, by)
        }
    }

    pub fn csat(at: OffsetDateTime, csat: Csat) -> Self {
        Self {
            extras: EventExtras {
                csat: Some(csat),
                ..EventExtras::default()
            },
            ..Self::new(at, EventKind::Csat, Author::Customer)
        }
    }
}

/// A committed event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub seq: u64,
    pub at: OffsetDateTime,
    pub kind: EventKind,
    pub author: Author,
    pub author_id: Option<String>,
    pub text: Option<String>,
    pub language: Option<Language>,
    pub awaiting: Option<Awaiting>,
    pub extras: EventExtras,
    pub client_msg_id: Option<ClientMsgId>,
    pub in_reply_to: Option<u64>,
}

impl Event {
    pub fn from_draft(seq: u64, d: EventDraft) -> Self {
        Self {
            seq,
            at: d.at,
            kind: d.kind,
            author: d.author,
            author_id: d.author_id,
            text: d.text,
            language: d.language,
            awaiting: d.awaiting,
            extras: d.extras,
            client_msg_id: d.client_msg_id,
            in_reply_to: d.in_reply_to,
        }
    }

    /// Whether customers may see this event (internal notes are for agents only).
    pub fn visible_to_customer(&self) -> bool {
        self.kind != EventKind::Note
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_round_trip_through_text() {
        for k in EventKind::ALL {
            assert_eq!(EventKind::parse(k.as_str()), Ok(*k));
        }
        for a in Author::ALL {
            assert_eq!(Author::parse(a.as_str()), Ok(*a));
        }
        for a in Awaiting::ALL {
            assert_eq!(Awaiting::parse(a.as_str()), Ok(*a));
        }
        assert!(EventKind::parse("Message").is_err());
    }

    #[test]
    fn csat_scores() {
        for (raw, ok) in [
            (0, false),
            (1, true),
            (5, true),
            (6, false),
            (-1, false),
            (300, false),
        ] {
            assert_eq!(CsatScore::parse(raw).is_ok(), ok, "{raw}");
        }
    }

    #[test]
    fn extras_serialise_compactly() {
        assert_eq!(
            serde_json::to_string(&EventExtras::default()).unwrap(),
            "{}"
        );
        let extras = EventExtras {
            csat: Some(Csat {
                score: CsatScore::parse(4).unwrap(),
                comment: None,
            }),
            ..EventExtras::default()
        };
        let json = serde_json::to_string(&extras).unwrap();
        assert_eq!(json, r#"{"csat":{"score":4}}"#);
        assert_eq!(serde_json::from_str::<EventExtras>(&json).unwrap(), extras);
    }
}
