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

impl Paths {
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
        let safe = |s: &str| -> String {
            s.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect()
        };
        self.data
            .join("accounts")
            .join(safe(server_key))
            .join(safe(user_id))
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
}
