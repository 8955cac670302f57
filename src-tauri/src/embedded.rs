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
        let config = rongchat_server::Config::local(&server_dir);
        let server = rongchat_server::Server::start(config)
            .await
            .map_err(server_err)?;
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

fn write_info(dir: &Path, info: &EmbeddedInfo) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    let text = serde_json::to_string_pretty(info).map_err(|e| Error::Server(e.to_string()))?;
    let tmp = dir.join(format!("{INFO_FILE}.tmp"));
    std::fs::write(&tmp, text)?;
    std::fs::rename(tmp, dir.join(INFO_FILE))?;
    Ok(())
}
