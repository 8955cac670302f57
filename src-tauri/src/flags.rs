//! What the app keeps about conversations and messages beyond the client's store:
//! pinned and muted conversations, and which voice clips were played. One small JSON file
//! per account, written atomically.

use crate::error::{Error, Result};
use crate::models::{ConvRef, ConversationDto};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
struct Data {
    pinned: BTreeSet<String>,
    muted: BTreeSet<String>,
    heard: BTreeSet<i64>,
}

/// The flags of one account.
#[derive(Debug)]
pub struct Flags {
    path: PathBuf,
    data: Mutex<Data>,
}

fn key(conversation_type: u8, target_id: &str) -> String {
    format!("{conversation_type}:{target_id}")
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

    /// Pins or unpins.
    pub fn set_pinned(&self, conv: &ConvRef, pinned: bool) -> Result<()> {
        let k = key(conv.conversation_type, &conv.target_id);
        self.update(|d| {
            if pinned {
                d.pinned.insert(k);
            } else {
                d.pinned.remove(&k);
            }
        })
    }

    /// Mutes or unmutes.
    pub fn set_muted(&self, conv: &ConvRef, muted: bool) -> Result<()> {
        let k = key(conv.conversation_type, &conv.target_id);
        self.update(|d| {
            if muted {
                d.muted.insert(k);
            } else {
                d.muted.remove(&k);
            }
        })
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

    /// Puts the app's pin and mute on a row (the client's own flags count too).
    pub fn apply(&self, dto: &mut ConversationDto) {
        let data = self.data.lock().unwrap_or_else(PoisonError::into_inner);
        let k = key(dto.conversation_type, &dto.target_id);
        dto.pinned = data.pinned.contains(&k);
        dto.muted = data.muted.contains(&k);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_survive_a_reload() {
        let dir = tempfile::tempdir().unwrap();
        let conv = ConvRef {
            conversation_type: 1,
            target_id: "bob".into(),
        };
        let flags = Flags::load(dir.path());
        flags.set_pinned(&conv, true).unwrap();
        flags.set_muted(&conv, true).unwrap();
        flags.set_muted(&conv, false).unwrap();
        flags.set_heard(42).unwrap();
        let again = Flags::load(dir.path());
        assert!(again.heard(42));
        assert!(!again.heard(43));
        let mut dto = ConversationDto {
            conversation_type: 1,
            target_id: "bob".into(),
            title: String::new(),
            avatar: None,
            latest: None,
            latest_time: 0,
            unread: 0,
            pinned: false,
            muted: true,
            draft: String::new(),
        };
        again.apply(&mut dto);
        assert!(dto.pinned);
        assert!(!dto.muted);
    }
}
