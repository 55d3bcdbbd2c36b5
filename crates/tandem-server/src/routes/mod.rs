//! HTTP handlers, one module per area. Handlers are thin: parse, authorise, call
//! `crate::conversations`, convert to wire types.

pub mod agent;
pub mod agent_ws;
pub mod assets;
pub mod audit;
pub mod conversations;
pub mod demo;
pub mod identity;
pub mod mailbox;
pub mod ops;
pub mod stream;
