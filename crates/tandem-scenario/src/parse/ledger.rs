//! The orders of a scenario: installments, items, refunds, returns, disputes and fees,
//! amounts in the order's currency.

use tandem_domain::ledger::{
    Dispute, DisputeReason, DisputeStatus, Fee, FeeKind, Installment, InstallmentStatus, Item,
    MerchantId, Order, OrderId, OrderStatus, Plan, Refund, Return, ReturnStatus,
    rules::RETURN_PAUSE_DAYS,
};
use tandem_domain::{Currency, CustomerId};
use time::Duration;

use super::{Parsed, at, choice, date, invalid, money, non_empty};
use crate::raw::{RawDispute, RawFee, RawInstallment, RawOrder, RawReturn};

pub(super) fn order(path: &str, raw: &RawOrder, owner: &CustomerId) -> Parsed<Order> {
    let f = |name: &str| format!("{path}.{name}");
    let currency = at(&f("currency"), Currency::parse(&raw.currency))?;
    if raw.installments.is_empty() {
        return Err(invalid(
            f("installments"),
            "an order needs at least one installment",
        ));
    }
    Ok(Order {
        id: at(&f("id"), OrderId::parse(&raw.id))?,
        merchant: at(&f("merchant"), MerchantId::parse(&raw.merchant))?,
        customer: owner.clone(),
        created_at: date(&f("created_at"), &raw.created_at)?,
        delivered_at: raw
            .delivered_at
            .as_deref()
            .map(|d| date(&f("delivered_at"), d))
            .transpose()?,
        currency,
        plan: choice(&f("plan"), &raw.plan, Plan::ALL, Plan::as_str)?,
        status: choice(
            &f("status"),
            &raw.status,
            OrderStatus::ALL,
            OrderStatus::as_str,
        )?,
        items: raw
            .items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let p = format!("{path}.items[{i}]");
                Ok(Item {
                    name: non_empty(&format!("{p}.name"), &item.name)?,
                    price: money(&format!("{p}.price"), &item.price, currency)?,
                })
            })
            .collect::<Parsed<_>>()?,
        installments: raw
            .installments
            .iter()
            .enumerate()
            .map(|(i, inst)| installment(&format!("{path}.installments[{i}]"), i, inst, currency))
            .collect::<Parsed<_>>()?,
        extended: raw.extended,
        returns: raw
            .returns
            .iter()
            .enumerate()
            .map(|(i, r)| return_(&format!("{path}.returns[{i}]"), r))
            .collect::<Parsed<_>>()?,
        refunds: raw
            .refunds
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let p = format!("{path}.refunds[{i}]");
                Ok(Refund {
                    amount: money(&format!("{p}.amount"), &r.amount, currency)?,
                    created_at: date(&format!("{p}.created_at"), &r.created_at)?,
                })
            })
            .collect::<Parsed<_>>()?,
        disputes: raw
            .disputes
            .iter()
            .enumerate()
            .map(|(i, d)| dispute(&format!("{path}.disputes[{i}]"), d))
            .collect::<Parsed<_>>()?,
        fees: raw
            .fees
            .iter()
            .enumerate()
            .map(|(i, fee)| self::fee(&format!("{path}.fees[{i}]"), fee, currency))
            .collect::<Parsed<_>>()?,
    })
}

fn installment(
    path: &str,
    index: usize,
    raw: &RawInstallment,
    currency: Currency,
) -> Parsed<Installment> {
    let status = match &raw.status {
        Some(s) => choice(
            &format!("{path}.status"),
            s,
            InstallmentStatus::ALL,
            InstallmentStatus::as_str,
        )?,
        None => InstallmentStatus::Scheduled,
    };
    Ok(Installment {
        seq: u32::try_from(index + 1).map_err(|_| invalid(path, "too many installments"))?,
        due: date(&format!("{path}.due"), &raw.due)?,
        amount: money(&format!("{path}.amount"), &raw.amount, currency)?,
        status,
    })
}

/// A return: `paused_until` defaults to 21 days after the report (P6), `status` to
/// `reported`.
fn return_(path: &str, raw: &RawReturn) -> Parsed<Return> {
    let reported_at = date(&format!("{path}.reported_at"), &raw.reported_at)?;
    Ok(Return {
        reported_at,
        paused_until: match &raw.paused_until {
            Some(d) => date(&format!("{path}.paused_until"), d)?,
            None => reported_at + Duration::days(RETURN_PAUSE_DAYS),
        },
        status: match &raw.status {
            Some(s) => choice(
                &format!("{path}.status"),
                s,
                ReturnStatus::ALL,
                ReturnStatus::as_str,
            )?,
            None => ReturnStatus::Reported,
        },
    })
}

/// A dispute: `status` defaults to `open`.
fn dispute(path: &str, raw: &RawDispute) -> Parsed<Dispute> {
    Ok(Dispute {
        reason: choice(
            &format!("{path}.reason"),
            &raw.reason,
            DisputeReason::ALL,
            DisputeReason::as_str,
        )?,
        status: match &raw.status {
            Some(s) => choice(
                &format!("{path}.status"),
                s,
                DisputeStatus::ALL,
                DisputeStatus::as_str,
            )?,
            None => DisputeStatus::Open,
        },
        opened_at: date(&format!("{path}.opened_at"), &raw.opened_at)?,
        details: raw.details.clone(),
    })
}

fn fee(path: &str, raw: &RawFee, currency: Currency) -> Parsed<Fee> {
    Ok(Fee {
        kind: choice(
            &format!("{path}.kind"),
            &raw.kind,
            FeeKind::ALL,
            FeeKind::as_str,
        )?,
        amount: money(&format!("{path}.amount"), &raw.amount, currency)?,
        waived: raw.waived,
    })
}
