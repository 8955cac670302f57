//! Read receipts in the store (migration 0004; facts in `PROTOCOL-NOTES.md`, "Read
//! receipts"): per private chat how far the peer read our messages and the receipt we
//! still owe them; per group the requests we received (answered once read) and, for our
//! own messages that asked, who read them.

use super::Store;
use super::atomic::Atomic;
use crate::error::Result;
use crate::model::{ConversationId, ConversationType, Direction};
use rusqlite::{OptionalExtension, params};
use std::collections::BTreeMap;

/// `receipt_requests.state`.
const WAITING: i64 = 0;
const TO_ANSWER: i64 = 1;
const ANSWERED: i64 = 2;

/// A receipt to send, kept until the server acked (or refused) it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PendingReceipt {
    /// `RC:ReadNtf` to a peer: we read up to their message `uid` sent at `time`.
    Private {
        /// The peer.
        peer: String,
        /// Their newest message we read.
        uid: String,
        /// Its sent time.
        time: i64,
    },
    /// `RC:RRRspMsg` to a group: asker -> their messages we read.
    Group {
        /// The group.
        group: String,
        /// Asker id -> message uids.
        answers: BTreeMap<String, Vec<String>>,
    },
}

impl PendingReceipt {
    /// Where it goes.
    pub fn conversation(&self) -> ConversationId {
        match self {
            Self::Private { peer, .. } => ConversationId::private(peer.clone()),
            Self::Group { group, .. } => ConversationId::group(group.clone()),
        }
    }
}

/// Who read one of our group messages that asked for receipts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupReceipt {
    /// The group.
    pub conversation: ConversationId,
    /// Our message.
    pub message_uid: String,
    /// The members who answered, in the order they did.
    pub readers: Vec<String>,
}

/// What a conversation's view needs: how far the peer read (private), and our messages
/// that asked for receipts with their readers (group).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReceiptState {
    /// The peer read our messages sent up to this time (ms; 0 = none known).
    pub peer_read_time: i64,
    /// Our group messages that asked, oldest first.
    pub asked: Vec<GroupReceipt>,
}

impl Store {
    /// This user read `id` up to `read_time`: a private chat owes the peer a receipt for
    /// their newest message read (if newer than the last one told); a group's requests
    /// for messages up to then become due. `true` when something is now to send.
    pub fn queue_read_receipts(&mut self, id: &ConversationId, read_time: i64) -> Result<bool> {
        match id.kind {
            ConversationType::Private => {
                let newest: Option<(String, i64)> = self
                    .conn
                    .prepare_cached(
                        "SELECT uid, sent_time FROM messages
                         WHERE conv_type = ?1 AND target_id = ?2 AND direction = ?3
                           AND uid IS NOT NULL AND sent_time <= ?4
                         ORDER BY sent_time DESC, local_id DESC LIMIT 1",
                    )?
                    .query_row(
                        params![
                            id.kind.code(),
                            id.target_id,
                            Direction::Receive.code(),
                            read_time
                        ],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .optional()?;
                let Some((uid, time)) = newest else {
                    return Ok(false);
                };
                let changed = self.conn.prepare_cached("INSERT INTO private_receipts (target_id, told_uid, told_time) VALUES (?1, ?2, ?3)
                     ON CONFLICT (target_id) DO UPDATE SET told_uid = excluded.told_uid,
                       told_time = excluded.told_time
                     WHERE excluded.told_time > private_receipts.told_time")?.execute(params![id.target_id, uid, time],
                )?;
                Ok(changed > 0)
            }
            ConversationType::Group => {
                let due = self
                    .conn
                    .prepare_cached(
                        "UPDATE receipt_requests SET state = ?3
                     WHERE group_id = ?1 AND state = ?4 AND message_time <= ?2",
                    )?
                    .execute(params![id.target_id, read_time, TO_ANSWER, WAITING])?;
                Ok(due > 0)
            }
            _ => Ok(false),
        }
    }

    /// Every receipt still to send: private ones, then one answer per group.
    pub fn pending_receipts(&self) -> Result<Vec<PendingReceipt>> {
        let mut pending = Vec::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT target_id, told_uid, told_time FROM private_receipts
             WHERE told_time > acked_time ORDER BY target_id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(PendingReceipt::Private {
                peer: r.get(0)?,
                uid: r.get(1)?,
                time: r.get(2)?,
            })
        })?;
        for row in rows {
            pending.push(row?);
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT group_id, asker_id, message_uid FROM receipt_requests
             WHERE state = ?1 ORDER BY group_id, message_time",
        )?;
        let rows = stmt.query_map(params![TO_ANSWER], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut groups: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
        for row in rows {
            let (group, asker, uid) = row?;
            groups
                .entry(group)
                .or_default()
                .entry(asker)
                .or_default()
                .push(uid);
        }
        pending.extend(
            groups
                .into_iter()
                .map(|(group, answers)| PendingReceipt::Group { group, answers }),
        );
        Ok(pending)
    }

