//! Removing messages from one user's history (`delMsg`) or clearing a conversation's
//! history up to a time (`cleanPMsg` / `cleanGMsg`). Only that user's inbox rows go: the
//! message row and every other user's copy stay, as RongCloud's delete leaves the peer's.

use crate::error::Result;
use rongchat_proto::ConversationType;
use rusqlite::{Connection, Transaction, params};

/// Removes the messages with these uids from `user_id`'s copy of the conversation; uids
/// that are not there are ignored. Returns how many rows went.
pub fn delete(
    conn: &mut Connection,
    user_id: &str,
    channel_type: ConversationType,
    target: &str,
    uids: &[String],
) -> Result<usize> {
    let tx = conn.transaction()?;
    let mut removed = 0;
    {
        let mut delete = tx.prepare_cached(
            "DELETE FROM inbox WHERE user_id = ?1 AND channel_type = ?2 AND conv_target = ?3
               AND msg_seq = (SELECT seq FROM messages WHERE uid = ?4)",
        )?;
        for uid in uids {
            removed += delete.execute(params![user_id, channel_type.code(), target, uid])?;
        }
    }
    if removed > 0 {
        refresh_conversation(&tx, user_id, channel_type, target)?;
    }
    tx.commit()?;
    Ok(removed)
}

/// Removes every message of `user_id`'s copy of the conversation sent at or before
/// `up_to` (ms; 0 or less: all of them). Returns how many rows went.
pub fn clear(
    conn: &mut Connection,
    user_id: &str,
    channel_type: ConversationType,
    target: &str,
    up_to: i64,
) -> Result<usize> {
    let up_to = if up_to <= 0 { i64::MAX } else { up_to };
    let tx = conn.transaction()?;
    let removed = tx.execute(
        "DELETE FROM inbox WHERE user_id = ?1 AND channel_type = ?2 AND conv_target = ?3
           AND data_time <= ?4",
        params![user_id, channel_type.code(), target, up_to],
    )?;
    if removed > 0 {
        refresh_conversation(&tx, user_id, channel_type, target)?;
    }
    tx.commit()?;
    Ok(removed)
}

/// After removals: the conversation's last message is the newest persisted one left (or
/// none; the row and its time stay), and its unread count is recounted.
fn refresh_conversation(
    tx: &Transaction<'_>,
    user_id: &str,
    channel_type: ConversationType,
    target: &str,
) -> Result<()> {
    tx.execute(
        "UPDATE conversations SET
           last_msg_seq = (SELECT i.msg_seq FROM inbox i
             WHERE i.user_id = ?1 AND i.channel_type = ?2 AND i.conv_target = ?3
               AND i.persisted = 1 ORDER BY i.data_time DESC LIMIT 1),
           unread_count = (SELECT COUNT(*) FROM inbox i
             WHERE i.user_id = ?1 AND i.channel_type = ?2 AND i.conv_target = ?3
               AND i.direction = 0 AND i.counted = 1 AND i.data_time > conversations.read_time)
         WHERE user_id = ?1 AND channel_type = ?2 AND target_id = ?3",
        params![user_id, channel_type.code(), target],
    )?;
    Ok(())
}
