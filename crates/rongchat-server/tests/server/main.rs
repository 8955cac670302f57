//! Integration tests of the local server over real sockets: navi, the WebSocket gateway and
//! its topics, the Server API, uploads, bad input, restarts, the binary and what the
//! server logs.

mod api;
mod bad_input;
mod binary;
mod connect;
mod conversations;
mod group_commit;
mod groups;
mod history;
mod hostile;
mod logging;
mod messaging;
mod navi;
mod profiles;
mod receipts;
mod restart;
mod sdk;
mod server_api;
mod server_api_effects;
mod server_api_table;
mod status;
mod support;
mod upload;
