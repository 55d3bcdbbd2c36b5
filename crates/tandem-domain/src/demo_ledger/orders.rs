//! The demo's orders: every plan, every order and installment state, and one order for
//! each errand of DOMAIN.md (the comments say which). All dates count back from "today".

use time::Date;

use super::draft::Draft;
use crate::Customer;
use crate::ledger::DisputeReason::{FaultyItem, NotReceived, WrongItem};
use crate::ledger::DisputeStatus::{Open, ResolvedCustomer, ResolvedMerchant, WaitingMerchant};
use crate::ledger::FeeKind::{LateFee, ReminderFee};
use crate::ledger::Plan::{Financing, PayIn3, PayIn4, PayIn30};
use crate::ledger::ReturnStatus::{Refunded, RegisteredByMerchant};
use crate::ledger::{Order, Plan};

/// One row per order: number, customer, merchant, plan, bought days ago, delivered days
/// after purchase (never: `None`), items; then the story. Kept as a table, one order per
/// line or two, hence no rustfmt.
#[rustfmt::skip]
pub(super) fn orders(today: Date, customers: &[Customer]) -> Vec<Order> {
    let o = |number: u32, customer: &str, merchant: &str, plan: Plan, bought_ago: i64, delivered_after: Option<i64>, items: &[(&str, &str)]| {
        let customer = customers.iter().find(|c| c.id.as_str() == customer).expect("demo orders belong to demo customers");
        Draft::new(today, number, customer, merchant, plan, bought_ago, delivered_after, items)
    };

    vec![
        // Anna (SE): the showcase. An order to extend, return or dispute.
        o(10001, "cus_anna", "m_zal", PayIn30, 12, Some(2), &[("Winter jacket", "1200.00")]).build(),
        // Overdue: no extension (P4); a reminder fee to ask about (P14).
        o(10002, "cus_anna", "m_ikea", PayIn3, 40, Some(5), &[("Sofa", "3000.00")])
            .missed(2).fee(ReminderFee, "60.00").build(),
        // Over 1,000.00: a dispute goes to a specialist (P9).
        o(10003, "cus_anna", "m_elg", PayIn30, 8, Some(2), &[("55-inch TV", "12990.00")]).build(),
        o(10004, "cus_anna", "m_hm", PayIn4, 70, Some(3), &[("Linen shirt", "399.00"), ("Trousers", "499.00")])
            .paid().build(),

        // Erik (SE): a faulty item under the limit (P7: merchant contacted first).
        o(10005, "cus_erik", "m_elg", PayIn30, 16, Some(2), &[("Wireless headphones", "899.00")]).build(),
        // Financing; Apple's 14-day return window closed long ago.
        o(10006, "cus_erik", "m_apple", Financing, 100, Some(3), &[("iPad Air", "11988.00")]).build(),
        // Not delivered yet: no return (P6), a not_received dispute is possible.
        o(10007, "cus_erik", "m_nordic", PayIn3, 20, None, &[("Tent", "2400.00")]).build(),

        // Lena (DE): already extended once; a second extension is a handoff (P3, H6).
        o(10008, "cus_lena", "m_otto", PayIn30, 20, Some(3), &[("Kaffeevollautomat", "649.00")]).extended().build(),
        o(10009, "cus_lena", "m_mm", PayIn4, 20, Some(2), &[("Laptop", "1299.00")]).build(),
        // A return reported three days ago: payments paused (P6).
        o(10010, "cus_lena", "m_zal", PayIn30, 14, Some(4), &[("Stiefel", "159.95")]).returned(3).build(),

        // Jonas (DE): in collections, with fees.
        o(10011, "cus_jonas", "m_otto", PayIn3, 75, Some(4), &[("Waschmaschine", "549.00")])
            .in_collections(&[2, 3]).fee(LateFee, "10.00").fee(ReminderFee, "2.50").build(),
        o(10012, "cus_jonas", "m_stadtrad", Financing, 45, Some(5), &[("E-Bike", "2499.00")]).months(24).build(),

        // Oliver (GB)
        o(10013, "cus_oliver", "m_asos", PayIn3, 15, Some(2), &[("Trainers", "85.00")]).build(),
        // Three of four chairs returned: the refund is larger than the balance, the
        // surplus goes back to the card (P11).
        o(10014, "cus_oliver", "m_argos", PayIn4, 35, Some(4), &[("Garden chair", "105.00"); 4])
            .returned_with(10, RegisteredByMerchant).refund("315.00", 2).build(),

        // Maya (US)
        o(10015, "cus_maya", "m_nike", PayIn4, 10, Some(2), &[("Running shoes", "120.00")]).build(),
        // An open dispute waiting for the merchant: payments paused (P8).
        o(10016, "cus_maya", "m_bestbuy", PayIn30, 30, Some(2), &[("Noise-cancelling headphones", "349.99")])
            .disputed(WrongItem, 5, WaitingMerchant).build(),
        o(10017, "cus_maya", "m_apple", PayIn4, 6, Some(2), &[("MacBook Air", "1199.00")]).build(),

        // Daan (NL): not delivered yet.
        o(10018, "cus_daan", "m_bol", PayIn30, 3, None, &[("Espresso machine", "229.00")]).build(),
        // Delivered 32 days ago: the 30-day return window closed two days ago (P6).
        o(10019, "cus_daan", "m_coolblue", PayIn3, 34, Some(2), &[("Television", "1099.00")]).build(),

        // Sofia (SE): nothing owed, so she can delete her account (P13).
        o(10020, "cus_sofia", "m_hm", PayIn30, 60, Some(2), &[("Knit sweater", "449.00")]).paid().build(),
        o(10021, "cus_sofia", "m_zal", PayIn4, 9, None, &[("Sandals", "596.00")]).cancelled(7).build(),
        // Johan (SE): bought over 180 days ago, too late for a dispute (P7).
        o(10022, "cus_johan", "m_elg", Financing, 200, Some(3), &[("Gaming PC", "17990.00")]).months(24).build(),
        // Elin (SE)
        o(10023, "cus_elin", "m_ikea", PayIn4, 5, Some(3), &[("Bookshelf", "1196.00")]).build(),
        // Oskar (SE): overdue with a reminder fee.
        o(10024, "cus_oskar", "m_zal", PayIn30, 50, Some(3), &[("Rain jacket", "1099.00")])
            .missed(1).fee(ReminderFee, "60.00").build(),
        // Maja (SE): returned and refunded in full.
        o(10025, "cus_maja", "m_hm", PayIn3, 18, Some(2), &[("Winter coat", "1499.00")])
            .returned_with(12, Refunded).refunded(4).build(),
        // Lars (SE): a fresh purchase (the fraud story: "I never bought this").
        o(10026, "cus_lars", "m_apple", PayIn30, 4, Some(1), &[("AirPods Pro", "2990.00")]).build(),

        // Lukas (DE)
        o(10027, "cus_lukas", "m_zal", PayIn4, 30, Some(2), &[("Jeans", "119.96")]).build(),
        // Mia (DE): paid off, nothing owed (P13).
        o(10028, "cus_mia", "m_mm", PayIn30, 90, Some(2), &[("Smartphone", "399.00")]).paid().build(),
        // Felix (DE): a parcel that never came, resolved in his favour and refunded.
        o(10029, "cus_felix", "m_mm", PayIn30, 60, None, &[("Kopfhörer", "199.00")])
            .dispute_resolved(NotReceived, 25, ResolvedCustomer).refunded(10).build(),
        // Hannah (DE): overdue; a person waived the reminder fee, the late fee stands.
        o(10030, "cus_hannah", "m_zal", PayIn30, 35, Some(2), &[("Mantel", "249.00")])
            .missed(1).fee(LateFee, "5.00").waived_fee(ReminderFee, "2.50").build(),
        // Paul (DE): financing over 1,000.00.
        o(10031, "cus_paul", "m_otto", Financing, 40, Some(5), &[("Sofa", "1188.00")]).build(),

        // Emma (GB): a purchase she may not recognise, and an overdue one (hardship).
        o(10032, "cus_emma", "m_asos", PayIn3, 2, Some(1), &[("Party dress", "180.00")]).build(),
        o(10033, "cus_emma", "m_hm", PayIn3, 44, Some(2), &[("Coat", "120.00")]).missed(2).fee(LateFee, "5.00").build(),
        // Harry (GB): paid off and refunded, nothing owed (P13).
        o(10034, "cus_harry", "m_argos", PayIn4, 50, Some(3), &[("Kettle", "39.96")]).paid().build(),
        o(10035, "cus_harry", "m_asos", PayIn30, 40, Some(2), &[("Hoodie", "45.00")])
            .returned_with(30, Refunded).refunded(20).build(),
        // Amelia (GB): financing over six months.
        o(10036, "cus_amelia", "m_argos", Financing, 20, Some(4), &[("Sofa bed", "599.94")]).months(6).build(),
        // George (GB): in collections.
        o(10037, "cus_george", "m_asos", PayIn4, 80, Some(3), &[("Suit", "240.00")])
            .in_collections(&[3, 4]).fee(LateFee, "12.00").fee(ReminderFee, "5.00").build(),
        // Isla (GB): a dispute the merchant won; paying again as planned.
        o(10038, "cus_isla", "m_hm", PayIn30, 26, Some(5), &[("Swimsuit", "35.00")])
            .dispute_resolved(WrongItem, 10, ResolvedMerchant).build(),

        // Mike (US)
        o(10039, "cus_mike", "m_nike", PayIn4, 13, Some(2), &[("Basketball shoes", "140.00")]).build(),
        // Ava (US): financing over 1,000.00, still within 180 days.
        o(10040, "cus_ava", "m_bestbuy", Financing, 150, Some(4), &[("OLED TV", "1799.88")]).build(),
        // Ethan (US): overdue, return window closed.
        o(10041, "cus_ethan", "m_apple", PayIn30, 38, Some(3), &[("Apple Watch", "399.00")])
            .missed(1).fee(LateFee, "7.00").build(),
        // Chloe (US): never delivered, dispute open.
        o(10042, "cus_chloe", "m_nike", PayIn30, 20, None, &[("Hoodie", "65.00")]).disputed(NotReceived, 2, Open).build(),
        // Noah (US)
        o(10043, "cus_noah", "m_bestbuy", PayIn4, 60, Some(2), &[("Game console", "499.96")]).paid().build(),
        o(10044, "cus_noah", "m_nike", PayIn30, 5, Some(2), &[("Socks", "18.00")]).build(),

        // Sanne (NL): a return reported yesterday.
        o(10045, "cus_sanne", "m_coolblue", PayIn4, 12, Some(2), &[("Vacuum cleaner", "259.96")]).returned(1).build(),
        // Lotte (NL): a partial refund, all of it applied to the balance (P11).
        o(10046, "cus_lotte", "m_bol", PayIn3, 55, Some(3), &[("Stroller", "399.98"), ("Rain cover", "49.99")])
            .refund("49.99", 6).build(),
        // Bram (NL): his only order was cancelled; nothing owed (P13).
        o(10047, "cus_bram", "m_zal", PayIn30, 8, None, &[("Sneakers", "129.95")]).cancelled(6).build(),
        // Fleur (NL): financing bought over 180 days ago; an old dispute the merchant won.
        o(10048, "cus_fleur", "m_coolblue", Financing, 190, Some(2), &[("Washing machine", "779.88")])
            .dispute_resolved(FaultyItem, 170, ResolvedMerchant).build(),
    ]
}
