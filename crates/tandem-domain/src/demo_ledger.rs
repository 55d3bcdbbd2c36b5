//! The Acme Pay demo ledger: customers in five markets, merchants and orders in every
//! plan and state, so that every errand of DOMAIN.md can be tried in `tandem demo`.
//! Pure data: dates count back from the `today` it is given, nothing is random, and the
//! same `today` always gives the same world.
//!
//! Layout:
//! - this file: [`DemoWorld`] and [`demo_world`].
//! - `people`: the customers (the [`crate::demo`] personas first) and merchants.
//! - `orders`: the orders, one per story, with the errand each one is there for.
//! - `draft`: the builder that turns a plan's schedule into an order in a given state.

mod draft;
mod orders;
mod people;
#[cfg(test)]
mod tests;

use time::Date;

use crate::Customer;
use crate::ledger::{Merchant, Order};

/// Everything the demo seeds into an empty store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoWorld {
    /// The personas of [`crate::demo::personas`] first, in the same order.
    pub customers: Vec<Customer>,
    pub merchants: Vec<Merchant>,
    /// Ids `ORD-10001` upwards, in id order.
    pub orders: Vec<Order>,
}

/// The demo world as it stands on `today`.
pub fn demo_world(today: Date) -> DemoWorld {
    let customers = people::customers();
    let orders = orders::orders(today, &customers);
    DemoWorld {
        merchants: people::merchants(),
        orders,
        customers,
    }
}
