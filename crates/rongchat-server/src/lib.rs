//! The local RongCloud-compatible server: navigation, the WebSocket gateway and its topics,
//! SQLite persistence, the signed Server API and a Qiniu-compatible upload endpoint.
//!
//! A library first: tests and the app start it with [`Server::start`] on `127.0.0.1:0`
//! and read back the address; `src/bin/main.rs` is a thin command line over it.
//!
//! Shape: axum accepts; one task per WebSocket (`gateway`) selects over its socket, a
//! bounded queue and a control signal from the `hub` (user id -> connections); `topics/`
//! answers frames; `routing` is the one message pipeline (gateway and Server API);
//! `store/` owns SQLite (WAL, `synchronous = FULL`: one connection for reads and small
//! writes on the blocking pool, and `store::writer`'s own, which commits new messages in
//! batches before they are acknowledged).
//!
//! Choices where the fact sheet (§11) leaves things open:
//! - Message times are unique and strictly increasing server-wide, so the `dataTime >
//!   cursor` sync never skips a message that shares a millisecond, and pages cut cleanly.
//! - Pull and conversation-list replies put the peer in `fromUserId` of one's own private
//!   messages (direction 1); history keeps the real sender, as the SDK supplies the target.
//! - History: order 0 returns messages before `time` (0 = now) newest first, order 1 after
//!   `time` oldest first; `hasMsg` 1 when more exist; `syncTime` = the last one listed.
//! - Kick on second login: same user and same platform (`platform` parameter, else the
//!   `apiVer` prefix such as `browser`); other platforms stay connected.
//! - Status messages (`ppMsgS`/`pgMsgS`) go to online recipients as `s_msg` (QoS 1,
//!   extStatus 64) and are never stored.
//! - `RC:SRSMsg` sets the sender's read time for that conversation and reaches only the
//!   sender's other devices (echo and outbox pull), never the peer.
//! - Bad input: unknown topics, malformed or incomplete payloads, oversized content (over
//!   128 KB) and queries naming another user get status 26010; store failures 1000;
//!   an undecodable frame or a text message closes that one connection.
//! - Tokens are self-checking (HMAC-SHA256 with the app secret, expiring): see [`token`].
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod api;
pub mod clock;
pub mod config;
mod connection;
mod conversation_status;
pub mod error;
mod files;
mod form;
mod frames;
mod gateway;
mod http;
pub mod hub;
mod install_secret;
mod login;
mod navi;
mod recall;
mod receipts;
mod reply;
mod routing;
mod shared;
pub mod store;
pub mod token;
mod topics;
pub mod users;

pub use config::Config;
pub use error::{Error, Result};
pub use install_secret::{SECRET_FILE, install_secret};

