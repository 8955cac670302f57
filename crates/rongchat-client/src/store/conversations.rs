//! The conversation list: last message, unread count, read time, draft, pin, mute.

use super::Store;
use super::atomic::Atomic;
use super::mentions::MENTIONED_COLUMN;
use crate::error::Result;
use crate::model::{Conversation, ConversationId, ConversationType, Direction, Message};
use rongchat_proto::conversation_status::level_of_muted;
use rusqlite::{Connection, OptionalExtension, Row, params};

const CONVERSATION_COLUMNS: &str = "c.conv_type, c.target_id, c.last_time, c.unread, \
    c.read_time, c.draft, c.pinned, c.muted, c.level";
/// Where the queries put `c.last_local_id`: after the columns above.
const LAST_LOCAL_ID_INDEX: usize = 9;
/// Where `conversation_from_row` finds [`MENTIONED_COLUMN`]: after `c.last_local_id`.
const MENTIONED_INDEX: usize = 10;

impl Store {
    /// The conversation list: pinned first, then newest first.
    pub fn conversations(&self) -> Result<Vec<Conversation>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {CONVERSATION_COLUMNS}, c.last_local_id, {MENTIONED_COLUMN}
             FROM conversations c ORDER BY c.pinned DESC, c.last_time DESC"
        ))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    conversation_from_row(r)?,
                    r.get::<_, Option<i64>>(LAST_LOCAL_ID_INDEX)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(mut conversation, last)| {
                conversation.last_message = match last {
                    Some(id) => self.message(id)?,
                    None => None,
                };
                Ok(conversation)
            })
            .collect()
    }

    /// One conversation, if listed.
    pub fn conversation(&self, id: &ConversationId) -> Result<Option<Conversation>> {
        let row = self
            .conn
            .prepare_cached(&format!(
                "SELECT {CONVERSATION_COLUMNS}, c.last_local_id, {MENTIONED_COLUMN}
                     FROM conversations c WHERE c.conv_type = ?1 AND c.target_id = ?2"
            ))?
            .query_row(params![id.kind.code(), id.target_id], |r| {
                Ok((
                    conversation_from_row(r)?,
                    r.get::<_, Option<i64>>(LAST_LOCAL_ID_INDEX)?,
                ))
            })
            .optional()?;
        let Some((mut conversation, last)) = row else {
            return Ok(None);
        };
        if let Some(last) = last {
            conversation.last_message = self.message(last)?;
        }
        Ok(Some(conversation))
    }

    /// Marks everything up to `up_to` (ms) read and recounts the unread messages.
    /// The read time never moves back. Returns the updated row, if the conversation exists.
    pub fn mark_read(&mut self, id: &ConversationId, up_to: i64) -> Result<Option<Conversation>> {
        let tx = Atomic::begin(&self.conn)?;
        let changed = tx
            .prepare_cached(
                "UPDATE conversations SET read_time = MAX(read_time, ?3)
             WHERE conv_type = ?1 AND target_id = ?2",
            )?
            .execute(params![id.kind.code(), id.target_id, up_to])?;
        if changed > 0 {
            recount_unread(&tx, id)?;
        }
        tx.commit()?;
        self.conversation(id)
    }

    /// Marks read up to `up_to` here and queues the read state for the server and the
    /// other devices, in one transaction.
    pub fn mark_read_and_queue(
        &mut self,
        id: &ConversationId,
        up_to: i64,
    ) -> Result<Option<Conversation>> {
        self.conn
            .prepare_cached(
                "INSERT INTO read_syncs (conv_type, target_id, read_time) VALUES (?1, ?2, ?3)
             ON CONFLICT (conv_type, target_id)
             DO UPDATE SET read_time = MAX(read_time, excluded.read_time)",
            )?
            .execute(params![id.kind.code(), id.target_id, up_to])?;
        self.mark_read(id, up_to)
    }

    /// Read states not yet acked by the server.
    pub fn pending_read_syncs(&self) -> Result<Vec<(ConversationId, i64)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT conv_type, target_id, read_time FROM read_syncs")?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    ConversationId {
                        kind: ConversationType::from_code(r.get(0)?),
                        target_id: r.get(1)?,
                    },
                    r.get::<_, i64>(2)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// The server and the other devices know about `read_time`: forget it unless a newer
    /// read was queued meanwhile.
    pub fn read_sync_done(&mut self, id: &ConversationId, read_time: i64) -> Result<()> {
        self.conn.prepare_cached("DELETE FROM read_syncs WHERE conv_type = ?1 AND target_id = ?2 AND read_time <= ?3")?.execute(params![id.kind.code(), id.target_id, read_time],
        )?;
        Ok(())
    }

    /// Removes the conversation from the list; its messages stay. A new message brings
    /// it back.
    pub fn remove_conversation(&mut self, id: &ConversationId) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("DELETE FROM conversations WHERE conv_type = ?1 AND target_id = ?2")?
            .execute(params![id.kind.code(), id.target_id])?
            > 0)
    }

    /// Sets the draft (creating the conversation row if needed).
    pub fn set_draft(&mut self, id: &ConversationId, draft: &str) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO conversations (conv_type, target_id, draft) VALUES (?1, ?2, ?3)
             ON CONFLICT (conv_type, target_id) DO UPDATE SET draft = excluded.draft",
            )?
            .execute(params![id.kind.code(), id.target_id, draft])?;
        Ok(())
    }

    /// Pins or unpins.
    pub fn set_pinned(&mut self, id: &ConversationId, pinned: bool) -> Result<()> {
        self.conn
            .prepare_cached(
                "UPDATE conversations SET pinned = ?3 WHERE conv_type = ?1 AND target_id = ?2",
            )?
            .execute(params![id.kind.code(), id.target_id, pinned])?;
        Ok(())
    }

    /// Mutes (level "@mentions only") or unmutes (level "not set").
    pub fn set_muted(&mut self, id: &ConversationId, muted: bool) -> Result<()> {
        self.conn
            .prepare_cached(
                "UPDATE conversations SET muted = ?3, level = ?4
             WHERE conv_type = ?1 AND target_id = ?2",
            )?
            .execute(params![
                id.kind.code(),
                id.target_id,
                muted,
                level_of_muted(muted)
            ])?;
        Ok(())
    }

    /// The newest message time in a conversation, ms (0 when empty).
    pub fn newest_time(&self, id: &ConversationId) -> Result<i64> {
        Ok(self.conn.prepare_cached("SELECT COALESCE(MAX(sent_time), 0) FROM messages WHERE conv_type = ?1 AND target_id = ?2")?.query_row(params![id.kind.code(), id.target_id],
            |r| r.get(0),
        )?)
    }
}

