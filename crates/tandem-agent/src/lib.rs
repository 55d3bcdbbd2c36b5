//! The AI agent of tandem.
//!
//! - [`language`]: which of en, sv, de a customer writes.
//! - [`signals`]: rule-based detection where recall must be near perfect (asking for a
//!   human, fraud, vulnerability) and of frustration, complaints and out-of-policy asks.
//! - [`entities`]: order ids, merchants, amounts, dates, yes/no, email, one-time codes.
//! - [`understanding`]: the contact-reason model on the shared sentence encoder.
//! - [`kb`]: the help centre and its hybrid retrieval.
//! - [`dialogue`]: the dialogue manager, errands as flows with slots, the H rules.
//! - [`replies`]: the agent's own words in en, sv, de.

pub mod dialogue;
pub mod entities;
pub mod kb;
pub mod language;
pub mod replies;
pub mod setup;
pub mod signals;
pub mod understanding;

pub use dialogue::{
    Agent, DialogueState, HandoffDecision, Reply, Said, Turn, Verifier, VerifyError,
};
