//! One test binary for the tools:
//! - `engine`: the policy engine end to end, on both backends.
//! - `adapter`: the HTTP adapter's retries, timeouts, errors and idempotency.
//! - `server`: the ledger contract as served by `tandem ledger serve`.
//! - `world`: fixtures.

mod adapter;
mod engine;
mod server;
mod world;
