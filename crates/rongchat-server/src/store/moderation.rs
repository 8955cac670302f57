//! Who may send to whom: blacklists and group gags.

use crate::error::Result;
use rusqlite::{Connection, OptionalExtension, params};

/// Adds (or with `add` false removes) `blacked` to `user_id`'s blacklist.
pub fn set_blacklisted(
    conn: &mut Connection,
    user_id: &str,
    blacked: &[String],
    add: bool,
    now: i64,
) -> Result<()> {
    let tx = conn.transaction()?;
    for other in blacked {
        if add {
            tx.execute(
                "INSERT OR IGNORE INTO blacklist (user_id, black_user_id, created_at)
                 VALUES (?1, ?2, ?3)",
                params![user_id, other, now],
            )?;
        } else {
            tx.execute(
                "DELETE FROM blacklist WHERE user_id = ?1 AND black_user_id = ?2",
                params![user_id, other],
            )?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// `user_id`'s blacklist, in the order added.
pub fn blacklist(conn: &Connection, user_id: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT black_user_id FROM blacklist WHERE user_id = ?1 ORDER BY created_at, rowid",
    )?;
    let rows = stmt
        .query_map([user_id], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(rows)
}

/// Whether `recipient` blacklisted `sender`.
pub fn is_blacklisted(conn: &Connection, recipient: &str, sender: &str) -> Result<bool> {
    // Cached: routing asks this for every private message.
    Ok(conn
        .prepare_cached("SELECT 1 FROM blacklist WHERE user_id = ?1 AND black_user_id = ?2")?
        .query_row(params![recipient, sender], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Gags `members` in the group until `until` (ms), or with `until` `None` lifts their gag.
pub fn set_gagged(
    conn: &mut Connection,
    group_id: &str,
    members: &[String],
    until: Option<i64>,
) -> Result<()> {
    let tx = conn.transaction()?;
    for member in members {
        match until {
            Some(end) => tx.execute(
                "INSERT INTO group_gags (group_id, user_id, gag_end) VALUES (?1, ?2, ?3)
                 ON CONFLICT(group_id, user_id) DO UPDATE SET gag_end = excluded.gag_end",
                params![group_id, member, end],
            )?,
            None => tx.execute(
                "DELETE FROM group_gags WHERE group_id = ?1 AND user_id = ?2",
                params![group_id, member],
            )?,
        };
    }
    tx.commit()?;
    Ok(())
}

/// The group's members gagged at `now`, with each gag's end.
pub fn gagged(conn: &Connection, group_id: &str, now: i64) -> Result<Vec<(String, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT user_id, gag_end FROM group_gags WHERE group_id = ?1 AND gag_end > ?2
         ORDER BY user_id",
    )?;
    let rows = stmt
        .query_map(params![group_id, now], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Whether `user_id` is gagged in the group at `now` (a gag ends by itself).
pub fn is_gagged(conn: &Connection, group_id: &str, user_id: &str, now: i64) -> Result<bool> {
    // Cached: routing asks this for every group message.
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM group_gags WHERE group_id = ?1 AND user_id = ?2 AND gag_end > ?3",
        )?
        .query_row(params![group_id, user_id, now], |_| Ok(()))
        .optional()?
        .is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db.sqlite")).unwrap();
        (dir, store)
    }

    #[test]
    fn a_gag_ends_by_itself() {
        let (_dir, store) = store();
        store
            .with(|c| set_gagged(c, "g", &["u".to_owned()], Some(1_000)))
            .unwrap();
        assert!(store.with(|c| is_gagged(c, "g", "u", 999)).unwrap());
        assert!(!store.with(|c| is_gagged(c, "g", "u", 1_000)).unwrap());
        assert!(store.with(|c| gagged(c, "g", 1_000)).unwrap().is_empty());
    }

    #[test]
    fn blacklist_is_one_way() {
        let (_dir, store) = store();
        store
            .with(|c| set_blacklisted(c, "a", &["b".to_owned()], true, 1))
            .unwrap();
        assert!(store.with(|c| is_blacklisted(c, "a", "b")).unwrap());
        assert!(!store.with(|c| is_blacklisted(c, "b", "a")).unwrap());
        store
            .with(|c| set_blacklisted(c, "a", &["b".to_owned()], false, 2))
            .unwrap();
        assert!(store.with(|c| blacklist(c, "a")).unwrap().is_empty());
    }
}