/// Records `message` in its conversation: the newest message becomes the last one, and a
/// received counted message newer than the read time adds one unread.
pub(super) fn touch(tx: &Connection, message: &Message, count_unread: bool) -> Result<()> {
    let id = &message.conversation;
    tx.prepare_cached(
        "INSERT INTO conversations (conv_type, target_id) VALUES (?1, ?2)
         ON CONFLICT (conv_type, target_id) DO NOTHING",
    )?
    .execute(params![id.kind.code(), id.target_id])?;
    tx.prepare_cached(
        "UPDATE conversations SET last_local_id = ?3, last_time = ?4
         WHERE conv_type = ?1 AND target_id = ?2 AND last_time <= ?4",
    )?
    .execute(params![
        id.kind.code(),
        id.target_id,
        message.local_id,
        message.sent_time
    ])?;
    if count_unread {
        tx.prepare_cached(
            "UPDATE conversations SET unread = unread + 1
             WHERE conv_type = ?1 AND target_id = ?2 AND read_time < ?3",
        )?
        .execute(params![id.kind.code(), id.target_id, message.sent_time])?;
    }
    Ok(())
}

pub(super) fn recount_unread(tx: &Connection, id: &ConversationId) -> Result<()> {
    tx.prepare_cached(
        "UPDATE conversations SET unread = (
             SELECT COUNT(*) FROM messages m
             WHERE m.conv_type = ?1 AND m.target_id = ?2 AND m.direction = ?3
               AND m.counted = 1 AND m.sent_time > conversations.read_time)
         WHERE conv_type = ?1 AND target_id = ?2",
    )?
    .execute(params![
        id.kind.code(),
        id.target_id,
        Direction::Receive.code()
    ])?;
    Ok(())
}

fn conversation_from_row(row: &Row<'_>) -> rusqlite::Result<Conversation> {
    Ok(Conversation {
        id: ConversationId {
            kind: ConversationType::from_code(row.get(0)?),
            target_id: row.get(1)?,
        },
        last_message: None,
        last_time: row.get(2)?,
        unread: row.get(3)?,
        read_time: row.get(4)?,
        draft: row.get(5)?,
        pinned: row.get(6)?,
        muted: row.get(7)?,
        level: row.get(8)?,
        mentioned: row.get(MENTIONED_INDEX)?,
    })
}
