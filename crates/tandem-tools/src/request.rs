//! What a caller asks of the tools and what it gets back.

use tandem_domain::ledger::rules::{DisputeClaim, RefundReport, Refusal};
use tandem_domain::ledger::{DisputeReason, Merchant, Order};

/// The tools of DOMAIN.md (handoff is the conversation's, not the ledger's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tool {
    LookupOrders,
    GetOrder,
    RefundStatus,
    ExtendDueDate,
    ReportReturn,
    OpenDispute,
    SendPaymentLink,
    RequestAccountDeletion,
}

impl Tool {
    pub const ALL: &'static [Tool] = &[
        Tool::LookupOrders,
        Tool::GetOrder,
        Tool::RefundStatus,
        Tool::ExtendDueDate,
        Tool::ReportReturn,
        Tool::OpenDispute,
        Tool::SendPaymentLink,
        Tool::RequestAccountDeletion,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Tool::LookupOrders => "lookup_orders",
            Tool::GetOrder => "get_order",
            Tool::RefundStatus => "refund_status",
            Tool::ExtendDueDate => "extend_due_date",
            Tool::ReportReturn => "report_return",
            Tool::OpenDispute => "open_dispute",
            Tool::SendPaymentLink => "send_payment_link",
            Tool::RequestAccountDeletion => "request_account_deletion",
        }
    }

    pub fn parse(raw: &str) -> Option<Tool> {
        Tool::ALL.iter().copied().find(|t| t.as_str() == raw)
    }

    /// Writes change state and need the customer's confirmation (P5); reads do not.
    pub fn is_write(self) -> bool {
        !matches!(
            self,
            Tool::LookupOrders | Tool::GetOrder | Tool::RefundStatus
        )
    }
}

/// A tool call. `order` is what the customer gave: an order id, a merchant name or an
/// item ("my Zalando order"), resolved against the customer's own orders only (P2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToolRequest {
    LookupOrders,
    GetOrder {
        order: String,
    },
    RefundStatus {
        order: String,
    },
    ExtendDueDate {
        order: String,
    },
    ReportReturn {
        order: String,
    },
    OpenDispute {
        order: String,
        claim: DisputeClaim,
    },
    SendPaymentLink {
        order: String,
        installment: Option<u32>,
    },
    RequestAccountDeletion,
}

impl ToolRequest {
    pub fn tool(&self) -> Tool {
        match self {
            Self::LookupOrders => Tool::LookupOrders,
            Self::GetOrder { .. } => Tool::GetOrder,
            Self::RefundStatus { .. } => Tool::RefundStatus,
            Self::ExtendDueDate { .. } => Tool::ExtendDueDate,
            Self::ReportReturn { .. } => Tool::ReportReturn,
            Self::OpenDispute { .. } => Tool::OpenDispute,
            Self::SendPaymentLink { .. } => Tool::SendPaymentLink,
            Self::RequestAccountDeletion => Tool::RequestAccountDeletion,
        }
    }

    pub fn order_ref(&self) -> Option<&str> {
        match self {
            Self::GetOrder { order }
            | Self::RefundStatus { order }
            | Self::ExtendDueDate { order }
            | Self::ReportReturn { order }
            | Self::OpenDispute { order, .. }
            | Self::SendPaymentLink { order, .. } => Some(order),
            Self::LookupOrders | Self::RequestAccountDeletion => None,
        }
    }

    /// The arguments as recorded in audit and proposals.
    pub fn args(&self) -> serde_json::Value {
        let mut args = serde_json::Map::new();
        if let Some(order) = self.order_ref() {
            args.insert("order".into(), order.into());
        }
        match self {
            Self::OpenDispute { claim, .. } => {
                args.insert("reason".into(), claim.reason.as_str().into());
                args.insert("merchant_contacted".into(), claim.merchant_contacted.into());
                if let Some(d) = &claim.details {
                    args.insert("details".into(), d.clone().into());
                }
            }
            Self::SendPaymentLink {
                installment: Some(i),
                ..
            } => {
                args.insert("installment".into(), (*i).into());
            }
            _ => {}
        }
        serde_json::Value::Object(args)
    }
}

/// An order with its merchant, as tools return it.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderView {
    pub order: Order,
    pub merchant: Merchant,
}

/// A write waiting for the customer's yes.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposed {
    pub proposal: String,
    pub tool: Tool,
    pub order: Option<OrderView>,
    /// Exactly what will happen, in the customer's language; show it and ask.
    pub words: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ToolOutcome {
    Orders(Vec<OrderView>),
    Order(OrderView),
    Refunds {
        order: OrderView,
        report: RefundReport,
    },
    Proposed(Proposed),
    /// Several of the customer's orders match; ask which one.
    Choose(Vec<OrderView>),
    Refused {
        refusal: Refusal,
        words: String,
    },
}

