//! HTTP, WebSocket and browser tests of the real server on a loopback port.

mod browser;
mod conversations;
mod helpers;
mod limits;
mod ops;
mod stream;