    /// The server acked (or refused for good) a receipt: it is not sent again.
    pub fn receipt_done(&mut self, receipt: &PendingReceipt) -> Result<()> {
        match receipt {
            PendingReceipt::Private { peer, time, .. } => {
                self.conn
                    .prepare_cached(
                        "UPDATE private_receipts SET acked_time = MAX(acked_time, ?2)
                     WHERE target_id = ?1",
                    )?
                    .execute(params![peer, time])?;
            }
            PendingReceipt::Group { group, answers } => {
                self.answered(group, answers)?;
            }
        }
        Ok(())
    }

    /// The peer's `RC:ReadNtf`: they read our messages sent up to `time`. `true` when
    /// that moved the known read time on.
    pub fn peer_read(&mut self, peer: &str, time: i64) -> Result<bool> {
        let changed = self
            .conn
            .prepare_cached(
                "INSERT INTO private_receipts (target_id, peer_read_time) VALUES (?1, ?2)
             ON CONFLICT (target_id) DO UPDATE SET peer_read_time = excluded.peer_read_time
             WHERE excluded.peer_read_time > private_receipts.peer_read_time",
            )?
            .execute(params![peer, time])?;
        Ok(changed > 0)
    }

    /// This user's other device sent the peer a receipt up to `time`: this one need not.
    pub fn receipt_told_elsewhere(&mut self, peer: &str, uid: &str, time: i64) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO private_receipts (target_id, told_uid, told_time, acked_time)
               VALUES (?1, ?2, ?3, ?3)
             ON CONFLICT (target_id) DO UPDATE SET
               told_uid = IIF(excluded.told_time > told_time, excluded.told_uid, told_uid),
               told_time = MAX(told_time, excluded.told_time),
               acked_time = MAX(acked_time, excluded.told_time)",
            )?
            .execute(params![peer, uid, time])?;
        Ok(())
    }

    /// `asker` asked `group` who read their message `uid` (the request sent at
    /// `request_time`). Due at once when this user already read the group past it.
    /// `true` when an answer is now to send.
    pub fn receipt_requested(
        &mut self,
        group: &str,
        uid: &str,
        asker: &str,
        request_time: i64,
    ) -> Result<bool> {
        let tx = Atomic::begin(&self.conn)?;
        let held: Option<i64> = tx
            .prepare_cached("SELECT sent_time FROM messages WHERE uid = ?1 AND conv_type = ?2 AND target_id = ?3")?.query_row(params![uid, ConversationType::Group.code(), group],
                |r| r.get(0),
            )
            .optional()?;
        let message_time = held.unwrap_or(request_time);
        let read_time: i64 = tx
            .prepare_cached(
                "SELECT read_time FROM conversations WHERE conv_type = ?1 AND target_id = ?2",
            )?
            .query_row(params![ConversationType::Group.code(), group], |r| r.get(0))
            .optional()?
            .unwrap_or(0);
        let state = if message_time <= read_time {
            TO_ANSWER
        } else {
            WAITING
        };
        // A repeated request does not re-open one answered already.
        let inserted = tx
            .prepare_cached(
                "INSERT OR IGNORE INTO receipt_requests
               (group_id, message_uid, asker_id, message_time, state)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![group, uid, asker, message_time, state])?;
        tx.commit()?;
        Ok(inserted > 0 && state == TO_ANSWER)
    }

    /// Answers sent (by this device or another one of this user's): not sent again.
    pub fn answered(&mut self, group: &str, answers: &BTreeMap<String, Vec<String>>) -> Result<()> {
        let tx = Atomic::begin(&self.conn)?;
        for (asker, uids) in answers {
            for uid in uids {
                tx.prepare_cached("INSERT INTO receipt_requests (group_id, message_uid, asker_id, message_time, state)
                     VALUES (?1, ?2, ?3, 0, ?4)
                     ON CONFLICT (group_id, message_uid) DO UPDATE SET state = excluded.state")?.execute(params![group, uid, asker, ANSWERED],
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Our message `uid` in `group` asked for receipts (from this device or another).
    pub fn receipt_asked(&mut self, group: &str, uid: &str, time: i64) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT OR IGNORE INTO receipt_asked (message_uid, group_id, asked_time)
             VALUES (?1, ?2, ?3)",
            )?
            .execute(params![uid, group, time])?;
        Ok(())
    }

    /// `reader` answered that they read our messages `uids` in `group`: the receipts that
    /// changed, each with all its readers. A uid that is not our message there is ignored.
    pub fn receipts_read_by(
        &mut self,
        group: &str,
        uids: &[String],
        reader: &str,
        at: i64,
    ) -> Result<Vec<GroupReceipt>> {
        let tx = Atomic::begin(&self.conn)?;
        let mut changed = Vec::new();
        for uid in uids {
            let ours: Option<i64> = tx
                .prepare_cached(
                    "SELECT sent_time FROM messages
                     WHERE uid = ?1 AND conv_type = ?2 AND target_id = ?3 AND direction = ?4",
                )?
                .query_row(
                    params![
                        uid,
                        ConversationType::Group.code(),
                        group,
                        Direction::Send.code()
                    ],
                    |r| r.get(0),
                )
                .optional()?;
            let Some(sent_time) = ours else { continue };
            // An answer means it asked, even if the ask came from a device we never heard.
            tx.prepare_cached(
                "INSERT OR IGNORE INTO receipt_asked (message_uid, group_id, asked_time)
                 VALUES (?1, ?2, ?3)",
            )?
            .execute(params![uid, group, sent_time])?;
            let added = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO receipt_readers (message_uid, reader_id, read_at)
                 VALUES (?1, ?2, ?3)",
                )?
                .execute(params![uid, reader, at])?;
            if added > 0 {
                changed.push(GroupReceipt {
                    conversation: ConversationId::group(group),
                    message_uid: uid.clone(),
                    readers: readers(&tx, uid)?,
                });
            }
        }
        tx.commit()?;
        Ok(changed)
    }

    /// The receipts of one conversation, for its view.
    pub fn receipts_in(&self, id: &ConversationId) -> Result<ReceiptState> {
        let mut state = ReceiptState::default();
        match id.kind {
            ConversationType::Private => {
                state.peer_read_time = self
                    .conn
                    .prepare_cached(
                        "SELECT peer_read_time FROM private_receipts WHERE target_id = ?1",
                    )?
                    .query_row(params![id.target_id], |r| r.get(0))
                    .optional()?
                    .unwrap_or(0);
            }
            ConversationType::Group => {
                let mut stmt = self.conn.prepare_cached(
                    "SELECT message_uid FROM receipt_asked WHERE group_id = ?1
                     ORDER BY asked_time, message_uid",
                )?;
                let uids = stmt
                    .query_map(params![id.target_id], |r| r.get::<_, String>(0))?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                for uid in uids {
                    state.asked.push(GroupReceipt {
                        conversation: id.clone(),
                        readers: readers(&self.conn, &uid)?,
                        message_uid: uid,
                    });
                }
            }
            _ => {}
        }
        Ok(state)
    }
}

fn readers(conn: &rusqlite::Connection, uid: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT reader_id FROM receipt_readers WHERE message_uid = ?1 ORDER BY read_at, reader_id",
    )?;
    let readers = stmt
        .query_map(params![uid], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(readers)
}

#[cfg(test)]
#[path = "receipts_tests.rs"]
mod tests;
