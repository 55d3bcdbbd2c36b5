//! Installment schedules from the plan rules of DOMAIN.md:
//! - `pay_in_30`: one payment due 30 days after delivery (after purchase while undelivered);
//! - `pay_in_3`: three equal payments 30 days apart, the first at purchase;
//! - `pay_in_4`: four equal payments 14 days apart, the first at purchase;
//! - `financing`: monthly payments, the first one month after purchase.
//!
//! Equal parts are split in minor units; the remainder goes to the first payment, so the
//! parts always add up to the total exactly.

use time::{Date, Duration, Month};

use super::{Installment, InstallmentStatus, Plan};
use crate::Money;

/// Default term of a financing plan, in months.
pub const DEFAULT_FINANCING_MONTHS: u32 = 12;

/// The schedule of a new order: all installments `scheduled`.
pub fn schedule(
    plan: Plan,
    total: Money,
    purchased: Date,
    delivered: Option<Date>,
    financing_months: u32,
) -> Vec<Installment> {
    let dues: Vec<Date> = match plan {
        Plan::PayIn30 => vec![delivered.unwrap_or(purchased) + Duration::days(30)],
        Plan::PayIn3 => (0..3).map(|i| purchased + Duration::days(30 * i)).collect(),
        Plan::PayIn4 => (0..4).map(|i| purchased + Duration::days(14 * i)).collect(),
        Plan::Financing => (1..=financing_months.max(1))
            .map(|m| add_months(purchased, m))
            .collect(),
    };
    split(total, dues.len())
        .into_iter()
        .zip(dues)
        .enumerate()
        .map(|(i, (amount, due))| Installment {
            seq: i as u32 + 1,
            due,
            amount,
            status: InstallmentStatus::Scheduled,
        })
        .collect()
}

/// Splits `total` into `parts` amounts that differ by at most one minor unit, the larger
/// ones first.
pub fn split(total: Money, parts: usize) -> Vec<Money> {
    let parts = parts.max(1) as i64;
    let base = total.minor() / parts;
    let remainder = total.minor() % parts;
    (0..parts)
        .map(|i| Money::from_minor(base + i64::from(i < remainder), total.currency()))
        .collect()
}

/// The same day `months` later, clamped to the month's last day (31 Jan + 1 = 28/29 Feb).
pub fn add_months(date: Date, months: u32) -> Date {
    let index = date.year() * 12 + (date.month() as i32 - 1) + months as i32;
    let (year, month0) = (index.div_euclid(12), index.rem_euclid(12));
    let month = Month::try_from(month0 as u8 + 1).expect("month in 1..=12");
    let last = time::util::days_in_month(month, year);
    Date::from_calendar_date(year, month, date.day().min(last)).expect("clamped day is valid")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Currency;
    use time::macros::date;

    fn sek(minor: i64) -> Money {
        Money::from_minor(minor, Currency::parse("SEK").unwrap())
    }

    #[test]
    fn plans_follow_domain_rules() {
        let bought = date!(2026 - 10 - 20);
        let delivered = Some(date!(2026 - 10 - 25));
        let dues = |plan| {
            schedule(plan, sek(300_000), bought, delivered, 12)
                .iter()
                .map(|i| i.due)
                .collect::<Vec<_>>()
        };
        assert_eq!(dues(Plan::PayIn30), [date!(2026 - 11 - 24)]);
        assert_eq!(
            dues(Plan::PayIn3),
            [
                date!(2026 - 10 - 20),
                date!(2026 - 11 - 19),
                date!(2026 - 12 - 19)
            ]
        );
        assert_eq!(
            dues(Plan::PayIn4),
            [
                date!(2026 - 10 - 20),
                date!(2026 - 11 - 03),
                date!(2026 - 11 - 17),
                date!(2026 - 12 - 01)
            ]
        );
        let financing = dues(Plan::Financing);
        assert_eq!(financing.len(), 12);
        assert_eq!(
            (financing[0], financing[11]),
            (date!(2026 - 11 - 20), date!(2027 - 10 - 20))
        );
        assert_eq!(
            schedule(Plan::PayIn30, sek(1), bought, None, 12)[0].due,
            date!(2026 - 11 - 19),
            "undelivered: from purchase"
        );
    }

    #[test]
    fn parts_add_up_exactly() {
        for (total, parts) in [(100_000, 3), (1, 4), (99_999, 4), (0, 3), (123_456_789, 12)] {
            let split = split(sek(total), parts);
            assert_eq!(split.iter().map(Money::minor).sum::<i64>(), total);
            let max = split.iter().map(Money::minor).max().unwrap();
            let min = split.iter().map(Money::minor).min().unwrap();
            assert!(max - min <= 1);
        }
        assert_eq!(
            split(sek(100_000), 3)
                .iter()
                .map(Money::minor)
                .collect::<Vec<_>>(),
            [33_334, 33_333, 33_333]
        );
    }

    #[test]
    fn months_clamp_to_the_last_day() {
        assert_eq!(add_months(date!(2026 - 01 - 31), 1), date!(2026 - 02 - 28));
        assert_eq!(add_months(date!(2028 - 01 - 31), 1), date!(2028 - 02 - 29));
        assert_eq!(add_months(date!(2026 - 11 - 30), 3), date!(2027 - 02 - 28));
        assert_eq!(add_months(date!(2026 - 12 - 15), 1), date!(2027 - 01 - 15));
    }
}