use clock::{MessageClock, now_ms};
use hub::Hub;
use shared::Shared;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use store::Store;
use store::writer::{Writer, WriterStats};
use token::Signer;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A running server.
#[derive(Debug)]
pub struct Server {
    shared: Arc<Shared>,
    local_addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Server {
    /// Opens the store, binds `config.listen` and starts serving.
    pub async fn start(config: Config) -> Result<Server> {
        std::fs::create_dir_all(&config.data_dir)?;
        let files_dir = config.data_dir.join("files");
        std::fs::create_dir_all(&files_dir)?;
        let stale = files::remove_stale_uploads(&files_dir)?;
        if stale > 0 {
            tracing::info!(stale, "removed unfinished uploads of an earlier run");
        }
        let db_path = config.data_dir.join("rongchat-server.sqlite");
        // The second connection is the message writer's own (see `store`).
        let (store, writer_store) = tokio::task::spawn_blocking(move || {
            Ok::<_, Error>((Store::open(&db_path)?, Store::open(&db_path)?))
        })
        .await
        .map_err(|e| Error::Task(e.to_string()))??;
        let (app_key, secret) = (config.app_key.clone(), config.app_secret.clone());
        let newest = store
            .run(move |c| {
                store::accounts::upsert_app(c, &app_key, &secret)?;
                store::messages::newest_time(c)
            })
            .await?;
        let listener = tokio::net::TcpListener::bind(config.listen).await?;
        let local_addr = listener.local_addr()?;
        let base_url = match &config.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://{local_addr}"),
        };
        let ws_host = host_port(&base_url).unwrap_or_else(|| local_addr.to_string());
        let clock = Arc::new(MessageClock::new(newest));
        let shared = Arc::new(Shared {
            signer: Signer::new(&config.app_key, &config.app_secret),
            writer: Writer::start(writer_store, clock.clone())?,
            store,
            hub: Hub::with_limits(config.max_connections_per_user, config.max_queued_bytes),
            clock,
            base_url,
            ws_host,
            files_dir,
            config,
        });
        let router = http::router(shared.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn({
            let shared = shared.clone();
            async move { http::serve(listener, router, &shared.config, stopped).await }
        });
        tracing::info!("listening on {local_addr}");
        Ok(Server {
            shared,
            local_addr,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// The bound address (with the real port when 0 was asked).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The navigation base URL, e.g. `http://127.0.0.1:9100`.
    pub fn http_url(&self) -> String {
        format!("http://{}", self.local_addr)
    }

    /// The AppKey this server serves.
    pub fn app_key(&self) -> &str {
        &self.shared.config.app_key
    }

    /// The AppSecret (for signing Server API calls in tests).
    pub fn app_secret(&self) -> &str {
        &self.shared.config.app_secret
    }

    /// Creates (or renames) the user and returns a login token valid for the configured
    /// lifetime.
    pub fn issue_token(&self, user_id: &str, name: &str) -> Result<String> {
        let expires = now_ms().saturating_add(self.shared.token_ttl_ms());
        self.issue_token_until(user_id, name, expires)
    }

    /// Like [`Server::issue_token`] with an explicit expiry (ms since the epoch).
    pub fn issue_token_until(&self, user_id: &str, name: &str, expires_ms: i64) -> Result<String> {
        users::issue_token(&self.shared, user_id, name, expires_ms)
    }

    /// Creates the group (or renames it) and adds `members`.
    pub fn create_group(&self, group_id: &str, name: &str, members: &[&str]) -> Result<()> {
        users::check_id(group_id)?;
        self.shared
            .store
            .with(|c| store::groups::join(c, group_id, name, members, now_ms()))
    }

    /// Adds `members` to a group, creating it if needed.
    pub fn join_group(&self, group_id: &str, members: &[&str]) -> Result<()> {
        self.create_group(group_id, "", members)
    }

    /// Removes `members` from a group.
    pub fn quit_group(&self, group_id: &str, members: &[&str]) -> Result<()> {
        self.shared
            .store
            .with(|c| store::groups::quit(c, group_id, members))
    }

    /// Blocks or unblocks a user. A blocked user's connections are closed and new ones get
    /// CONNACK 9.
    pub fn set_user_blocked(&self, user_id: &str, blocked: bool) -> Result<()> {
        if !users::set_blocked(&self.shared, user_id, blocked)? {
            return Err(Error::InvalidInput(format!("no user {user_id:?}")));
        }
        Ok(())
    }

    /// The message writer's counters (commits, messages stored, messages waiting): how
    /// well group commit batches, for tests and benchmarks.
    pub fn writer_stats(&self) -> WriterStats {
        self.shared.writer.stats()
    }

    /// The journal mode and `synchronous` level of the server's two connections, the
    /// message writer's first (`("wal", 2)` each: FULL, so an acknowledged message
    /// survives a power cut).
    pub fn store_durability(&self) -> Result<[(String, i64); 2]> {
        Ok([
            self.shared.writer.durability()?,
            self.shared.store.durability()?,
        ])
    }

    /// Live WebSocket connections.
    pub fn connection_count(&self) -> usize {
        self.shared.hub.connection_count()
    }

    /// Stops accepting, closes every connection and waits (5 s at most) for the server
    /// task; whether it ended within that.
    pub async fn shutdown(mut self) -> bool {
        self.shared.hub.shutdown_all();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let Some(task) = self.task.take() else {
            return true;
        };
        let ended = tokio::time::timeout(SHUTDOWN_WAIT, task).await.is_ok();
        if !ended {
            tracing::warn!("connections still closing when the server stopped");
        }
        ended
    }
}

/// How long [`Server::shutdown`] waits for the connections to close.
const SHUTDOWN_WAIT: Duration = Duration::from_secs(5);

impl Drop for Server {
    fn drop(&mut self) {
        self.shared.hub.shutdown_all();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Issues a token from a data directory without running the server (the CLI's `token`).
pub fn issue_offline_token(
    data_dir: &std::path::Path,
    app_key: Option<&str>,
    user_id: &str,
    name: &str,
) -> Result<String> {
    std::fs::create_dir_all(data_dir)?;
    let db_path = data_dir.join("rongchat-server.sqlite");
    let store = Store::open(&db_path)?;
    let (key, secret) = match store.with(|c| store::accounts::find_app(c, app_key))? {
        Some(app) => app,
        None => {
            let key = app_key.unwrap_or(config::LOCAL_APP_KEY).to_owned();
            let secret = config::LOCAL_APP_SECRET.to_owned();
            store.with(|c| store::accounts::upsert_app(c, &key, &secret))?;
            (key, secret)
        }
    };
    let mut config = Config::local(data_dir);
    config.app_key = key;
    config.app_secret = secret;
    let clock = Arc::new(MessageClock::new(0));
    let shared = Shared {
        signer: Signer::new(&config.app_key, &config.app_secret),
        writer: Writer::start(Store::open(&db_path)?, clock.clone())?,
        store,
        hub: Hub::new(),
        clock,
        base_url: String::new(),
        ws_host: String::new(),
        files_dir: data_dir.join("files"),
        config,
    };
    let expires = now_ms().saturating_add(shared.token_ttl_ms());
    users::issue_token(&shared, user_id, name, expires)
}

/// `host:port` of a URL like `http://host:port/path` (port defaulted from the scheme).
fn host_port(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split('/').next()?;
    if authority.is_empty() {
        return None;
    }
    if authority
        .rsplit_once(':')
        .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
    {
        return Some(authority.to_owned());
    }
    let port = if scheme.eq_ignore_ascii_case("https") {
        443
    } else {
        80
    };
    Some(format!("{authority}:{port}"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn host_port_from_public_urls() {
        assert_eq!(
            super::host_port("http://10.0.0.2:9100").as_deref(),
            Some("10.0.0.2:9100")
        );
        assert_eq!(
            super::host_port("https://chat.example/").as_deref(),
            Some("chat.example:443")
        );
        assert_eq!(super::host_port("nonsense"), None);
    }
}
