//! Conformance of the local server with the official RongCloud Web SDK 5.38.0, run
//! headless by the oracle (`shared/oracle`). Each test starts its own server; two users
//! are two oracle processes running at once, synchronised by the SDK's own events
//! (`waitMessage(s)`, `waitEvent`), never by sleeps.

mod common;
mod exchange;
mod group;
mod recall;
mod restart;
mod session;
mod status;
mod unread;
