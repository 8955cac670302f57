//! Where the app keeps its files. `RONGCHAT_DATA_DIR` (tests, portable runs) puts
//! everything under one folder; otherwise the platform's app data, config and log dirs.

use std::path::{Path, PathBuf};

/// The app's folders.
#[derive(Debug, Clone)]
pub struct Paths {
    /// Message store, embedded server data, downloads.
    pub data: PathBuf,
    /// Settings and the token.
    pub config: PathBuf,
    /// Log files.
    pub logs: PathBuf,
}

/// The app's identifier (tauri.conf.json's), which names its folders.
pub const IDENTIFIER: &str = "dev.rongchat.client";

impl Paths {
    /// The platform's folders for the app, where Tauri's path resolver puts them: data
    /// and config in the user's data and config dirs, logs under the local data dir
    /// (`None` when the platform has no home for them).
    pub fn platform() -> Option<Self> {
        Some(Self {
            data: dirs::data_dir()?.join(IDENTIFIER),
            config: dirs::config_dir()?.join(IDENTIFIER),
            logs: dirs::data_local_dir()?.join(IDENTIFIER).join("logs"),
        })
    }

    /// `RONGCHAT_DATA_DIR`'s one folder, when it is set (tests, portable runs).
    pub fn from_env_var() -> Option<Self> {
        std::env::var_os("RONGCHAT_DATA_DIR").map(|dir| Self::under(Path::new(&dir)))
    }

    /// [`Paths::from_env_var`], else [`Paths::platform`].
    pub fn from_env() -> Option<Self> {
        Self::from_env_var().or_else(Self::platform)
    }

    /// Paths under one root (tests and `RONGCHAT_DATA_DIR`).
    pub fn under(root: &Path) -> Self {
        Self {
            data: root.to_path_buf(),
            config: root.join("config"),
            logs: root.join("logs"),
        }
    }

    /// The client's store for one user on one server, so accounts never mix.
    pub fn client_dir(&self, server_key: &str, user_id: &str) -> PathBuf {
        self.data
            .join("accounts")
            .join(segment(server_key))
            .join(segment(user_id))
    }

    /// A real account's store: one per (AppKey, navigation URL, user id).
    pub fn account_dir(&self, app_key: &str, navi_url: &str, user_id: &str) -> PathBuf {
        self.data
            .join("accounts")
            .join(segment(app_key))
            .join(segment(navi_url.trim_end_matches('/')))
            .join(segment(user_id))
    }

    /// The old layout's folder (`accounts/<AppKey>/<name>`), for migrating it.
    pub fn legacy_account_dir(&self, app_key: &str, name: &str) -> PathBuf {
        self.data
            .join("accounts")
            .join(legacy_segment(app_key))
            .join(legacy_segment(name))
    }

    /// The embedded server's data.
    pub fn server_dir(&self) -> PathBuf {
        self.data.join("local-server")
    }

    /// Files opened or saved by the user.
    pub fn downloads_dir(&self) -> PathBuf {
        self.data.join("downloads")
    }
}

/// The old sanitiser: unsafe characters became `_` (so `a.b` and `a_b` collided).
fn legacy_segment(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// One path segment: plain ids stay readable; anything else is sanitised and gets a hash
/// of the original, so two ids never share a folder.
fn segment(s: &str) -> String {
    let safe = legacy_segment(s);
    if safe == s && !s.is_empty() {
        return safe;
    }
    use sha2::Digest;
    let hash = sha2::Sha256::digest(s.as_bytes());
    let short: String = hash[..6].iter().map(|b| format!("{b:02x}")).collect();
    format!("{safe}-{short}")
}

/// The socket for a data folder: `RONGCHAT_ENGINE_SOCKET` when set, else `engine.sock` in
/// a `run` folder under the data folder.
pub fn engine_socket(data: &Path) -> PathBuf {
    match std::env::var_os("RONGCHAT_ENGINE_SOCKET") {
        Some(path) => PathBuf::from(path),
        None => data.join("run").join("engine.sock"),
    }
}

/// The file beside `socket` that holds the pid of the engine serving on it.
pub fn engine_pid_file(socket: &Path) -> PathBuf {
    socket.with_file_name("engine.pid")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_dirs_are_sanitised() {
        let p = Paths::under(Path::new("/tmp/x"));
        let dir = p.client_dir("http://127.0.0.1:80/../", "../../etc");
        assert!(dir.starts_with("/tmp/x/accounts"));
        assert!(!dir.to_string_lossy().contains(".."));
    }

    #[test]
    fn look_alike_ids_get_their_own_folders() {
        let p = Paths::under(Path::new("/tmp/x"));
        let a = p.account_dir("key", "https://nav.cn.ronghub.com", "a.b");
        let b = p.account_dir("key", "https://nav.cn.ronghub.com", "a_b");
        assert_ne!(a, b);
        let other_navi = p.account_dir("key", "http://127.0.0.1:9", "a_b");
        assert_ne!(b, other_navi);
        assert!(b.ends_with("a_b"));
    }
}
