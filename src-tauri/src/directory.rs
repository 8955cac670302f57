//! Names and avatars of users and groups. RongCloud has no profile service in IM, so the
//! app keeps its own: the demo world's people (generated avatars), plus names learned
//! from message contents (`user.name`). Unknown ids show as themselves.

use crate::demo;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};

/// A display name and maybe an avatar (data URL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// Display name.
    pub name: String,
    /// Avatar as a `data:image/png` URL.
    pub avatar: Option<String>,
}

/// The directory.
#[derive(Debug, Default)]
pub struct Directory {
    known: HashMap<String, Profile>,
    learned: Mutex<HashMap<String, String>>,
    file: Option<PathBuf>,
}

impl Directory {
    /// The demo world's people and group, with their generated avatars.
    pub fn demo() -> Self {
        let known = demo::USERS
            .iter()
            .chain(std::iter::once(&demo::GROUP))
            .map(|u| {
                let avatar = demo::art::avatar_png(u.id)
                    .ok()
                    .map(|png| crate::dataurl::data_url("image/png", &png));
                (
                    u.id.to_owned(),
                    Profile {
                        name: u.name.to_owned(),
                        avatar,
                    },
                )
            })
            .collect();
        Self {
            known,
            learned: Mutex::default(),
            file: None,
        }
    }

    /// Keeps learned names in `file` (loaded now, written when a name is learned).
    pub fn persisted_in(mut self, file: PathBuf) -> Self {
        let loaded: HashMap<String, String> = std::fs::read_to_string(&file)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default();
        *self.learned.lock().unwrap_or_else(PoisonError::into_inner) = loaded;
        self.file = Some(file);
        self
    }

    /// An empty directory (real accounts): names come from message contents.
    pub fn empty() -> Self {
        Self::default()
    }

    /// Remembers the name a message carried for its sender (known people keep theirs).
    pub fn learn(&self, id: &str, name: &str) {
        if self.known.contains_key(id) || name.trim().is_empty() || name.len() > 256 {
            return;
        }
        let mut learned = self.learned.lock().unwrap_or_else(PoisonError::into_inner);
        if learned.get(id).map(String::as_str) == Some(name) {
            return;
        }
        learned.insert(id.to_owned(), name.to_owned());
        if let Some(file) = &self.file
            && let Ok(text) = serde_json::to_string(&*learned)
        {
            // Best effort: a lost name only means the id shows until the next message.
            if let Some(dir) = file.parent() {
                let _ = std::fs::create_dir_all(dir);
            }
            let tmp = file.with_extension("json.tmp");
            if std::fs::write(&tmp, text).is_ok() {
                let _ = std::fs::rename(tmp, file);
            }
        }
    }

    /// The name to show for an id.
    pub fn name(&self, id: &str) -> String {
        if let Some(p) = self.known.get(id) {
            return p.name.clone();
        }
        self.learned
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_owned())
    }

    /// The avatar for an id, if we have one.
    pub fn avatar(&self, id: &str) -> Option<String> {
        self.known.get(id).and_then(|p| p.avatar.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_people_have_names_and_avatars() {
        let d = Directory::demo();
        assert_eq!(d.name("daqiao"), "大乔");
        assert!(
            d.avatar("zhouyu")
                .unwrap()
                .starts_with("data:image/png;base64,")
        );
        assert_eq!(d.name("stranger"), "stranger");
        d.learn("stranger", "<b>Eve</b>");
        assert_eq!(d.name("stranger"), "<b>Eve</b>");
        d.learn("daqiao", "someone else");
        assert_eq!(d.name("daqiao"), "大乔", "known names are not overwritten");
    }

    #[test]
    fn learned_names_survive_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("names.json");
        Directory::empty()
            .persisted_in(file.clone())
            .learn("eve", "Eve <3");
        let again = Directory::empty().persisted_in(file);
        assert_eq!(again.name("eve"), "Eve <3");
    }
}
