//! The embedded local server: started in the app's data dir on 127.0.0.1:0 when no
//! account is configured. `embedded.json` next to it says where it is and who the app
//! signs in as (tests and tools read it; it holds no secret of a real account).

use crate::error::{Error, Result};
use crate::paths::Paths;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// What `embedded.json` holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmbeddedInfo {
    /// Navigation base URL, e.g. `http://127.0.0.1:40123`.
    pub http_url: String,
    /// The local app's key.
    pub app_key: String,
    /// The server's data dir (its SQLite and files).
    pub server_dir: PathBuf,
    /// The user the app signs in as.
    pub user_id: String,
    /// That user's name.
    pub user_name: String,
}

/// The file name, in the app's data dir.
pub const INFO_FILE: &str = "embedded.json";

/// A running embedded server.
#[derive(Debug)]
pub struct Embedded {
    /// The server itself.
    pub server: rongchat_server::Server,
    /// Where it is.
    pub info: EmbeddedInfo,
}

fn server_err(e: rongchat_server::Error) -> Error {
    Error::Server(e.to_string())
}

impl Embedded {
    /// Starts the server on 127.0.0.1:0 with its data under `paths`; the app signs in as
    /// `user` (id, name).
    pub async fn start(paths: &Paths, user: (&str, &str)) -> Result<Self> {
        let server_dir = paths.server_dir();
        std::fs::create_dir_all(&server_dir)?;
        let mut config = rongchat_server::Config::local(&server_dir);
        // Its own secret, not the public development one: no other local process can sign
        // Server API calls to it.
        config.app_secret = rongchat_server::install_secret(&server_dir)?;
        let server = match previous_port(&paths.data) {
            // The last run's port first: the file URLs in the stored messages name it, so
            // the pictures, voices and files of earlier days still download.
            Some(port) => {
                let mut again = config.clone();
                again.listen.set_port(port);
                match rongchat_server::Server::start(again).await {
                    Ok(server) => server,
                    Err(e) => {
                        tracing::info!(port, "the last port is taken ({e}); starting on another");
                        rongchat_server::Server::start(config)
                            .await
                            .map_err(server_err)?
                    }
                }
            }
            None => rongchat_server::Server::start(config)
                .await
                .map_err(server_err)?,
        };
        let info = EmbeddedInfo {
            http_url: server.http_url(),
            app_key: server.app_key().to_owned(),
            server_dir,
            user_id: user.0.to_owned(),
            user_name: user.1.to_owned(),
        };
        write_info(&paths.data, &info)?;
        Ok(Self { server, info })
    }

    /// A login token for a demo user (creating the user on first use).
    pub fn token_for(&self, user_id: &str, name: &str) -> Result<String> {
        self.server.issue_token(user_id, name).map_err(server_err)
    }

    /// Stops the server.
    pub async fn shutdown(self) {
        self.server.shutdown().await;
    }
}

/// The loopback port the server had in the last run, from `embedded.json`.
fn previous_port(dir: &Path) -> Option<u16> {
    let text = std::fs::read_to_string(dir.join(INFO_FILE)).ok()?;
    let info: EmbeddedInfo = serde_json::from_str(&text).ok()?;
    let url = url::Url::parse(&info.http_url).ok()?;
    let loopback = url.host_str() == Some("127.0.0.1");
    url.port().filter(|&p| loopback && p != 0)
}

fn write_info(dir: &Path, info: &EmbeddedInfo) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    let text = serde_json::to_string_pretty(info).map_err(|e| Error::Server(e.to_string()))?;
    let tmp = dir.join(format!("{INFO_FILE}.tmp"));
    std::fs::write(&tmp, text)?;
    std::fs::rename(tmp, dir.join(INFO_FILE))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `POST /user/checkOnline.json` signed with `secret`; the HTTP status.
    async fn signed_call(base: &str, app_key: &str, secret: &str) -> u16 {
        let timestamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis()
            .to_string();
        static CALLS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let nonce = &format!("embedded-test-{call}");
        let response = reqwest::Client::new()
            .post(format!("{base}/user/checkOnline.json"))
            .header("App-Key", app_key)
            .header("Nonce", nonce)
            .header("Timestamp", &timestamp)
            .header(
                "Signature",
                rongchat_server::api::sign(secret, nonce, &timestamp),
            )
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body("userId=daqiao")
            .timeout(std::time::Duration::from_secs(10))
            .send()
            .await
            .unwrap();
        response.status().as_u16()
    }

    #[tokio::test]
    async fn the_public_development_secret_cannot_sign_for_the_embedded_server() {
        let root = tempfile::tempdir().unwrap();
        let paths = Paths::under(root.path());
        let embedded = Embedded::start(&paths, ("daqiao", "大乔")).await.unwrap();
        let (base, key) = (
            embedded.info.http_url.clone(),
            embedded.info.app_key.clone(),
        );
        let public = rongchat_server::config::LOCAL_APP_SECRET;
        assert_eq!(signed_call(&base, &key, public).await, 401);
        let own = rongchat_server::install_secret(&embedded.info.server_dir).unwrap();
        assert_eq!(signed_call(&base, &key, &own).await, 200);
        // The embedded info file never carries it.
        let info = std::fs::read_to_string(paths.data.join(INFO_FILE)).unwrap();
        assert!(!info.contains(&own));
        embedded.shutdown().await;
        // A restart keeps the same secret (tokens and tools made for it stay valid).
        let again = Embedded::start(&paths, ("daqiao", "大乔")).await.unwrap();
        let base = again.info.http_url.clone();
        assert_eq!(signed_call(&base, &key, &own).await, 200);
        again.shutdown().await;
    }

    #[tokio::test]
    async fn a_restart_keeps_the_port_the_stored_file_urls_name_unless_it_is_taken() {
        let root = tempfile::tempdir().unwrap();
        let paths = Paths::under(root.path());
        let first = Embedded::start(&paths, ("daqiao", "大乔")).await.unwrap();
        let url = first.info.http_url.clone();
        first.shutdown().await;

        let again = Embedded::start(&paths, ("daqiao", "大乔")).await.unwrap();
        assert_eq!(again.info.http_url, url, "the same port after a restart");
        again.shutdown().await;

        // Someone else holds it now: the server starts elsewhere and says where.
        let port = url::Url::parse(&url).unwrap().port().unwrap();
        let _holder = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
        let moved = Embedded::start(&paths, ("daqiao", "大乔")).await.unwrap();
        assert_ne!(moved.info.http_url, url);
        let info = std::fs::read_to_string(paths.data.join(INFO_FILE)).unwrap();
        assert!(info.contains(&moved.info.http_url), "embedded.json: {info}");
        moved.shutdown().await;
    }
}
