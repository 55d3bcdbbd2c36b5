//! The YAML shape of a scenario file, exactly as written: every leaf a string (or a bool
//! or count), so that amounts and dates keep the text the author typed. Unknown keys are
//! errors, so a typo never turns into a silently missing expectation. [`crate::parse`]
//! turns these into the typed [`crate::Scenario`].
//!
//! YAML plain scalars such as `1200.00`, `2026-11-01` or `yes` are read as their text
//! when the field is a string, so quoting them is optional and no amount is ever a float.

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawScenario {
    pub id: String,
    pub about: String,
    #[serde(default)]
    pub tags: Vec<String>,
    pub language: String,
    pub now: String,
    pub customer: RawCustomer,
    #[serde(default)]
    pub merchants: Vec<RawMerchant>,
    #[serde(default)]
    pub orders: Vec<RawOrder>,
    #[serde(default)]
    pub other_customers: Vec<RawOtherCustomer>,
    pub customer_says: Vec<String>,
    #[serde(default)]
    pub knows: BTreeMap<String, String>,
    pub expect: RawExpect,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCustomer {
    pub id: String,
    pub name: String,
    pub email: String,
    pub market: String,
    /// Defaults to the scenario's language.
    pub language: Option<String>,
    #[serde(default)]
    pub verified: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMerchant {
    pub id: String,
    pub name: String,
    pub support_email: Option<String>,
    pub return_window_days: Option<u16>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawOrder {
    pub id: String,
    pub merchant: String,
    pub created_at: String,
    pub delivered_at: Option<String>,
    pub currency: String,
    pub plan: String,
    pub status: String,
    pub installments: Vec<RawInstallment>,
    #[serde(default)]
    pub extended: bool,
    #[serde(default)]
    pub items: Vec<RawItem>,
    #[serde(default)]
    pub refunds: Vec<RawRefund>,
    #[serde(default)]
    pub returns: Vec<RawReturn>,
    #[serde(default)]
    pub disputes: Vec<RawDispute>,
    #[serde(default)]
    pub fees: Vec<RawFee>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawInstallment {
    pub due: String,
    pub amount: String,
    pub status: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawItem {
    pub name: String,
    pub price: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRefund {
    pub amount: String,
    pub created_at: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawReturn {
    pub reported_at: String,
    pub paused_until: Option<String>,
    pub status: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDispute {
    pub reason: String,
    pub status: Option<String>,
    pub opened_at: String,
    pub details: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFee {
    pub kind: String,
    pub amount: String,
    #[serde(default)]
    pub waived: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawOtherCustomer {
    pub customer: RawCustomer,
    #[serde(default)]
    pub orders: Vec<RawOrder>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawExpect {
    pub handoff: String,
    pub handoff_reason: Option<String>,
    pub handoff_priority: Option<String>,
    pub handoff_by_turn: Option<u32>,
    #[serde(default)]
    pub summary_mentions: Vec<String>,
    #[serde(default)]
    pub actions: Vec<RawAction>,
    #[serde(default)]
    pub not_actions: Vec<String>,
    #[serde(default)]
    pub state: Vec<RawState>,
    #[serde(default)]
    pub reply_contains: Vec<String>,
    #[serde(default)]
    pub reply_not_contains: Vec<String>,
    pub max_turns: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAction {
    pub tool: String,
    pub order: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawState {
    pub order: String,
    pub installment: u32,
    pub due: Option<String>,
    pub status: Option<String>,
}
