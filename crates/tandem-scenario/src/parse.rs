//! From the YAML shape ([`crate::raw`]) to the typed [`Scenario`]: every value parsed with
//! the domain's own parsers, every error naming its field by path
//! (`orders[0].installments[1].amount`), and the cross-checks that keep a scenario
//! meaningful (known merchants, unique ids, expectations about orders that exist).

mod expect;
mod ledger;

use std::collections::HashSet;
use std::path::Path;

use tandem_domain::ledger::{DEFAULT_RETURN_WINDOW_DAYS, Merchant, MerchantId, Order};
use tandem_domain::{
    Awaiting, Currency, Customer, CustomerId, Language, Market, Money, ParseError,
};
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};

use crate::model::{Answer, Knows, OtherCustomer, Scenario};
use crate::raw::{RawCustomer, RawMerchant, RawOrder, RawScenario};

/// A field that does not hold what it should.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Invalid {
    pub field: String,
    pub message: String,
}

type Parsed<T> = Result<T, Invalid>;

fn invalid(field: impl Into<String>, message: impl Into<String>) -> Invalid {
    Invalid {
        field: field.into(),
        message: message.into(),
    }
}

/// Attaches a field path to a domain parse error, keeping its message.
fn at<T>(field: &str, result: Result<T, ParseError>) -> Parsed<T> {
    result.map_err(|e| invalid(field, e.message))
}

/// One of a closed set of words (`ALL` and `as_str` of a domain enum).
fn choice<T: Copy>(field: &str, raw: &str, all: &[T], name: fn(T) -> &'static str) -> Parsed<T> {
    all.iter()
        .copied()
        .find(|v| name(*v) == raw)
        .ok_or_else(|| {
            let names: Vec<&str> = all.iter().map(|v| name(*v)).collect();
            invalid(field, format!("{raw:?} is not one of {}", names.join(", ")))
        })
}

const DATE: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

fn date(field: &str, raw: &str) -> Parsed<Date> {
    Date::parse(raw.trim(), DATE)
        .map_err(|_| invalid(field, format!("{raw:?} is not a date like 2026-11-23")))
}

fn money(field: &str, raw: &str, currency: Currency) -> Parsed<Money> {
    at(field, Money::parse(raw, currency))
}

fn non_empty(field: &str, raw: &str) -> Parsed<String> {
    if raw.trim().is_empty() {
        Err(invalid(field, "must not be empty"))
    } else {
        Ok(raw.to_owned())
    }
}

pub(crate) fn scenario(file: &Path, raw: RawScenario) -> Parsed<Scenario> {
    let id = non_empty("id", &raw.id)?;
    if id.chars().any(char::is_whitespace) {
        return Err(invalid("id", format!("{id:?} must not contain spaces")));
    }
    let language = at("language", Language::parse(&raw.language))?;
    let now = OffsetDateTime::parse(raw.now.trim(), &Rfc3339).map_err(|_| {
        invalid(
            "now",
            format!(
                "{:?} is not an RFC 3339 time like 2026-11-23T10:00:00Z",
                raw.now
            ),
        )
    })?;
    let customer = customer("customer", &raw.customer, &language)?;

    let merchants = raw
        .merchants
        .iter()
        .enumerate()
        .map(|(i, m)| merchant(&format!("merchants[{i}]"), m))
        .collect::<Parsed<Vec<_>>>()?;
    let mut merchant_ids = HashSet::new();
    for (i, m) in merchants.iter().enumerate() {
        if !merchant_ids.insert(m.id.clone()) {
            return Err(invalid(
                format!("merchants[{i}].id"),
                format!("{} is listed twice", m.id),
            ));
        }
    }

    let mut order_ids = HashSet::new();
    let mut orders_of = |path: &str, raw: &[RawOrder], owner: &CustomerId| -> Parsed<Vec<Order>> {
        let mut orders = Vec::with_capacity(raw.len());
        for (i, r) in raw.iter().enumerate() {
            let p = format!("{path}[{i}]");
            let o = ledger::order(&p, r, owner)?;
            if !merchant_ids.contains(&o.merchant) {
                return Err(invalid(
                    format!("{p}.merchant"),
                    format!("{} is not one of the scenario's merchants", o.merchant),
                ));
            }
            if !order_ids.insert(o.id.clone()) {
                return Err(invalid(
                    format!("{p}.id"),
                    format!("{} is used twice", o.id),
                ));
            }
            orders.push(o);
        }
        Ok(orders)
    };

    let orders = orders_of("orders", &raw.orders, &customer.id)?;
    let mut customer_ids = HashSet::from([customer.id.clone()]);
    let mut other_customers = Vec::with_capacity(raw.other_customers.len());
    for (i, other) in raw.other_customers.iter().enumerate() {
        let p = format!("other_customers[{i}]");
        let c = self::customer(&format!("{p}.customer"), &other.customer, &language)?;
        if !customer_ids.insert(c.id.clone()) {
            return Err(invalid(
                format!("{p}.customer.id"),
                format!("{} is used twice", c.id),
            ));
        }
        let orders = orders_of(&format!("{p}.orders"), &other.orders, &c.id)?;
        other_customers.push(OtherCustomer {
            customer: c,
            orders,
        });
    }

    if raw.customer_says.is_empty() {
        return Err(invalid("customer_says", "needs at least the opening line"));
    }
    let knows = knows(&raw)?;
    let expect = expect::expect(&raw.expect, &orders)?;

    Ok(Scenario {
        file: file.to_owned(),
        id,
        about: raw.about,
        tags: raw.tags,
        language,
        now,
        customer,
        verified: raw.customer.verified,
        merchants,
        orders,
        other_customers,
        customer_says: raw.customer_says,
        knows,
        expect,
    })
}

fn customer(path: &str, raw: &RawCustomer, language: &Language) -> Parsed<Customer> {
    let email = non_empty(&format!("{path}.email"), &raw.email)?;
    if !email.contains('@') {
        return Err(invalid(
            format!("{path}.email"),
            format!("{email:?} is not an email address"),
        ));
    }
    Ok(Customer {
        id: at(&format!("{path}.id"), CustomerId::parse(&raw.id))?,
        name: non_empty(&format!("{path}.name"), &raw.name)?,
        email,
        market: at(&format!("{path}.market"), Market::parse(&raw.market))?,
        language: match &raw.language {
            Some(l) => at(&format!("{path}.language"), Language::parse(l))?,
            None => language.clone(),
        },
    })
}

fn merchant(path: &str, raw: &RawMerchant) -> Parsed<Merchant> {
    let id = at(&format!("{path}.id"), MerchantId::parse(&raw.id))?;
    Ok(Merchant {
        name: non_empty(&format!("{path}.name"), &raw.name)?,
        support_email: raw
            .support_email
            .clone()
            .unwrap_or_else(|| format!("support@{id}.example")),
        return_window_days: raw.return_window_days.unwrap_or(DEFAULT_RETURN_WINDOW_DAYS),
        id,
    })
}

/// `knows`: keys are the awaiting keys of FORMAT.md; `otp: auto` reads the mailbox.
fn knows(raw: &RawScenario) -> Parsed<Knows> {
    raw.knows
        .iter()
        .map(|(key, value)| {
            let awaiting = choice(
                &format!("knows.{key}"),
                key,
                Awaiting::ALL,
                Awaiting::as_str,
            )?;
            let answer = if awaiting == Awaiting::Otp && value.trim() == "auto" {
                Answer::OtpFromMailbox
            } else {
                Answer::Text(value.clone())
            };
            Ok((awaiting, answer))
        })
        .collect::<Parsed<Vec<_>>>()
        .map(Knows)
}
