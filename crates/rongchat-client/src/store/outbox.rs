//! The durable send queue. A message enters the outbox in the same transaction that
//! stores its local echo, and leaves it in the same transaction that records its PUBACK,
//! so a crash at any point neither loses nor doubles a send.

use super::atomic::Atomic;
use super::{MESSAGE_COLUMN_COUNT, MESSAGE_COLUMNS, Store, message_from_row};
use crate::error::Result;
use crate::model::{ConversationId, Direction, FileType, Message, SendFailure, SendStatus};
use rusqlite::{OptionalExtension, params};

/// Where a queued message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxStage {
    /// Its file must be uploaded first.
    Upload,
    /// Ready to PUBLISH (again, after a lost link).
    Publish,
    /// Failed for good until the application retries it.
    Failed,
}

impl OutboxStage {
    fn code(self) -> i64 {
        match self {
            Self::Upload => 0,
            Self::Publish => 1,
            Self::Failed => 2,
        }
    }

    fn from_code(code: i64) -> Self {
        match code {
            0 => Self::Upload,
            1 => Self::Publish,
            _ => Self::Failed,
        }
    }
}

/// A new message for the outbox.
#[derive(Debug, Clone)]
pub struct NewOutgoing<'a> {
    /// Where to.
    pub conversation: &'a ConversationId,
    /// This user.
    pub sender_id: &'a str,
    /// Object name.
    pub object_name: &'a str,
    /// Content JSON (without the upload URL until uploaded).
    pub content: &'a str,
    /// Local time, ms.
    pub now_ms: i64,
    /// The clientUniqueId reused on every resend.
    pub client_unique_id: i64,
    /// Whether it counts (sessionId bits are derived from the object name when sent).
    pub counted: bool,
    /// A file to upload before publishing.
    pub upload: Option<(&'a str, FileType)>,
}

/// One queued message.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxEntry {
    /// The stored local echo.
    pub message: Message,
    /// What happens next.
    pub stage: OutboxStage,
    /// The file still to upload, and its FileType.
    pub upload: Option<(String, FileType)>,
    /// The clientUniqueId to publish with.
    pub client_unique_id: i64,
    /// Publishes that went unanswered so far (a lost PUBACK or link).
    pub attempts: i64,
}

