//! A scenario as typed data: the world in the domain's own types (`Customer`, `Merchant`,
//! `Order`), what the simulated customer says and knows, and what must be true at the end.

use std::path::PathBuf;

use tandem_domain::ledger::{InstallmentStatus, Merchant, Order, OrderId};
use tandem_domain::{Awaiting, Customer, HandoffReason, Language, Priority};
use time::{Date, OffsetDateTime};

/// Bot turns allowed when `expect.max_turns` is not given.
pub const DEFAULT_MAX_TURNS: u32 = 6;

/// The tools a scenario may name in `expect.actions` and `expect.not_actions`
/// (DOMAIN.md's tool table).
pub const TOOLS: &[&str] = &[
    "lookup_orders",
    "get_order",
    "extend_due_date",
    "report_return",
    "open_dispute",
    "refund_status",
    "send_payment_link",
    "request_account_deletion",
    "handoff_to_human",
];

#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// The file it was read from.
    pub file: PathBuf,
    /// Unique within a suite; names the scenario in reports.
    pub id: String,
    pub about: String,
    /// Free; reports group by the first.
    pub tags: Vec<String>,
    /// Every bot reply must be in this language.
    pub language: Language,
    /// The clock for rules and due dates.
    pub now: OffsetDateTime,
    /// The customer who speaks.
    pub customer: Customer,
    /// Whether the speaker starts verified (P1).
    pub verified: bool,
    pub merchants: Vec<Merchant>,
    /// The speaker's orders, in file order.
    pub orders: Vec<Order>,
    /// Customers whose data the speaker must never see (P2).
    pub other_customers: Vec<OtherCustomer>,
    /// Never empty: the first line opens the chat.
    pub customer_says: Vec<String>,
    pub knows: Knows,
    pub expect: Expect,
}

impl Scenario {
    /// Every order of the world: the speaker's, then the other customers'.
    pub fn all_orders(&self) -> impl Iterator<Item = &Order> {
        self.orders
            .iter()
            .chain(self.other_customers.iter().flat_map(|o| o.orders.iter()))
    }

    /// The first tag, by which reports group; `untagged` when there is none.
    pub fn group(&self) -> &str {
        self.tags.first().map_or("untagged", String::as_str)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherCustomer {
    pub customer: Customer,
    pub orders: Vec<Order>,
}

/// What the simulated customer answers when a reply awaits a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Text(String),
    /// `otp: auto`: read the one-time code from the demo mailbox.
    OtpFromMailbox,
}

/// The `knows` map: answers by awaiting key, in key order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Knows(pub(crate) Vec<(Awaiting, Answer)>);

impl Knows {
    pub fn get(&self, key: Awaiting) -> Option<&Answer> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, a)| a)
    }

    pub fn iter(&self) -> impl Iterator<Item = (Awaiting, &Answer)> {
        self.0.iter().map(|(k, a)| (*k, a))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// `expect.handoff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandoffExpectation {
    No,
    Yes,
    Any,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expect {
    pub handoff: HandoffExpectation,
    pub handoff_reason: Option<HandoffReason>,
    pub handoff_priority: Option<Priority>,
    /// The bot turn (1-based) by which the handoff must have happened.
    pub handoff_by_turn: Option<u32>,
    pub summary_mentions: Vec<String>,
    /// Tool calls that must have succeeded.
    pub actions: Vec<ExpectedAction>,
    /// Tools that must not have run (names from [`TOOLS`]).
    pub not_actions: Vec<String>,
    /// Installments as they must be at the end.
    pub state: Vec<ExpectedInstallment>,
    pub reply_contains: Vec<String>,
    pub reply_not_contains: Vec<String>,
    pub max_turns: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedAction {
    /// A name from [`TOOLS`].
    pub tool: String,
    /// One of the speaker's orders; none for tools without an order.
    pub order: Option<OrderId>,
}

/// One installment of the speaker's orders at the end; unset fields are not checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedInstallment {
    pub order: OrderId,
    /// The installment's 1-based seq.
    pub installment: u32,
    pub due: Option<Date>,
    pub status: Option<InstallmentStatus>,
}
