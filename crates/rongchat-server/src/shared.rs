//! The state every handler and connection shares (its own module, so handlers and the
//! crate root both depend on it rather than on each other).

use crate::clock::MessageClock;
use crate::config::Config;
use crate::hub::Hub;
use crate::store::Store;
use crate::store::writer::Writer;
use crate::token::Signer;
use std::path::PathBuf;
use std::sync::Arc;

/// State shared by every handler and connection.
#[derive(Debug)]
pub(crate) struct Shared {
    pub config: Config,
    pub signer: Signer,
    pub store: Store,
    /// Stores new messages (group commit), on a connection of its own.
    pub writer: Writer,
    pub hub: Hub,
    pub clock: Arc<MessageClock>,
    /// e.g. `http://127.0.0.1:9100`, no trailing slash.
    pub base_url: String,
    /// `host:port` for navi's `server` field.
    pub ws_host: String,
    pub files_dir: PathBuf,
}

impl Shared {
    /// A login token's lifetime in ms.
    pub fn token_ttl_ms(&self) -> i64 {
        i64::try_from(self.config.token_ttl.as_millis()).unwrap_or(i64::MAX)
    }
}