impl Store {
    /// Stores a local echo as *sending* and queues it, in one transaction.
    pub fn enqueue(&mut self, new: &NewOutgoing<'_>) -> Result<Message> {
        let tx = Atomic::begin(&self.conn)?;
        tx.prepare_cached(
            "INSERT INTO messages (conv_type, target_id, sender_id, direction, object_name,
                 content, sent_time, status, counted, client_unique_id, local_path)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, ?9, ?10)",
        )?
        .execute(params![
            new.conversation.kind.code(),
            new.conversation.target_id,
            new.sender_id,
            Direction::Send.code(),
            new.object_name,
            new.content,
            new.now_ms,
            SendStatus::Sending.code(),
            new.client_unique_id,
            new.upload.map(|(path, _)| path),
        ])?;
        let local_id = tx.last_insert_rowid();
        let stage = match new.upload {
            Some(_) => OutboxStage::Upload,
            None => OutboxStage::Publish,
        };
        tx.prepare_cached(
            "INSERT INTO outbox (local_id, stage, upload_path, file_type) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![
            local_id,
            stage.code(),
            new.upload.map(|(path, _)| path),
            new.upload.map(|(_, kind)| kind.code())
        ])?;
        // The row just written, built from what was written rather than read back.
        let message = Message {
            local_id,
            uid: None,
            conversation: new.conversation.clone(),
            sender_id: new.sender_id.to_owned(),
            direction: Direction::Send,
            object_name: new.object_name.to_owned(),
            content: new.content.to_owned(),
            sent_time: new.now_ms,
            status: SendStatus::Sending,
            failure: None,
            local_path: new.upload.map(|(path, _)| path.to_owned()),
        };
        super::conversations::touch(&tx, &message, false)?;
        tx.commit()?;
        Ok(message)
    }

    /// Queued messages at `stage`, oldest first.
    pub fn outbox(&self, stage: OutboxStage, limit: usize) -> Result<Vec<OutboxEntry>> {
        let mut entries = Vec::new();
        for id in self.outbox_ids(stage, limit)? {
            if let Some(entry) = self.outbox_entry(id)? {
                entries.push(entry);
            }
        }
        Ok(entries)
    }

    /// The local ids of the queued messages at `stage`, oldest first (the index only; the
    /// engine reads the entries it will publish, not those already in flight).
    pub fn outbox_ids(&self, stage: OutboxStage, limit: usize) -> Result<Vec<i64>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT local_id FROM outbox WHERE stage = ?1 ORDER BY local_id LIMIT ?2",
        )?;
        let ids = stmt
            .query_map(params![stage.code(), limit as i64], |r| r.get::<_, i64>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(ids)
    }

    /// How many messages wait in the outbox (not counting failed ones).
    pub fn outbox_len(&self) -> Result<usize> {
        let n: i64 = self
            .conn
            .prepare_cached("SELECT COUNT(*) FROM outbox WHERE stage != ?1")?
            .query_row(params![OutboxStage::Failed.code()], |r| r.get(0))?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// One queued message (one query: the outbox row and its message).
    pub fn outbox_entry(&self, local_id: i64) -> Result<Option<OutboxEntry>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {MESSAGE_COLUMNS}, o.stage, o.upload_path, o.file_type, o.attempts,
                 m.client_unique_id
             FROM outbox o JOIN messages m USING (local_id) WHERE o.local_id = ?1"
        ))?;
        let entry = stmt
            .query_row(params![local_id], |r| {
                let at = MESSAGE_COLUMN_COUNT;
                let path: Option<String> = r.get(at + 1)?;
                let kind: Option<i32> = r.get(at + 2)?;
                Ok(OutboxEntry {
                    message: message_from_row(r)?,
                    stage: OutboxStage::from_code(r.get(at)?),
                    upload: path.zip(kind.map(FileType::from_code)),
                    attempts: r.get(at + 3)?,
                    client_unique_id: r.get::<_, Option<i64>>(at + 4)?.unwrap_or(local_id),
                })
            })
            .optional()?;
        Ok(entry)
    }

    /// Counts an unanswered publish for each of `local_ids` (one transaction).
    pub fn note_attempts(&mut self, local_ids: &[i64]) -> Result<()> {
        let tx = Atomic::begin(&self.conn)?;
        {
            let mut stmt =
                tx.prepare_cached("UPDATE outbox SET attempts = attempts + 1 WHERE local_id = ?1")?;
            for local_id in local_ids {
                stmt.execute(params![local_id])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The upload finished: store the content with its URL; the message is ready to send.
    pub fn upload_done(&mut self, local_id: i64, content: &str) -> Result<Option<Message>> {
        let tx = Atomic::begin(&self.conn)?;
        tx.prepare_cached("UPDATE messages SET content = ?2 WHERE local_id = ?1")?
            .execute(params![local_id, content])?;
        tx.prepare_cached("UPDATE outbox SET stage = ?2, upload_path = NULL WHERE local_id = ?1")?
            .execute(params![local_id, OutboxStage::Publish.code()])?;
        tx.commit()?;
        self.message(local_id)
    }

    /// The PUBACK arrived: the message is sent and leaves the outbox (one transaction).
    pub fn mark_sent(
        &mut self,
        local_id: i64,
        uid: &str,
        sent_time: i64,
    ) -> Result<Option<Message>> {
        let tx = Atomic::begin(&self.conn)?;
        // A pull may already have delivered this uid (our echo from the server); then the
        // local row keeps its id and takes the uid only if it is still free.
        let taken: Option<i64> = tx
            .prepare_cached("SELECT local_id FROM messages WHERE uid = ?1 AND local_id != ?2")?
            .query_row(params![uid, local_id], |r| r.get(0))
            .optional()?;
        if let Some(other) = taken {
            tx.prepare_cached("DELETE FROM messages WHERE local_id = ?1")?
                .execute(params![other])?;
        }
        // RETURNING gives the row as written, without a second read.
        let message = tx
            .prepare_cached(&format!(
                "UPDATE messages SET uid = ?2, sent_time = ?3, status = ?4, fail_reason = NULL
                 WHERE local_id = ?1 RETURNING {MESSAGE_COLUMNS}"
            ))?
            .query_row(
                params![local_id, uid, sent_time, SendStatus::Sent.code()],
                message_from_row,
            )
            .optional()?;
        tx.prepare_cached("DELETE FROM outbox WHERE local_id = ?1")?
            .execute(params![local_id])?;
        if let Some(message) = &message {
            super::conversations::touch(&tx, message, false)?;
        }
        tx.commit()?;
        Ok(message)
    }

    /// The message failed for good (refused by the server, upload failed).
    pub fn mark_failed(&mut self, local_id: i64, failure: &SendFailure) -> Result<Option<Message>> {
        let tx = Atomic::begin(&self.conn)?;
        tx.prepare_cached("UPDATE messages SET status = ?2, fail_reason = ?3 WHERE local_id = ?1")?
            .execute(params![
                local_id,
                SendStatus::Failed.code(),
                failure.to_column()
            ])?;
        tx.prepare_cached("UPDATE outbox SET stage = ?2 WHERE local_id = ?1")?
            .execute(params![local_id, OutboxStage::Failed.code()])?;
        tx.commit()?;
        self.message(local_id)
    }

    /// Puts a failed message back in the queue (upload first if its file never went up).
    pub fn retry(&mut self, local_id: i64) -> Result<Option<OutboxEntry>> {
        let tx = Atomic::begin(&self.conn)?;
        tx.prepare_cached(
            "UPDATE outbox SET stage = CASE WHEN upload_path IS NULL THEN ?2 ELSE ?3 END
             WHERE local_id = ?1 AND stage = ?4",
        )?
        .execute(params![
            local_id,
            OutboxStage::Publish.code(),
            OutboxStage::Upload.code(),
            OutboxStage::Failed.code()
        ])?;
        tx.prepare_cached(
            "UPDATE messages SET status = ?2, fail_reason = NULL WHERE local_id = ?1
             AND local_id IN (SELECT local_id FROM outbox)",
        )?
        .execute(params![local_id, SendStatus::Sending.code()])?;
        tx.commit()?;
        self.outbox_entry(local_id)
    }
}
