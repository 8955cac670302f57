//! The client against the real local server, over real sockets.

mod cli;
mod connection;
mod faults;
mod logs;
mod messaging;
mod support;
mod unread;
mod uploads;
