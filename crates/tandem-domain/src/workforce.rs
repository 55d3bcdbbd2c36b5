//! The people who answer customers: accounts, roles, skills, presence, planned shifts,
//! and what a queued conversation asks of whoever takes it.

use std::collections::BTreeSet;
use std::fmt;

use time::{Duration, OffsetDateTime};

use crate::{HandoffReason, Language, ParseError, Priority};

/// An agent's id, e.g. `agt_0193...`: 1-64 characters of ASCII letters, digits, `_`, `-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AgentId(String);

impl AgentId {
    pub fn generate() -> Self {
        Self(format!("agt_{}", uuid::Uuid::now_v7().simple()))
    }

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        if crate::is_plain_id(raw) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(ParseError::new(
                "agent",
                format!("{raw:?} is not an agent id"),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AgentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

string_enum!(
    /// What an account may do. Supervisors and admins see every open conversation.
    Role { Agent = "agent", Supervisor = "supervisor", Admin = "admin" }
);

impl Role {
    /// Sees every open conversation, the audit trail and the stats.
    pub fn oversees(self) -> bool {
        matches!(self, Role::Supervisor | Role::Admin)
    }
}

string_enum!(
    /// Whether an agent takes conversations now.
    Presence { Online = "online", Away = "away", Offline = "offline" }
);

/// A skill: a language (`en`), a market (`se`) or a topic (`fraud`, `vulnerable`,
/// `disputes`); 1-32 lower-case ASCII letters, digits and `-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Skill(String);

impl Skill {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let skill = raw.trim().to_ascii_lowercase();
        let ok = !skill.is_empty()
            && skill.len() <= 32
            && skill
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if ok {
            Ok(Self(skill))
        } else {
            Err(ParseError::new(
                "skills",
                format!("{raw:?} is not a skill (letters, digits and '-', up to 32)"),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A set of skills, kept sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Skills(BTreeSet<Skill>);

impl Skills {
    /// Parses a comma-separated list such as `en,sv,fraud`; empty items are refused.
    pub fn parse_list(raw: &str) -> Result<Self, ParseError> {
        if raw.trim().is_empty() {
            return Ok(Self::default());
        }
        raw.split(',').map(Skill::parse).collect()
    }

    pub fn contains(&self, skill: &Skill) -> bool {
        self.0.contains(skill)
    }

    /// Whether every skill of `required` is here.
    pub fn covers(&self, required: &Skills) -> bool {
        required.0.is_subset(&self.0)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Skill> {
        self.0.iter()
    }

    pub fn insert(&mut self, skill: Skill) {
        self.0.insert(skill);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The comma-separated form, as stored.
    pub fn to_list(&self) -> String {
        self.0
            .iter()
            .map(Skill::as_str)
            .collect::<Vec<_>>()
            .join(",")
    }
}

impl FromIterator<Skill> for Skills {
    fn from_iter<I: IntoIterator<Item = Skill>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

/// The most conversations one person can be asked to hold at once.
pub const MAX_CHATS_LIMIT: u32 = 10;

/// A person's account. The password is kept only as an argon2id PHC string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentAccount {
    pub id: AgentId,
    pub name: String,
    /// Lower-case; unique.
    pub email: String,
    pub password_hash: String,
    pub role: Role,
    pub skills: Skills,
    /// Concurrent conversations, 1 to [`MAX_CHATS_LIMIT`].
    pub max_chats: u32,
    pub presence: Presence,
    pub presence_since: OffsetDateTime,
    pub created_at: OffsetDateTime,
}

/// A session of a logged-in person; the token is kept only as a hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentSession {
    pub token_hash: String,
    pub agent: AgentId,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

/// A window in which an agent plans to be available (set by the agent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shift {
    pub starts_at: OffsetDateTime,
    pub ends_at: OffsetDateTime,
}

/// The shortest and longest shift accepted, and how many one agent can plan.
pub const MIN_SHIFT: Duration = Duration::minutes(15);
pub const MAX_SHIFT: Duration = Duration::hours(12);
pub const MAX_SHIFTS: usize = 60;

impl Shift {
    pub fn new(starts_at: OffsetDateTime, ends_at: OffsetDateTime) -> Result<Self, ParseError> {
        let length = ends_at - starts_at;
        if length < MIN_SHIFT || length > MAX_SHIFT {
            return Err(ParseError::new(
                "shifts",
                "a shift lasts from 15 minutes to 12 hours and ends after it starts",
            ));
        }
        Ok(Self { starts_at, ends_at })
    }

    pub fn contains(&self, at: OffsetDateTime) -> bool {
        self.starts_at <= at && at < self.ends_at
    }
}

/// Sorts shifts and checks that they do not overlap and are not too many.
pub fn validate_shifts(mut shifts: Vec<Shift>) -> Result<Vec<Shift>, ParseError> {
    if shifts.len() > MAX_SHIFTS {
        return Err(ParseError::new(
            "shifts",
            format!("at most {MAX_SHIFTS} shifts can be planned"),
        ));
    }
    shifts.sort_by_key(|s| s.starts_at);
    if shifts.windows(2).any(|w| w[1].starts_at < w[0].ends_at) {
        return Err(ParseError::new("shifts", "shifts must not overlap"));
    }
    Ok(shifts)
}

/// What a queued conversation asks of the person who takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueEntry {
    pub priority: Priority,
    /// Skills the person should have: the customer's language, and a topic for fraud,
    /// vulnerability and disputes.
    pub skills: Skills,
    pub reason: HandoffReason,
    /// When the conversation entered the queue (kept across transfers back to the queue,
    /// so nobody loses their place).
    pub since: OffsetDateTime,
}

impl QueueEntry {
    /// The skills a handoff needs (DOMAIN.md H2, H3): the conversation's language, plus
    /// `fraud` or `vulnerable` by reason, plus `disputes` when the errand is a dispute.
    pub fn skills_for(reason: HandoffReason, language: Option<&Language>, dispute: bool) -> Skills {
        let mut skills = Skills::default();
        let lang = language.map_or("en", Language::primary);
        if let Ok(s) = Skill::parse(lang) {
            skills.insert(s);
        }
        let topic = match reason {
            HandoffReason::Fraud => Some("fraud"),
            HandoffReason::Vulnerable => Some("vulnerable"),
            _ if dispute => Some("disputes"),
            _ => None,
        };
        if let Some(t) = topic {
            skills.insert(Skill(t.to_owned()));
        }
        skills
    }
}

/// Queue order: urgent before high before normal, then the longest wait.
pub fn priority_rank(p: Priority) -> u8 {
    match p {
        Priority::Urgent => 0,
        Priority::High => 1,
        Priority::Normal => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn skills_parse_normalise_and_cover() {
        let agent = Skills::parse_list(" EN, sv ,fraud").unwrap();
        assert_eq!(agent.to_list(), "en,fraud,sv");
        assert!(agent.covers(&Skills::parse_list("sv,fraud").unwrap()));
        assert!(!agent.covers(&Skills::parse_list("de").unwrap()));
        assert!(agent.covers(&Skills::default()));
        assert!(Skills::parse_list("en,,sv").is_err());
        assert!(Skills::parse_list("en;sv").is_err());
        assert_eq!(Skills::parse_list("").unwrap(), Skills::default());
    }

    #[test]
    fn agent_ids() {
        let id = AgentId::generate();
        assert!(id.as_str().starts_with("agt_"));
        assert_eq!(AgentId::parse(id.as_str()), Ok(id));
        assert!(AgentId::parse("../x").is_err());
    }

    #[test]
    fn handoffs_ask_for_language_and_topic() {
        let sv = Language::parse("sv-SE").unwrap();
        let s = QueueEntry::skills_for(HandoffReason::Fraud, Some(&sv), false);
        assert_eq!(s.to_list(), "fraud,sv");
        let s = QueueEntry::skills_for(HandoffReason::Vulnerable, None, false);
        assert_eq!(s.to_list(), "en,vulnerable");
        let s = QueueEntry::skills_for(HandoffReason::PolicyException, None, true);
        assert_eq!(s.to_list(), "disputes,en");
        let s = QueueEntry::skills_for(HandoffReason::HumanRequest, None, false);
        assert_eq!(s.to_list(), "en");
    }

    #[test]
    fn shifts_are_checked() {
        let at = datetime!(2026-12-01 08:00 UTC);
        assert!(Shift::new(at, at + Duration::minutes(10)).is_err());
        assert!(Shift::new(at, at - Duration::hours(1)).is_err());
        assert!(Shift::new(at, at + Duration::hours(13)).is_err());
        let a = Shift::new(at, at + Duration::hours(4)).unwrap();
        let b = Shift::new(at + Duration::hours(3), at + Duration::hours(6)).unwrap();
        let c = Shift::new(at + Duration::hours(4), at + Duration::hours(6)).unwrap();
        assert!(validate_shifts(vec![b, a]).is_err());
        assert_eq!(validate_shifts(vec![c, a]).unwrap(), vec![a, c]);
        assert!(a.contains(at) && !a.contains(at + Duration::hours(4)));
    }
}
