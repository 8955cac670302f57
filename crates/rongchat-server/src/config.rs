//! What a server needs to start: where to listen, where to keep data, which app it is.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

/// The AppKey of the local development app.
pub const LOCAL_APP_KEY: &str = "rongchat-local";
/// The AppSecret of the local development app. Not a secret: the local server is for
/// development and tests; a deployment passes its own.
pub const LOCAL_APP_SECRET: &str = "rongchat-local-dev-secret";
/// Default upload limit: 100 MB.
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 100 * 1024 * 1024;

/// Server configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to bind; port 0 picks a free port.
    pub listen: SocketAddr,
    /// Folder for the SQLite database and uploaded files (created if missing).
    pub data_dir: PathBuf,
    /// The one app this server serves.
    pub app_key: String,
    /// Signs login and upload tokens and checks Server API signatures.
    pub app_secret: String,
    /// The base URL clients should use (e.g. `http://192.168.1.5:9100`); when `None`,
    /// derived from the bound address.
    pub public_url: Option<String>,
    /// Largest accepted upload; larger ones get HTTP 413.
    pub max_upload_bytes: u64,
    /// How long an issued login token stays valid.
    pub token_ttl: Duration,
    /// How long an upload token from `qnTkn` stays valid.
    pub upload_token_ttl: Duration,
    /// A connection that sends nothing for this long is closed (the SDK pings every 15 s).
    pub idle_timeout: Duration,
}

impl Config {
    /// A local server on `127.0.0.1:0` with the development app and a 100 MB upload limit.
    pub fn local(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            data_dir: data_dir.into(),
            app_key: LOCAL_APP_KEY.to_owned(),
            app_secret: LOCAL_APP_SECRET.to_owned(),
            public_url: None,
            max_upload_bytes: DEFAULT_MAX_UPLOAD_BYTES,
            token_ttl: Duration::from_secs(30 * 24 * 3600),
            upload_token_ttl: Duration::from_secs(3600),
            idle_timeout: Duration::from_secs(90),
        }
    }
}
