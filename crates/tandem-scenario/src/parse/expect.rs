//! `expect`: what must be true when the conversation ends, checked against the
//! speaker's orders so that a typo cannot make a scenario unpassable.

use tandem_domain::ledger::{InstallmentStatus, Order, OrderId};
use tandem_domain::{HandoffReason, Priority};

use super::{Parsed, at, choice, date, invalid};
use crate::model::{
    DEFAULT_MAX_TURNS, Expect, ExpectedAction, ExpectedInstallment, HandoffExpectation, TOOLS,
};
use crate::raw::RawExpect;

pub(super) fn expect(raw: &RawExpect, orders: &[Order]) -> Parsed<Expect> {
    // `yes`/`no` are strings in YAML 1.2; `true`/`false` are accepted for them too.
    let handoff = match raw.handoff.trim() {
        "no" | "false" => HandoffExpectation::No,
        "yes" | "true" => HandoffExpectation::Yes,
        "any" => HandoffExpectation::Any,
        other => {
            return Err(invalid(
                "expect.handoff",
                format!("{other:?} is not one of no, yes, any"),
            ));
        }
    };
    let handoff_reason = raw
        .handoff_reason
        .as_deref()
        .map(|r| {
            choice(
                "expect.handoff_reason",
                r,
                HandoffReason::ALL,
                HandoffReason::as_str,
            )
        })
        .transpose()?;
    let handoff_priority = raw
        .handoff_priority
        .as_deref()
        .map(|p| {
            choice(
                "expect.handoff_priority",
                p,
                Priority::ALL,
                Priority::as_str,
            )
        })
        .transpose()?;
    if handoff == HandoffExpectation::No {
        for (field, set) in [
            ("expect.handoff_reason", handoff_reason.is_some()),
            ("expect.handoff_priority", handoff_priority.is_some()),
            ("expect.handoff_by_turn", raw.handoff_by_turn.is_some()),
        ] {
            if set {
                return Err(invalid(field, "must be null when expect.handoff is no"));
            }
        }
    }
    if raw.handoff_by_turn == Some(0) {
        return Err(invalid("expect.handoff_by_turn", "turns count from 1"));
    }
    let max_turns = raw.max_turns.unwrap_or(DEFAULT_MAX_TURNS);
    if max_turns == 0 {
        return Err(invalid("expect.max_turns", "must be at least 1"));
    }

    let speaker_order = |field: &str, raw: &str| -> Parsed<&Order> {
        let id = at(field, OrderId::parse(raw))?;
        orders
            .iter()
            .find(|o| o.id == id)
            .ok_or_else(|| invalid(field, format!("{id} is not one of the customer's orders")))
    };
    let tool = |field: &str, raw: &str| -> Parsed<String> {
        TOOLS
            .contains(&raw)
            .then(|| raw.to_owned())
            .ok_or_else(|| invalid(field, format!("{raw:?} is not one of {}", TOOLS.join(", "))))
    };

    let actions = raw
        .actions
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let p = format!("expect.actions[{i}]");
            Ok(ExpectedAction {
                tool: tool(&format!("{p}.tool"), &a.tool)?,
                order: a
                    .order
                    .as_deref()
                    .map(|o| speaker_order(&format!("{p}.order"), o).map(|o| o.id.clone()))
                    .transpose()?,
            })
        })
        .collect::<Parsed<_>>()?;
    let not_actions = raw
        .not_actions
        .iter()
        .enumerate()
        .map(|(i, t)| tool(&format!("expect.not_actions[{i}]"), t))
        .collect::<Parsed<_>>()?;
    let state = raw
        .state
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let p = format!("expect.state[{i}]");
            let order = speaker_order(&format!("{p}.order"), &s.order)?;
            if !order
                .installments
                .iter()
                .any(|inst| inst.seq == s.installment)
            {
                return Err(invalid(
                    format!("{p}.installment"),
                    format!("{} has no installment {}", order.id, s.installment),
                ));
            }
            Ok(ExpectedInstallment {
                order: order.id.clone(),
                installment: s.installment,
                due: s
                    .due
                    .as_deref()
                    .map(|d| date(&format!("{p}.due"), d))
                    .transpose()?,
                status: s
                    .status
                    .as_deref()
                    .map(|st| {
                        choice(
                            &format!("{p}.status"),
                            st,
                            InstallmentStatus::ALL,
                            InstallmentStatus::as_str,
                        )
                    })
                    .transpose()?,
            })
        })
        .collect::<Parsed<_>>()?;

    Ok(Expect {
        handoff,
        handoff_reason,
        handoff_priority,
        handoff_by_turn: raw.handoff_by_turn,
        summary_mentions: raw.summary_mentions.clone(),
        actions,
        not_actions,
        state,
        reply_contains: raw.reply_contains.clone(),
        reply_not_contains: raw.reply_not_contains.clone(),
        max_turns,
    })
}
