//! HTTP, WebSocket and browser tests of the real server on a loopback port.

mod agent;
mod audit;
mod browser;
mod card;
mod conversations;
mod helpers;
mod identity;
mod limits;
mod ops;
mod stream;
mod workforce;
