//! Names and avatars of users and groups. First the server's profiles (information
//! hosting: `pullUserProfile`, `qChannelInfo`, `qChannelMem`; see `profiles.rs`), then the
//! demo world's people (generated avatars, also the avatar fallback), then names learned
//! from message contents (`user.name`). Unknown ids show as themselves.
//!
//! Avatars are kept here once, as bytes; the page gets a `rongchat-avatar:` URL for them
//! (`avatars.rs` serves it).

use crate::demo;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// A display name and maybe an avatar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// Display name.
    pub name: String,
    /// The avatar's URL for the page (`rongchat-avatar:`).
    pub avatar: Option<String>,
    /// The avatar's bytes (a PNG), served at that URL.
    pub picture: Option<Arc<[u8]>>,
}

/// The directory.
#[derive(Debug, Default)]
pub struct Directory {
    known: HashMap<String, Profile>,
    learned: Mutex<HashMap<String, String>>,
    /// Names the server gave, with when they were read (re-read once stale).
    served: Mutex<HashMap<String, (String, Instant)>>,
    file: Option<PathBuf>,
}

/// How long a name read from the server is trusted before it is read again (the SDK
/// re-reads an unsubscribed user's profile after 10 minutes).
pub const SERVED_FRESH: Duration = Duration::from_secs(600);

impl Directory {
    /// The demo world's people and group, with their generated avatars.
    pub fn demo() -> Self {
        let known = demo::USERS
            .iter()
            .chain(std::iter::once(&demo::GROUP))
            .map(|u| {
                let picture = demo::art::avatar_png(u.id).ok().map(Arc::from);
                let kind = if u.id == demo::GROUP.id {
                    "group"
                } else {
                    "user"
                };
                (
                    u.id.to_owned(),
                    Profile {
                        name: u.name.to_owned(),
                        avatar: picture.as_ref().map(|_| crate::avatars::url(kind, u.id)),
                        picture,
                    },
                )
            })
            .collect();
        Self {
            known,
            ..Self::default()
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

    /// Remembers the name the server has for an id (user or group), read at `now`; an
    /// empty name is remembered as read, so the id is not asked again until stale.
    pub fn serve(&self, id: &str, name: &str, now: Instant) {
        let name = if name.len() > 256 { "" } else { name };
        self.served
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id.to_owned(), (name.to_owned(), now));
    }

    /// Whether the server's name of `id` was read in this run (fresh or not).
    pub fn has_served(&self, id: &str) -> bool {
        self.served
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .contains_key(id)
    }

    /// The ids among `ids` whose server name was never read or is stale at `now`.
    pub fn stale<'a>(&self, ids: impl IntoIterator<Item = &'a str>, now: Instant) -> Vec<String> {
        let served = self.served.lock().unwrap_or_else(PoisonError::into_inner);
        let mut out: Vec<String> = Vec::new();
        for id in ids {
            let fresh = served
                .get(id)
                .is_some_and(|(_, at)| now.saturating_duration_since(*at) < SERVED_FRESH);
            if !fresh && !out.iter().any(|o| o == id) {
                out.push(id.to_owned());
            }
        }
        out
    }

    /// The name to show for an id.
    pub fn name(&self, id: &str) -> String {
        if let Some((name, _)) = self
            .served
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(id)
            .filter(|(name, _)| !name.trim().is_empty())
        {
            return name.clone();
        }
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

    /// The avatar's URL for an id, if we have one.
    pub fn avatar(&self, id: &str) -> Option<String> {
        self.known.get(id).and_then(|p| p.avatar.clone())
    }

    /// The avatar's bytes for an id (what its URL serves), if we have them.
    pub fn avatar_png(&self, id: &str) -> Option<Arc<[u8]>> {
        self.known.get(id).and_then(|p| p.picture.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_people_have_names_and_avatars() {
        let d = Directory::demo();
        assert_eq!(d.name("daqiao"), "大乔");
        assert_eq!(
            d.avatar("zhouyu").as_deref(),
            Some("rongchat-avatar://localhost/user/zhouyu")
        );
        assert_eq!(
            d.avatar(demo::GROUP.id),
            Some(crate::avatars::url("group", demo::GROUP.id))
        );
        let png = d.avatar_png("zhouyu").unwrap();
        assert_eq!(crate::dataurl::sniff_image(&png), Some("image/png"));
        assert_eq!(d.avatar_png("stranger"), None);
        assert_eq!(d.name("stranger"), "stranger");
        d.learn("stranger", "<b>Eve</b>");
        assert_eq!(d.name("stranger"), "<b>Eve</b>");
        d.learn("daqiao", "someone else");
        assert_eq!(d.name("daqiao"), "大乔", "known names are not overwritten");
    }

    #[test]
    fn server_names_come_first_and_go_stale() {
        let d = Directory::demo();
        let t0 = Instant::now();
        assert_eq!(d.stale(["daqiao", "eve", "eve"], t0), ["daqiao", "eve"]);
        d.serve("daqiao", "大乔 (server)", t0);
        d.serve("eve", "", t0);
        assert_eq!(d.name("daqiao"), "大乔 (server)");
        assert_eq!(d.name("eve"), "eve", "an empty server name falls back");
        assert!(
            d.avatar("daqiao").is_some(),
            "demo avatars stay the fallback"
        );
        assert!(
            d.stale(["daqiao", "eve"], t0 + Duration::from_secs(1))
                .is_empty()
        );
        assert_eq!(d.stale(["daqiao"], t0 + SERVED_FRESH), ["daqiao"]);
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
