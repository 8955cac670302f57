//! Interoperability of our client engine (`rongchat-client`) with the official RongCloud
//! Web SDK 5.38.0 (run headless by the oracle in `shared/oracle`), both connected to our
//! local server over real sockets. Every message type crosses in both directions and
//! arrives with the same content fields, ids and times; histories and conversation lists
//! agree; a client that was offline catches up on the SDK's group messages. Synchronised
//! by events (ours) and the SDK's own waits, never by sleeps.

mod actions;
mod exchange;
mod fixtures;
mod group_offline;
mod mentions;
mod profiles;
mod recall;
mod receipts;
mod server_api;
mod status;
mod typing;
