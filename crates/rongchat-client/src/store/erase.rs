//! Removing messages here: one by one (delete) or a conversation's history up to a time
//! (clear). The search index follows by its delete trigger (migration 0003); a queued
//! send goes with its message; the conversation row keeps its place in the list.

use super::Store;
use super::atomic::Atomic;
use super::conversations::recount_unread;
use crate::error::Result;
use crate::model::{ConversationId, Message};
use rusqlite::{Connection, params};

impl Store {
    /// Deletes these messages (by local id) of `conversation`; ids of other conversations
    /// or unknown ones are ignored. Returns the messages removed.
    pub fn delete_messages(
        &mut self,
        conversation: &ConversationId,
        local_ids: &[i64],
    ) -> Result<Vec<Message>> {
        let mut removed = Vec::new();
        for id in local_ids {
            if let Some(message) = self.message(*id)?
                && message.conversation == *conversation
            {
                removed.push(message);
            }
        }
        let tx = Atomic::begin(&self.conn)?;
        for message in &removed {
            tx.prepare_cached("DELETE FROM outbox WHERE local_id = ?1")?
                .execute([message.local_id])?;
            tx.prepare_cached("DELETE FROM messages WHERE local_id = ?1")?
                .execute([message.local_id])?;
        }
        if !removed.is_empty() {
            refresh_last(&tx, conversation)?;
        }
        tx.commit()?;
        Ok(removed)
    }

    /// Deletes every message of `conversation` sent at or before `up_to` (ms; 0 or less:
    /// all), as the SDK's `clearHistoryMessages` counts. Returns the local ids removed.
    pub fn clear_history(&mut self, conversation: &ConversationId, up_to: i64) -> Result<Vec<i64>> {
        let up_to = if up_to <= 0 { i64::MAX } else { up_to };
        let tx = Atomic::begin(&self.conn)?;
        let ids = {
            let mut stmt = tx.prepare_cached(
                "SELECT local_id FROM messages
                 WHERE conv_type = ?1 AND target_id = ?2 AND sent_time <= ?3",
            )?;
            stmt.query_map(
                params![conversation.kind.code(), conversation.target_id, up_to],
                |r| r.get::<_, i64>(0),
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?
        };
        tx.prepare_cached(
            "DELETE FROM outbox WHERE local_id IN (SELECT local_id FROM messages
               WHERE conv_type = ?1 AND target_id = ?2 AND sent_time <= ?3)",
        )?
        .execute(params![
            conversation.kind.code(),
            conversation.target_id,
            up_to
        ])?;
        tx.prepare_cached(
            "DELETE FROM messages WHERE conv_type = ?1 AND target_id = ?2 AND sent_time <= ?3",
        )?
        .execute(params![
            conversation.kind.code(),
            conversation.target_id,
            up_to
        ])?;
        if !ids.is_empty() {
            refresh_last(&tx, conversation)?;
        }
        tx.commit()?;
        Ok(ids)
    }
}

/// The conversation's last message becomes the newest one left (none: the row keeps its
/// time, like the SDK's `latestMessage: null`), and the unread count is recounted.
fn refresh_last(tx: &Connection, conversation: &ConversationId) -> Result<()> {
    tx.prepare_cached(
        "UPDATE conversations SET last_local_id = (
             SELECT local_id FROM messages WHERE conv_type = ?1 AND target_id = ?2
             ORDER BY sent_time DESC, local_id DESC LIMIT 1)
         WHERE conv_type = ?1 AND target_id = ?2",
    )?
    .execute(params![conversation.kind.code(), conversation.target_id])?;
    recount_unread(tx, conversation)
}
