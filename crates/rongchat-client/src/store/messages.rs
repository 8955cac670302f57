//! Storing messages: received ones deduplicated, pulls committed with their cursors,
//! history pages read newest-first.

use super::atomic::Atomic;
use super::{Cursors, MESSAGE_COLUMNS, Store, message_from_row, write_cursors};
use crate::error::Result;
use crate::model::{ConversationId, Direction, Incoming, Message, SendStatus};
use rongchat_proto::content::{Content, object_name};
use rusqlite::{Connection, OptionalExtension, params};

/// A recall replaces the message it names by the notice, in place: its content is gone,
/// it no longer counts as unread, and the conversation's row follows. A recall of a
/// message we never held changes nothing (the notice comes with history if asked).
fn apply_recall(tx: &Connection, m: &Incoming) -> Result<Stored> {
    let Ok(Content::Recall(recall)) = Content::parse(&m.object_name, &m.content) else {
        tracing::warn!("undecodable recall ignored");
        return Ok(Stored::Transient);
    };
    let notice = recall.notice(&m.sender_id, m.sent_time);
    let updated = tx
        .prepare_cached(
            "UPDATE messages SET object_name = ?2, content = ?3, counted = 0, local_path = NULL
         WHERE uid = ?1",
        )?
        .execute(params![
            recall.message_uid,
            object_name::RECALL_NOTICE,
            Content::RecallNotice(notice).to_json()
        ])?;
    if updated == 0 {
        return Ok(Stored::Transient);
    }
    let message = tx
        .prepare_cached(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages WHERE uid = ?1"
        ))?
        .query_row(params![recall.message_uid], message_from_row)?;
    super::conversations::recount_unread(tx, &message.conversation)?;
    Ok(Stored::Recalled(message))
}

/// What storing one incoming message did.
#[derive(Debug, Clone, PartialEq)]
pub enum Stored {
    /// A new message.
    New(Message),
    /// A local echo that now carries its messageUId (our own message seen again).
    Confirmed(Message),
    /// Already held: nothing changed.
    Duplicate,
    /// Not persisted by type (status messages, read syncs): handled, not stored.
    Transient,
    /// A recall (`RC:RcCmd`): the message it names now holds the `RC:RcNtf` notice.
    Recalled(Message),
}

/// The result of committing a batch.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Applied {
    /// Per incoming message, in order.
    pub stored: Vec<Stored>,
    /// Conversations whose row changed.
    pub conversations: Vec<ConversationId>,
}

impl Store {
    /// Stores a batch from `pullMsg` (or a push / echo) and, in the same transaction,
    /// the cursors that cover it: a crash leaves either both or neither.
    pub fn apply_incoming(
        &mut self,
        batch: &[Incoming],
        cursors: Option<Cursors>,
    ) -> Result<Applied> {
        let tx = Atomic::begin(&self.conn)?;
        let mut applied = Applied::default();
        for incoming in batch {
            let stored = insert_incoming(&tx, incoming, true)?;
            if !matches!(stored, Stored::Duplicate) {
                push_unique(&mut applied.conversations, &incoming.conversation);
            }
            applied.stored.push(stored);
        }
        if let Some(cursors) = cursors {
            write_cursors(&tx, cursors)?;
        }
        tx.commit()?;
        Ok(applied)
    }

    /// Stores messages fetched by remote history: deduplicated, no unread changes.
    pub fn insert_history(&mut self, batch: &[Incoming]) -> Result<usize> {
        let tx = Atomic::begin(&self.conn)?;
        let mut added = 0;
        for incoming in batch {
            if let Stored::New(_) = insert_incoming(&tx, incoming, false)? {
                added += 1;
            }
        }
        tx.commit()?;
        Ok(added)
    }