impl ToolOutcome {
    pub fn ok(&self) -> bool {
        !matches!(self, ToolOutcome::Refused { .. })
    }
}

/// The customer's yes to a proposal, as the conversation recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmation {
    pub proposal: String,
    /// The seq of the event that showed the proposal's words.
    pub shown_seq: u64,
    /// The seq of the customer's yes; must come after `shown_seq`.
    pub yes_seq: u64,
}

#[derive(Debug, Clone, PartialEq)]
#[allow(
    clippy::large_enum_variant,
    reason = "returned once per confirmation, never stored in bulk"
)]
pub enum Executed {
    Done {
        tool: Tool,
        order: Option<OrderView>,
        result: serde_json::Value,
        words: String,
    },
    Refused {
        refusal: Refusal,
        words: String,
    },
}

/// Which of the customer's orders `typed` means: an order id (exact, any case), else the
/// orders whose merchant or an item is named in it (P2: only the customer's own orders are
/// ever searched).
pub fn resolve<'a>(views: &'a [(i64, OrderView)], typed: &str) -> Vec<&'a (i64, OrderView)> {
    let text = typed.trim().to_lowercase();
    if let Some(exact) = views.iter().find(|(_, v)| v.order.id.matches(&text)) {
        return vec![exact];
    }
    if text.len() < 3 {
        return vec![];
    }
    let named = |name: &str| {
        let name = name.to_lowercase();
        name.len() >= 3 && (text.contains(&name) || name.contains(&text))
    };
    let by_merchant: Vec<_> = views
        .iter()
        .filter(|(_, v)| named(&v.merchant.name))
        .collect();
    if !by_merchant.is_empty() {
        return by_merchant;
    }
    views
        .iter()
        .filter(|(_, v)| v.order.items.iter().any(|i| named(&i.name)))
        .collect()
}

/// Rebuilds a request from a proposal's stored arguments.
pub(crate) fn request_from_args(tool: &str, args: &serde_json::Value) -> Option<ToolRequest> {
    let order = || args["order"].as_str().map(str::to_owned);
    Some(match Tool::parse(tool)? {
        Tool::ExtendDueDate => ToolRequest::ExtendDueDate { order: order()? },
        Tool::ReportReturn => ToolRequest::ReportReturn { order: order()? },
        Tool::OpenDispute => ToolRequest::OpenDispute {
            order: order()?,
            claim: DisputeClaim {
                reason: DisputeReason::parse(args["reason"].as_str()?).ok()?,
                merchant_contacted: args["merchant_contacted"].as_bool().unwrap_or(false),
                details: args["details"].as_str().map(str::to_owned),
            },
        },
        Tool::SendPaymentLink => ToolRequest::SendPaymentLink {
            order: order()?,
            installment: args["installment"].as_u64().map(|i| i as u32),
        },
        Tool::RequestAccountDeletion => ToolRequest::RequestAccountDeletion,
        Tool::LookupOrders | Tool::GetOrder | Tool::RefundStatus => return None,
    })
}

impl ToolRequest {
    /// A request from a tool name and JSON arguments (the agent console), with an error
    /// that says what is missing.
    pub fn from_json(tool: &str, args: &serde_json::Value) -> Result<ToolRequest, String> {
        let known = Tool::ALL
            .iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let parsed = Tool::parse(tool)
            .ok_or_else(|| format!("unknown tool {tool:?}; use one of {known}"))?;
        let order = || {
            args["order"]
                .as_str()
                .filter(|o| !o.trim().is_empty())
                .map(str::to_owned)
                .ok_or_else(|| format!("{tool} needs args.order"))
        };
        match parsed {
            Tool::LookupOrders => Ok(ToolRequest::LookupOrders),
            Tool::GetOrder => Ok(ToolRequest::GetOrder { order: order()? }),
            Tool::RefundStatus => Ok(ToolRequest::RefundStatus { order: order()? }),
            Tool::OpenDispute if DisputeReason::parse(args["reason"].as_str().unwrap_or("")).is_err() => {
                Err("open_dispute needs args.reason: not_received, wrong_item, faulty_item, charged_twice or unauthorized".into())
            }
            Tool::SendPaymentLink if !args["installment"].is_null() && args["installment"].as_u64().is_none() => {
                Err("args.installment must be a whole number".into())
            }
            _ => {
                order().or_else(|e| {
                    if parsed == Tool::RequestAccountDeletion { Ok(String::new()) } else { Err(e) }
                })?;
                request_from_args(tool, args).ok_or_else(|| format!("the arguments of {tool} are incomplete"))
            }
        }
    }
}
