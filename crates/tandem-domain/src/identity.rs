//! Identity verification by email one-time code (DOMAIN.md P1): the code, the policy
//! (valid 10 minutes, 5 wrong tries lock verification for 15 minutes) and the pure
//! decisions. Time is passed in; hashing and randomness happen outside (the server).
//!
//! Wrong tries are counted per [`LockKey`], not per conversation: the customer when the
//! email is known, the (hashed) email when it is not. So a new conversation cannot get a
//! fresh set of tries, and an unknown email locks exactly like a known one, which keeps
//! the answers the same whether or not an account exists (no enumeration).

use std::fmt;

use time::{Duration, OffsetDateTime};

use crate::{CustomerId, ParseError};

/// A 6-digit one-time code. `Debug` never shows the digits.
#[derive(Clone, PartialEq, Eq)]
pub struct OtpCode(String);

impl OtpCode {
    pub const DIGITS: usize = 6;

    /// Six ASCII digits; spaces and dashes between them are ignored ("482 913", "482-913").
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let bad = || ParseError::new("code", "must be the 6 digits from the email");
        let trimmed = raw.trim();
        let mut digits = String::with_capacity(Self::DIGITS);
        for c in trimmed.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' => {}
                _ => return Err(bad()),
            }
        }
        if digits.len() != Self::DIGITS {
            return Err(bad());
        }
        Ok(Self(digits))
    }

    /// The code numbered `n` (0 to 999,999), zero-padded; `None` above that. The caller
    /// draws `n` uniformly from a cryptographic random generator.
    pub fn from_number(n: u32) -> Option<Self> {
        (n < 1_000_000).then(|| Self(format!("{n:06}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for OtpCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OtpCode(******)")
    }
}

/// An email address as typed by a customer: one `@`, a non-empty local part, a domain with
/// a dot, no spaces, at most 254 characters. Compared case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let email = raw.trim();
        let bad = || ParseError::new("email", format!("{email:?} is not an email address"));
        if email.is_empty() || email.len() > 254 || email.chars().any(char::is_whitespace) {
            return Err(bad());
        }
        let Some((local, domain)) = email.split_once('@') else {
            return Err(bad());
        };
        let domain_ok = domain.contains('.')
            && !domain.contains('@')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..");
        if local.is_empty() || !domain_ok {
            return Err(bad());
        }
        Ok(Self(email.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The lower-case form under which addresses are compared.
    pub fn normalized(&self) -> String {
        self.0.to_lowercase()
    }
}

/// Whose wrong tries are counted together: `customer:<id>` when the email belongs to a
/// customer, `email:<sha-256 of the normalised email>` when it does not.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LockKey(String);

impl LockKey {
    pub fn customer(id: &CustomerId) -> Self {
        Self(format!("customer:{id}"))
    }

    /// `digest` is the hex SHA-256 of [`EmailAddress::normalized`]; the email itself is
    /// not kept.
    pub fn unknown_email(digest: &str) -> Self {
        Self(format!("email:{digest}"))
    }

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        if raw.starts_with("customer:") || raw.starts_with("email:") {
            Ok(Self(raw.to_owned()))
        } else {
            Err(ParseError::new(
                "lock_key",
                format!("{raw:?} is not a lock key"),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How long a code lives and how many wrong tries lock verification for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OtpPolicy {
    /// A code is valid for this long after it was issued (up to, not including, the end).
    pub ttl: Duration,
    /// This many wrong tries in a row lock verification.
    pub max_attempts: u32,
    /// How long a lock lasts. Wrong tries are also forgotten once this long has passed
    /// since the last one.
    pub lock: Duration,
}

impl Default for OtpPolicy {
    fn default() -> Self {
        Self {
            ttl: Duration::minutes(10),
            max_attempts: 5,
            lock: Duration::minutes(15),
        }
    }
}

/// The code a conversation is waiting for. Only the code's hash is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    pub lock_key: LockKey,
    /// The customer the email belongs to; `None` for an unknown email (no code was sent,
    /// and no code can verify).
    pub customer_id: Option<CustomerId>,
    pub code_hash: String,
    pub issued_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

impl Challenge {
    pub fn issue(
        policy: &OtpPolicy,
        lock_key: LockKey,
        customer_id: Option<CustomerId>,
        code_hash: String,
        now: OffsetDateTime,
    ) -> Self {
        Self {
            lock_key,
            customer_id,
            code_hash,
            issued_at: now,
            expires_at: now + policy.ttl,
        }
    }
}

/// The wrong tries counted against a [`LockKey`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Lockout {
    /// Wrong tries since the last success or lock.
    pub failures: u32,
    pub last_failure_at: Option<OffsetDateTime>,
    pub locked_until: Option<OffsetDateTime>,
}

impl Lockout {
    /// The lockout as of `now`: an ended lock and stale failures are forgotten.
    pub fn current(self, policy: &OtpPolicy, now: OffsetDateTime) -> Self {
        let locked_until = self.locked_until.filter(|until| now < *until);
        let stale = self
            .last_failure_at
            .is_none_or(|last| now >= last + policy.lock);
        if stale {
            Self {
                failures: 0,
                last_failure_at: None,
                locked_until,
            }
        } else {
            Self {
                locked_until,
                ..self
            }
        }
    }

    /// The end of the lock in force at `now`, if any. A lock ends exactly at its end.
    pub fn locked_at(&self, now: OffsetDateTime) -> Option<OffsetDateTime> {
        self.locked_until.filter(|until| now < *until)
    }
}

/// Verification is locked until `until`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Locked {
    pub until: OffsetDateTime,
}

/// Whether a new code may be sent now: not while the key is locked.
pub fn may_request(lockout: &Lockout, now: OffsetDateTime) -> Result<(), Locked> {
    match lockout.locked_at(now) {
        Some(until) => Err(Locked { until }),
        None => Ok(()),
    }
}

/// What a try with a code comes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckOutcome {
    Verified {
        customer: CustomerId,
    },
    Wrong {
        attempts_left: u32,
    },
    Expired,
    Locked {
        until: OffsetDateTime,
    },
    /// No code was requested in this conversation (or it was used up).
    NoChallenge,
    /// The right code, but the conversation is linked to another customer already.
    OtherCustomer,
}

/// What a try needs to know.
#[derive(Debug, Clone, Copy)]
pub struct Attempt<'a> {
    pub challenge: Option<&'a Challenge>,
    /// The stored lockout of the challenge's key.
    pub lockout: Lockout,
    /// The hash of the code presented, made the same way as the challenge's.
    pub presented_hash: &'a str,
    /// The customer the conversation is linked to already, if any.
    pub linked_customer: Option<&'a CustomerId>,
}

/// The outcome and what to store after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub outcome: CheckOutcome,
    /// The lockout to store for the challenge's key.
    pub lockout: Lockout,
    /// The challenge to keep; `None` when it is used up (remove it).
    pub challenge: Option<Challenge>,
}

/// Decides a try. Order: no challenge, locked, expired, right code, wrong code. The
/// `max_attempts`-th wrong try in a row locks, and ends the code's validity: once the
/// lock is over, a new code is needed. Tries while locked or expired change nothing.
pub fn check(policy: &OtpPolicy, attempt: Attempt<'_>, now: OffsetDateTime) -> Checked {
    let lockout = attempt.lockout.current(policy, now);
    let unchanged = |outcome| Checked {
        outcome,
        lockout,
        challenge: attempt.challenge.cloned(),
    };
    let Some(challenge) = attempt.challenge else {
        return unchanged(CheckOutcome::NoChallenge);
    };
    if let Some(until) = lockout.locked_at(now) {
        return unchanged(CheckOutcome::Locked { until });
    }
    if now >= challenge.expires_at {
        return unchanged(CheckOutcome::Expired);
    }
    let right = constant_time_eq(
        attempt.presented_hash.as_bytes(),
        challenge.code_hash.as_bytes(),
    );
    if let (true, Some(customer)) = (right, &challenge.customer_id) {
        let outcome = match attempt.linked_customer {
            Some(linked) if linked != customer => CheckOutcome::OtherCustomer,
            _ => CheckOutcome::Verified {
                customer: customer.clone(),
            },
        };
        return Checked {
            outcome,
            lockout: Lockout::default(),
            challenge: None,
        };
    }
    let failures = lockout.failures + 1;
    if failures >= policy.max_attempts {
        let until = now + policy.lock;
        return Checked {
            outcome: CheckOutcome::Locked { until },
            lockout: Lockout {
                failures: 0,
                last_failure_at: Some(now),
                locked_until: Some(until),
            },
            challenge: Some(Challenge {
                expires_at: now,
                ..challenge.clone()
            }),
        };
    }
    Checked {
        outcome: CheckOutcome::Wrong {
            attempts_left: policy.max_attempts - failures,
        },
        lockout: Lockout {
            failures,
            last_failure_at: Some(now),
            locked_until: None,
        },
        challenge: Some(challenge.clone()),
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests;
