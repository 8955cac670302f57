//! Each user's conversation status (pin, notification level; migration 0005): one row per
//! user and conversation, written by `setSeAtt` and the Server API, read by `pullSeAtts`
//! and `conversation/notification/get`. A row's `updated_at` is strictly increasing per
//! user, so "everything after version V" never misses a change made in the same ms.

use crate::error::Result;
use rongchat_proto::ConversationType;
use rongchat_proto::conversation_status::StatusUpdate;
use rusqlite::{Connection, OptionalExtension, params};

/// One conversation's stored status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub channel_type: ConversationType,
    pub target_id: String,
    pub pinned: bool,
    pub level: i32,
    pub updated_at: i64,
}

impl Status {
    /// As the wire carries it: both attributes, stamped with the version.
    pub fn to_update(&self) -> StatusUpdate {
        StatusUpdate {
            conversation_type: self.channel_type,
            target_id: self.target_id.clone(),
            time: self.updated_at,
            pinned: Some(self.pinned),
            level: Some(self.level),
        }
    }
}

/// What [`apply`] did to the user's status version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Versions {
    /// The newest version before the change.
    pub before: i64,
    /// The change's version.
    pub after: i64,
}

/// Applies `updates` (only the attributes each sets) for `user_id`, all with one new
/// version after `now` and after every earlier one.
pub fn apply(
    conn: &mut Connection,
    user_id: &str,
    updates: &[StatusUpdate],
    now: i64,
) -> Result<Versions> {
    let tx = conn.transaction()?;
    let before = version_in(&tx, user_id)?;
    let after = now.max(before + 1);
    for u in updates {
        tx.execute(
            "INSERT INTO conversation_status
                 (user_id, channel_type, target_id, pinned, level, updated_at)
             VALUES (?1, ?2, ?3, COALESCE(?4, 0), COALESCE(?5, 0), ?6)
             ON CONFLICT (user_id, channel_type, target_id) DO UPDATE SET
                 pinned = COALESCE(?4, pinned), level = COALESCE(?5, level),
                 updated_at = ?6",
            params![
                user_id,
                u.conversation_type.code(),
                u.target_id,
                u.pinned,
                u.level,
                after
            ],
        )?;
    }
    tx.commit()?;
    Ok(Versions { before, after })
}

/// The user's status version: the newest change's time (0 = none).
pub fn version(conn: &Connection, user_id: &str) -> Result<i64> {
    version_in(conn, user_id)
}

fn version_in(conn: &Connection, user_id: &str) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT COALESCE(MAX(updated_at), 0) FROM conversation_status WHERE user_id = ?1",
        [user_id],
        |r| r.get(0),
    )?)
}

/// The user's statuses changed after `version`, oldest first, at most `limit`.
pub fn since(conn: &Connection, user_id: &str, version: i64, limit: usize) -> Result<Vec<Status>> {
    let mut stmt = conn.prepare_cached(
        "SELECT channel_type, target_id, pinned, level, updated_at FROM conversation_status
         WHERE user_id = ?1 AND updated_at > ?2 ORDER BY updated_at, target_id LIMIT ?3",
    )?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = stmt
        .query_map(params![user_id, version, limit], status_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// One conversation's status, if ever set.
pub fn get(
    conn: &Connection,
    user_id: &str,
    channel_type: ConversationType,
    target_id: &str,
) -> Result<Option<Status>> {
    Ok(conn
        .query_row(
            "SELECT channel_type, target_id, pinned, level, updated_at FROM conversation_status
             WHERE user_id = ?1 AND channel_type = ?2 AND target_id = ?3",
            params![user_id, channel_type.code(), target_id],
            status_from_row,
        )
        .optional()?)
}

fn status_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Status> {
    Ok(Status {
        channel_type: ConversationType::from_code(r.get(0)?),
        target_id: r.get(1)?,
        pinned: r.get(2)?,
        level: r.get(3)?,
        updated_at: r.get(4)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn update(target: &str, pinned: Option<bool>, level: Option<i32>) -> StatusUpdate {
        StatusUpdate {
            conversation_type: ConversationType::Private,
            target_id: target.into(),
            time: 0,
            pinned,
            level,
        }
    }

    #[test]
    fn changes_keep_the_other_attribute_and_versions_never_repeat() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db.sqlite")).unwrap();
        let first = store
            .with(|c| apply(c, "u", &[update("a", Some(true), None)], 1_000))
            .unwrap();
        assert_eq!(
            first,
            Versions {
                before: 0,
                after: 1_000
            }
        );
        // Same millisecond: the next change still gets a newer version.
        let second = store
            .with(|c| apply(c, "u", &[update("a", None, Some(5))], 1_000))
            .unwrap();
        assert_eq!(
            second,
            Versions {
                before: 1_000,
                after: 1_001
            }
        );
        let a = store
            .with(|c| get(c, "u", ConversationType::Private, "a"))
            .unwrap()
            .unwrap();
        assert!(a.pinned && a.level == 5 && a.updated_at == 1_001);
        assert_eq!(store.with(|c| since(c, "u", 1_000, 10)).unwrap(), [a]);
        assert!(store.with(|c| since(c, "u", 1_001, 10)).unwrap().is_empty());
        // Another user's status is theirs alone.
        assert!(store.with(|c| since(c, "v", 0, 10)).unwrap().is_empty());
        assert_eq!(store.with(|c| version(c, "v")).unwrap(), 0);
    }
}
