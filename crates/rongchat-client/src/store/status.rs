//! Conversation status from the server (pin, do-not-disturb; `PROTOCOL-NOTES.md`,
//! "Conversation status"): applied to the conversation rows, whose `muted` flag stays the
//! one the notifications read, and the status version pulled from (a `cursors` row);
//! this device's own pins and mutes wait in `status_outbox` (migration 0006) until acked,
//! and a server status does not overwrite one still waiting (ours goes out after it).

use super::Store;
use super::atomic::Atomic;
use crate::error::Result;
use crate::model::ConversationId;
use rongchat_proto::conversation_status::{StatusUpdate, is_muted};
use rusqlite::{OptionalExtension, params};

/// The `cursors` row holding the newest status version applied.
const VERSION_CURSOR: &str = "conversation_status";

impl Store {
    /// The newest conversation-status version applied (0: none yet).
    pub fn status_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .prepare_cached("SELECT value FROM cursors WHERE name = ?1")?
            .query_row([VERSION_CURSOR], |r| r.get(0))
            .optional()?
            .unwrap_or(0))
    }

    /// Applies statuses from the server (a pinned chat gets a row if it has none, as the
    /// SDK does) and moves the version to `version` (never back). Returns the
    /// conversations that changed.
    pub fn apply_statuses(
        &mut self,
        updates: &[StatusUpdate],
        version: i64,
    ) -> Result<Vec<ConversationId>> {
        let tx = Atomic::begin(&self.conn)?;
        let mut changed = Vec::new();
        for u in updates {
            let id = ConversationId {
                kind: u.conversation_type,
                target_id: u.target_id.clone(),
            };
            // A pinned chat is listed even before its first message (the SDK creates it
            // too); other statuses only change chats this device lists.
            if u.pinned == Some(true) {
                tx.prepare_cached(
                    "INSERT OR IGNORE INTO conversations (conv_type, target_id) VALUES (?1, ?2)",
                )?
                .execute(params![id.kind.code(), id.target_id])?;
            }
            let rows = tx
                .prepare_cached(
                    "UPDATE conversations SET pinned = COALESCE(?3, pinned),
                     muted = COALESCE(?4, muted), level = COALESCE(?5, level)
                 WHERE conv_type = ?1 AND target_id = ?2
                   AND NOT EXISTS (SELECT 1 FROM status_outbox o
                                   WHERE o.conv_type = ?1 AND o.target_id = ?2)
                   AND (pinned IS NOT COALESCE(?3, pinned) OR level IS NOT COALESCE(?5, level))",
                )?
                .execute(params![
                    id.kind.code(),
                    id.target_id,
                    u.pinned,
                    u.level.map(is_muted),
                    u.level
                ])?;
            if rows > 0 {
                changed.push(id);
            }
        }
        tx.prepare_cached(
            "INSERT INTO cursors (name, value) VALUES (?1, ?2)
             ON CONFLICT (name) DO UPDATE SET value = MAX(value, excluded.value)",
        )?
        .execute(params![VERSION_CURSOR, version])?;
        tx.commit()?;
        Ok(changed)
    }

    /// Queues a local pin or mute for the server (merged with one not yet sent).
    pub fn queue_status(&mut self, update: &StatusUpdate) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO status_outbox (conv_type, target_id, pinned, level, seq)
             VALUES (?1, ?2, ?3, ?4, 1)
             ON CONFLICT (conv_type, target_id) DO UPDATE SET
                 pinned = COALESCE(excluded.pinned, pinned),
                 level = COALESCE(excluded.level, level), seq = seq + 1",
            )?
            .execute(params![
                update.conversation_type.code(),
                update.target_id,
                update.pinned,
                update.level
            ])?;
        Ok(())
    }

    /// The queued local changes, at most `limit`, each with its `seq`.
    pub fn queued_statuses(&self, limit: usize) -> Result<Vec<(StatusUpdate, i64)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT conv_type, target_id, pinned, level, seq FROM status_outbox
             ORDER BY rowid LIMIT ?1",
        )?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt
            .query_map([limit], |r| {
                Ok((
                    StatusUpdate {
                        conversation_type: rongchat_proto::ConversationType::from_code(r.get(0)?),
                        target_id: r.get(1)?,
                        time: 0,
                        pinned: r.get(2)?,
                        level: r.get(3)?,
                    },
                    r.get(4)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// The server answered these changes: each is forgotten unless changed again since.
    pub fn statuses_sent(&mut self, sent: &[(ConversationId, i64)]) -> Result<()> {
        let tx = Atomic::begin(&self.conn)?;
        for (id, seq) in sent {
            tx.prepare_cached(
                "DELETE FROM status_outbox WHERE conv_type = ?1 AND target_id = ?2 AND seq = ?3",
            )?
            .execute(params![id.kind.code(), id.target_id, seq])?;
        }
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ConversationType;
    use rongchat_proto::conversation_status::level;

    fn status(level: Option<i32>) -> StatusUpdate {
        StatusUpdate {
            conversation_type: ConversationType::Group,
            target_id: "g1".into(),
            time: 1,
            pinned: Some(true),
            level,
        }
    }

    #[test]
    fn a_level_from_another_device_is_kept_as_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("db.sqlite")).unwrap();
        let id = ConversationId::group("g1");
        store
            .apply_statuses(&[status(Some(level::NONE))], 1)
            .unwrap();
        let c = store.conversation(&id).unwrap().unwrap();
        assert_eq!((c.muted, c.level), (true, level::NONE));
        // "@me only" after "nothing": still muted, but a different level.
        let changed = store
            .apply_statuses(&[status(Some(level::MENTIONS_OF_ME))], 2)
            .unwrap();
        assert_eq!(changed, vec![id.clone()]);
        let c = store.conversation(&id).unwrap().unwrap();
        assert_eq!((c.muted, c.level), (true, level::MENTIONS_OF_ME));
        // Unmuted here: the level goes with it.
        store.set_muted(&id, false).unwrap();
        let c = store.conversation(&id).unwrap().unwrap();
        assert_eq!((c.muted, c.level), (false, level::NOT_SET));
    }
}
