//! Each user's conversation list: last message, unread count, read time.

use super::messages::{MessageRow, bounded, message_columns, message_with_direction, wire_size};
use crate::error::Result;
use rongchat_proto::ConversationType;
use rusqlite::{Connection, params};

/// One conversation of one user.
#[derive(Debug, Clone, PartialEq)]
pub struct ConversationRow {
    /// Protobuf ChannelType.
    pub channel_type: ConversationType,
    /// Peer or group id.
    pub target_id: String,
    /// Time of the last message.
    pub last_time: i64,
    /// Unread (counted) messages received after `read_time`.
    pub unread_count: i64,
    /// Read up to this time.
    pub read_time: i64,
    /// The last message, if it is still stored.
    pub last_message: Option<MessageRow>,
}

/// The user's conversations with `last_time < before`, newest first, at most `limit` and
/// `max_bytes` (their last messages by [`wire_size`]); and whether that was all.
pub fn list(
    conn: &Connection,
    user_id: &str,
    before: i64,
    limit: usize,
    max_bytes: usize,
) -> Result<(Vec<ConversationRow>, bool)> {
    let mut stmt = conn.prepare_cached(
        "SELECT channel_type, target_id, last_time, unread_count, read_time, last_msg_seq
         FROM conversations WHERE user_id = ?1 AND last_time < ?2
         ORDER BY last_time DESC LIMIT ?3",
    )?;
    let fetch = i64::try_from(limit + 1).unwrap_or(i64::MAX);
    let rows = stmt
        .query_map(params![user_id, before, fetch], |r| {
            Ok((
                r.get::<_, i32>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, Option<i64>>(5)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let sql = format!(
        "SELECT {}, CASE WHEN m.from_user = ?2 THEN 1 ELSE 0 END FROM messages m WHERE m.seq = ?1",
        message_columns()
    );
    let mut message = conn.prepare_cached(&sql)?;
    let with_messages = rows.into_iter().map(
        |(channel_type, target_id, last_time, unread_count, read_time, seq)| {
            let last_message = match seq {
                Some(seq) => message
                    .query_map(params![seq, user_id], message_with_direction)?
                    .next()
                    .transpose()?,
                None => None,
            };
            Ok(ConversationRow {
                channel_type: ConversationType::from_code(channel_type),
                target_id,
                last_time,
                unread_count,
                read_time,
                last_message,
            })
        },
    );
    let size = |r: &ConversationRow| {
        r.target_id.len()
            + r.last_message
                .as_ref()
                .map_or(64, |m| wire_size(&m.message))
    };
    let (out, more) = bounded(with_messages, size, limit, max_bytes)?;
    let finished = !more;
    Ok((out, finished))
}

/// Marks the conversation read up to `time`: stores the read time (never backwards) and
/// recounts the unread messages after it. Returns the new unread count.
pub fn mark_read(
    conn: &Connection,
    user_id: &str,
    channel_type: ConversationType,
    target: &str,
    time: i64,
) -> Result<i64> {
    let channel_type = channel_type.code();
    conn.execute(
        "UPDATE conversations SET read_time = MAX(read_time, ?4)
         WHERE user_id = ?1 AND channel_type = ?2 AND target_id = ?3",
        params![user_id, channel_type, target, time],
    )?;
    let unread: i64 = conn.query_row(
        "SELECT COUNT(*) FROM inbox i JOIN conversations c
           ON c.user_id = i.user_id AND c.channel_type = i.channel_type
          AND c.target_id = i.conv_target
         WHERE i.user_id = ?1 AND i.channel_type = ?2 AND i.conv_target = ?3
           AND i.direction = 0 AND i.counted = 1 AND i.data_time > c.read_time",
        params![user_id, channel_type, target],
        |r| r.get(0),
    )?;
    conn.execute(
        "UPDATE conversations SET unread_count = ?4
         WHERE user_id = ?1 AND channel_type = ?2 AND target_id = ?3",
        params![user_id, channel_type, target, unread],
    )?;
    Ok(unread)
}

/// Removes conversations from the user's list (their messages stay in history).
pub fn delete(
    conn: &mut Connection,
    user_id: &str,
    targets: &[(ConversationType, String)],
) -> Result<()> {
    let tx = conn.transaction()?;
    for (channel_type, target) in targets {
        tx.execute(
            "DELETE FROM conversations WHERE user_id = ?1 AND channel_type = ?2 AND target_id = ?3",
            params![user_id, channel_type.code(), target],
        )?;
    }
    tx.commit()?;
    Ok(())
}
