//! Conversation status from the server (pin, do-not-disturb; `PROTOCOL-NOTES.md`,
//! "Conversation status"): applied to the conversation rows, whose `muted` flag stays the
//! one the notifications read, and the status version pulled from (a `cursors` row).

use super::Store;
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
            .query_row(
                "SELECT value FROM cursors WHERE name = ?1",
                [VERSION_CURSOR],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(0))
    }

    /// Applies statuses from the server (creating a conversation's row if it has none, as
    /// the SDK does, so a later message finds it pinned or muted) and moves the version to
    /// `version` (never back). Returns the conversations that changed.
    pub fn apply_statuses(
        &mut self,
        updates: &[StatusUpdate],
        version: i64,
    ) -> Result<Vec<ConversationId>> {
        let tx = self.conn.transaction()?;
        let mut changed = Vec::new();
        for u in updates {
            let id = ConversationId {
                kind: u.conversation_type,
                target_id: u.target_id.clone(),
            };
            tx.execute(
                "INSERT OR IGNORE INTO conversations (conv_type, target_id) VALUES (?1, ?2)",
                params![id.kind.code(), id.target_id],
            )?;
            let rows = tx.execute(
                "UPDATE conversations SET pinned = COALESCE(?3, pinned),
                     muted = COALESCE(?4, muted)
                 WHERE conv_type = ?1 AND target_id = ?2
                   AND (pinned IS NOT COALESCE(?3, pinned) OR muted IS NOT COALESCE(?4, muted))",
                params![
                    id.kind.code(),
                    id.target_id,
                    u.pinned,
                    u.level.map(is_muted)
                ],
            )?;
            if rows > 0 {
                changed.push(id);
            }
        }
        tx.execute(
            "INSERT INTO cursors (name, value) VALUES (?1, ?2)
             ON CONFLICT (name) DO UPDATE SET value = MAX(value, excluded.value)",
            params![VERSION_CURSOR, version],
        )?;
        tx.commit()?;
        Ok(changed)
    }
}
