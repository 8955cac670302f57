//! What the app keeps about messages beyond the client's store: which voice clips were
//! played. One small JSON file per account, written atomically.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
struct Data {
    heard: BTreeSet<i64>,
}

/// The flags of one account.
#[derive(Debug)]
pub struct Flags {
    path: PathBuf,
    data: Mutex<Data>,
}

impl Flags {
    /// Loads `flags.json` from `dir` (missing or unreadable = empty).
    pub fn load(dir: &Path) -> Self {
        let path = dir.join("flags.json");
        let data = std::fs::read_to_string(&path)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default();
        Self {
            path,
            data: Mutex::new(data),
        }
    }

    fn update(&self, change: impl FnOnce(&mut Data)) -> Result<()> {
        let mut data = self.data.lock().unwrap_or_else(PoisonError::into_inner);
        change(&mut data);
        let text = serde_json::to_string(&*data).map_err(|e| Error::Settings(e.to_string()))?;
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = self.path.with_extension("json.tmp");
        std::fs::write(&tmp, text)?;
        std::fs::rename(tmp, &self.path)?;
        Ok(())
    }

    /// Marks a voice message as played.
    pub fn set_heard(&self, local_id: i64) -> Result<()> {
        self.update(|d| {
            d.heard.insert(local_id);
        })
    }

    /// Whether a voice message was played.
    pub fn heard(&self, local_id: i64) -> bool {
        self.data
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .heard
            .contains(&local_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heard_survives_a_reload() {
        let dir = tempfile::tempdir().unwrap();
        let flags = Flags::load(dir.path());
        assert!(!flags.heard(42));
        flags.set_heard(42).unwrap();
        let again = Flags::load(dir.path());
        assert!(again.heard(42));
        assert!(!again.heard(43));
    }
}
