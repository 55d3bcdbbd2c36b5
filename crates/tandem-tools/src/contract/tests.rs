use super::*;
use crate::LedgerOp;
use tandem_domain::ledger::rules::{DisputeOpening, Extension, PaymentLink, ReturnReport};
use tandem_domain::ledger::{DisputeReason, OrderId};
use tandem_domain::{Currency, CustomerId};
use time::macros::date;

fn sek(raw: &str) -> Money {
    Money::parse(raw, Currency::parse("SEK").unwrap()).unwrap()
}

#[test]
fn amounts_are_decimal_strings_in_the_currency() {
    assert_eq!(amount(sek("1200")), "1200.00");
    assert_eq!(amount(sek("-5.5")), "-5.50");
    assert_eq!(
        amount(Money::from_minor(300, Currency::parse("JPY").unwrap())),
        "300"
    );
    assert_eq!(
        amount(Money::from_minor(1_005, Currency::parse("KWD").unwrap())),
        "1.005"
    );
}

#[test]
fn every_operation_round_trips() {
    let order = OrderId::parse("ORD-1001").unwrap();
    let customer = CustomerId::parse("cus_anna").unwrap();
    let ops = [
        LedgerOp::ExtendDueDate {
            order: order.clone(),
            version: 3,
            extension: Extension {
                installment: 1,
                amount: sek("1200.00"),
                from: date!(2026 - 12 - 03),
                to: date!(2026 - 12 - 13),
            },
        },
        LedgerOp::ReportReturn {
            order: order.clone(),
            version: 4,
            report: ReturnReport {
                reported_at: date!(2026 - 11 - 23),
                paused_until: date!(2026 - 12 - 14),
                installments: vec![1, 2],
            },
        },
        LedgerOp::OpenDispute {
            order: order.clone(),
            version: 5,
            opening: DisputeOpening {
                reason: DisputeReason::FaultyItem,
                opened_at: date!(2026 - 11 - 23),
                amount: sek("899.00"),
                paused: vec![2],
                details: Some("broken".into()),
            },
        },
        LedgerOp::SendPaymentLink {
            order,
            customer: customer.clone(),
            link: PaymentLink {
                installment: 2,
                amount: sek("300.00"),
                due: date!(2026 - 12 - 20),
            },
        },
        LedgerOp::RequestAccountDeletion { customer },
    ];
    for op in ops {
        assert!(OPERATIONS.contains(&op.tool()));
        let body = operation_body(&op);
        assert_eq!(
            parse_operation(op.tool(), body.to_string().as_bytes()),
            Ok(op.clone()),
            "{body}"
        );
    }
    let extend = operation_body(&LedgerOp::RequestAccountDeletion {
        customer: CustomerId::parse("c").unwrap(),
    });
    assert_eq!(extend, serde_json::json!({"customer": "c"}));
}

#[test]
fn bad_bodies_name_what_is_wrong() {
    assert_eq!(
        parse_operation("waive_fee", b"{}"),
        Err(WireError::UnknownOperation("waive_fee".into()))
    );
    assert!(matches!(
        parse_operation("request_account_deletion", b"not json"),
        Err(WireError::Json(_))
    ));
    let body = br#"{"order":"ORD-1","customer":"c","installment":1,"currency":"SEK","amount":"1.005","due":"2026-12-20"}"#;
    assert!(
        matches!(parse_operation("send_payment_link", body), Err(WireError::Invalid { field, .. }) if field == "amount")
    );
    let body = br#"{"order":"ORD-1","customer":"c","installment":1,"currency":"SEK","amount":"1.00","due":"20.12.2026"}"#;
    assert!(
        matches!(parse_operation("send_payment_link", body), Err(WireError::Invalid { field, .. }) if field == "due")
    );
}

#[test]
fn error_codes_map_to_statuses_and_back() {
    for code in ErrorCode::ALL {
        assert_eq!(ErrorCode::parse(code.as_str()), Some(*code));
        assert!(code.status() >= 400);
    }
    assert_eq!(ErrorCode::Stale.status(), 409);
}
