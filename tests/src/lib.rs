//! Shared helpers of the end-to-end tests: a real local server in a temp dir, the
//! official-SDK oracle as a child process with bounded waits on its JSON lines, our own
//! client engine driven with bounded waits, and a tiny HTTP GET.

pub mod bench;
pub mod http;
pub mod oracle;
pub mod ours;
pub mod server;
pub mod server_api;

pub use oracle::{Login, OracleReport, OracleRun, oracle_dir};
pub use server::TestServer;
