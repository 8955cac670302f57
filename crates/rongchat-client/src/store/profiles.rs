//! The profile cache (migration 0005): names and portraits the server gave, with when.

use super::Store;
use crate::error::Result;
use rusqlite::{OptionalExtension, params};

/// What the cache holds about a user or a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedProfile {
    pub id: String,
    pub name: String,
    pub portrait: Option<String>,
    /// When it was read from the server, ms.
    pub fetched_at: i64,
}

/// `profiles.kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileKind {
    User = 1,
    Group = 3,
}

impl Store {
    /// Remembers what the server said about `id` at `now` (ms).
    pub fn cache_profile(
        &mut self,
        kind: ProfileKind,
        id: &str,
        name: &str,
        portrait: Option<&str>,
        now: i64,
    ) -> Result<()> {
        self.conn.prepare_cached("INSERT INTO profiles (kind, id, name, portrait, fetched_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(kind, id) DO UPDATE SET
               name = excluded.name, portrait = excluded.portrait, fetched_at = excluded.fetched_at")?.execute(params![kind as i64, id, name, portrait, now],
        )?;
        Ok(())
    }

    /// The cached profile of `id`, if any.
    pub fn cached_profile(&self, kind: ProfileKind, id: &str) -> Result<Option<CachedProfile>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT id, name, portrait, fetched_at FROM profiles WHERE kind = ?1 AND id = ?2",
            )?
            .query_row(params![kind as i64, id], |r| {
                Ok(CachedProfile {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    portrait: r.get(2)?,
                    fetched_at: r.get(3)?,
                })
            })
            .optional()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_is_cached_and_replaced() {
        let mut s = Store::open_in_memory().unwrap();
        assert_eq!(s.cached_profile(ProfileKind::User, "u1").unwrap(), None);
        s.cache_profile(ProfileKind::User, "u1", "大乔", Some("http://p"), 5)
            .unwrap();
        s.cache_profile(ProfileKind::User, "u1", "大乔 2", None, 9)
            .unwrap();
        let got = s.cached_profile(ProfileKind::User, "u1").unwrap().unwrap();
        assert_eq!(
            (got.name.as_str(), got.portrait, got.fetched_at),
            ("大乔 2", None, 9)
        );
        assert_eq!(
            s.cached_profile(ProfileKind::Group, "u1").unwrap(),
            None,
            "users and groups are apart"
        );
    }
}
