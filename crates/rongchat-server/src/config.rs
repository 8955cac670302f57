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

/// The most bytes one reply (`pullMsg`, `qryPMsg`/`qryGMsg`, the conversation list) may
/// carry: 2 MiB, an eighth of the wire's 16 MiB frame limit
/// (`rongchat_proto::frame::MAX_FRAME_BYTES`) and far below the official SDK's. A page cut
/// by this budget says `finished: false` / `hasMsg: 1` and the next one starts exactly after
/// the last message sent. With the per-message limits below, a page always holds at least
/// 12 messages of the largest size, so every page makes progress.
pub const MAX_REPLY_BYTES: usize = 2 * 1024 * 1024;
/// Largest message content (RongCloud's limit, shared with the client).
pub use rongchat_proto::content::MAX_CONTENT_BYTES;
/// Largest `extraContent` (message expansion).
pub const MAX_EXTRA_BYTES: usize = 16 * 1024;
/// Largest `pushText`.
pub const MAX_PUSH_BYTES: usize = 4 * 1024;
/// Largest encoded message apart from its content: every other field together
/// (extra, push text, appData, pushExt, metadata, references, ...).
pub const MAX_ENVELOPE_BYTES: usize = 32 * 1024;

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
    /// How long one minute of a Server API block or gag lasts (60 s; tests shorten it).
    pub api_minute: Duration,
    /// A write (WebSocket frame or HTTP response bytes) that makes no progress for this
    /// long closes its connection: a peer that stops reading holds nothing for longer.
    pub write_timeout: Duration,
    /// Live WebSocket connections one user may hold; a new one beyond it closes the oldest.
    pub max_connections_per_user: usize,
    /// Bytes queued for one WebSocket connection (echoes, pushes) before it counts as too
    /// slow and is closed (it pulls what it missed when it reconnects).
    pub max_queued_bytes: usize,
    /// Time allowed for a request's head, and for an idle keep-alive connection to start
    /// its next request.
    pub http_header_timeout: Duration,
    /// Time allowed for a whole HTTP request (body included) other than uploads and the
    /// WebSocket upgrade.
    pub http_request_timeout: Duration,
    /// Time allowed for a whole upload.
    pub upload_timeout: Duration,
    /// Open TCP connections (HTTP and WebSocket together); further ones wait in the
    /// listen backlog.
    pub max_connections: usize,
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
            api_minute: Duration::from_secs(60),
            write_timeout: Duration::from_secs(30),
            max_connections_per_user: 16,
            max_queued_bytes: 4 * 1024 * 1024,
            http_header_timeout: Duration::from_secs(10),
            http_request_timeout: Duration::from_secs(30),
            upload_timeout: Duration::from_secs(600),
            max_connections: 1024,
        }
    }
}
