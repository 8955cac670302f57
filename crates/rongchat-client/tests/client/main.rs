//! The client against the real local server, over real sockets.

mod actions;
mod cli;
mod connection;
mod faults;
mod hostile;
mod messaging;
mod recall;
mod search;
mod support;
mod unread;
mod uploads;
