//! How a client reaches its server and where it keeps its data.

use crate::session::SessionConfig;
use std::path::PathBuf;
use std::time::Duration;

/// How to reach the server and where to keep data. Its `Debug` leaves the token out.
#[derive(Clone)]
pub struct ClientConfig {
    /// Navigation base URL (`http://host:port`).
    pub navi_url: String,
    /// App key.
    pub app_key: String,
    /// User token.
    pub token: String,
    /// Directory for the database and downloads.
    pub data_dir: PathBuf,
    /// Connect the WebSocket here instead of navigation's `server` (`host:port`).
    pub ws_override: Option<String>,
    /// The `platform` sent when connecting (the server keeps one login per platform).
    pub platform: Option<String>,
    /// Session timings and the jitter seed (a random seed when `None`).
    pub session: Option<SessionConfig>,
    /// The largest file a download may fetch (512 MiB).
    pub max_download_bytes: u64,
    /// How long an HTTP transfer may go without a byte before it fails (30 s).
    pub http_idle_timeout: Duration,
    /// How many events a slow subscriber may fall behind before it sees `Lagged` (4096).
    pub event_capacity: usize,
}

impl ClientConfig {
    /// A config with the defaults.
    pub fn new(
        navi_url: impl Into<String>,
        app_key: impl Into<String>,
        token: impl Into<String>,
        data_dir: impl Into<PathBuf>,
    ) -> Self {
        Self {
            navi_url: navi_url.into(),
            app_key: app_key.into(),
            token: token.into(),
            data_dir: data_dir.into(),
            ws_override: None,
            platform: None,
            session: None,
            max_download_bytes: 512 * 1024 * 1024,
            http_idle_timeout: Duration::from_secs(30),
            event_capacity: 4096,
        }
    }
}

impl std::fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientConfig")
            .field("navi_url", &self.navi_url)
            .field("data_dir", &self.data_dir)
            .finish_non_exhaustive()
    }
}