    /// A page of `count` messages older than `before` (`(sent_time, local_id)`; `None` =
    /// newest), returned oldest first.
    pub fn history(
        &self,
        conversation: &ConversationId,
        before: Option<(i64, i64)>,
        count: usize,
    ) -> Result<Vec<Message>> {
        let (time, id) = before.unwrap_or((i64::MAX, i64::MAX));
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages
             WHERE conv_type = ?1 AND target_id = ?2
               AND (sent_time < ?3 OR (sent_time = ?3 AND local_id < ?4))
             ORDER BY sent_time DESC, local_id DESC LIMIT ?5"
        ))?;
        let mut page = stmt
            .query_map(
                params![
                    conversation.kind.code(),
                    conversation.target_id,
                    time,
                    id,
                    count as i64
                ],
                message_from_row,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        page.reverse();
        Ok(page)
    }
}

fn push_unique(list: &mut Vec<ConversationId>, id: &ConversationId) {
    if !list.contains(id) {
        list.push(id.clone());
    }
}

/// Inserts one message unless it is held already (by messageUId, or by sender plus
/// clientUniqueId: a resend the server stored twice). Updates the conversation row.
fn insert_incoming(tx: &Connection, m: &Incoming, count_unread: bool) -> Result<Stored> {
    if m.object_name == object_name::RECALL {
        return apply_recall(tx, m);
    }
    if !m.persisted {
        return Ok(Stored::Transient);
    }
    if let Some(uid) = &m.uid {
        let held: Option<i64> = tx
            .prepare_cached("SELECT local_id FROM messages WHERE uid = ?1")?
            .query_row(params![uid], |r| r.get(0))
            .optional()?;
        if held.is_some() {
            return Ok(Stored::Duplicate);
        }
    }
    if let Some(cuid) = m.client_unique_id {
        let held: Option<(i64, Option<String>)> = tx
            .prepare_cached(
                "SELECT local_id, uid FROM messages WHERE sender_id = ?1 AND client_unique_id = ?2",
            )?
            .query_row(params![m.sender_id, cuid], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        if let Some((local_id, held_uid)) = held {
            // Our own unacked echo seen in a pull: adopt the server's uid and time.
            if held_uid.is_none() && m.uid.is_some() {
                tx.prepare_cached(
                    "UPDATE messages SET uid = ?2, sent_time = ?3, status = ?4, fail_reason = NULL
                     WHERE local_id = ?1",
                )?
                .execute(params![
                    local_id,
                    m.uid,
                    m.sent_time,
                    SendStatus::Sent.code()
                ])?;
                tx.prepare_cached("DELETE FROM outbox WHERE local_id = ?1")?
                    .execute(params![local_id])?;
                let message = tx
                    .prepare_cached(&format!(
                        "SELECT {MESSAGE_COLUMNS} FROM messages WHERE local_id = ?1"
                    ))?
                    .query_row(params![local_id], message_from_row)?;
                super::conversations::touch(tx, &message, false)?;
                return Ok(Stored::Confirmed(message));
            }
            return Ok(Stored::Duplicate);
        }
    }
    let status = match m.direction {
        Direction::Send => SendStatus::Sent,
        Direction::Receive => SendStatus::Received,
    };
    tx.prepare_cached(
        "INSERT INTO messages (uid, conv_type, target_id, sender_id, direction, object_name,
             content, sent_time, status, counted, client_unique_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        m.uid,
        m.conversation.kind.code(),
        m.conversation.target_id,
        m.sender_id,
        m.direction.code(),
        m.object_name,
        m.content,
        m.sent_time,
        status.code(),
        m.counted,
        m.client_unique_id
    ])?;
    let message = Message {
        local_id: tx.last_insert_rowid(),
        uid: m.uid.clone(),
        conversation: m.conversation.clone(),
        sender_id: m.sender_id.clone(),
        direction: m.direction,
        object_name: m.object_name.clone(),
        content: m.content.clone(),
        sent_time: m.sent_time,
        status,
        failure: None,
        local_path: None,
    };
    let unread = count_unread && m.counted && m.direction == Direction::Receive;
    super::conversations::touch(tx, &message, unread)?;
    Ok(Stored::New(message))
}
