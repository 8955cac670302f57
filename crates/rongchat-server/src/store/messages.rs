//! Messages, their fan-out to each user's inbox, sync pulls and history.

use crate::error::Result;
use rongchat_proto::{ConversationType, Direction};
use rusqlite::{Connection, Row, params};

/// UpStreamMessage.sessionId bits.
pub const FLAG_PERSISTED: i32 = 1;
/// Counted in the unread count.
pub const FLAG_COUNTED: i32 = 2;
/// optionBits 1: do not make this the conversation's last message.
const OPTION_KEEP_LAST_MESSAGE: i64 = 1;

/// A message as stored: the fields shared by every user's view of it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredMessage {
    /// Unique id (`messageUId`).
    pub uid: String,
    /// Protobuf ChannelType.
    pub channel_type: ConversationType,
    /// Sender.
    pub from_user: String,
    /// Recipient (private) or group id.
    pub target_id: String,
    /// objectName, e.g. `RC:TxtMsg`.
    pub classname: String,
    /// The content JSON.
    pub content: String,
    /// Server time, unique.
    pub data_time: i64,
    /// sessionId bits (persisted, counted, ...).
    pub flags: i32,
    /// The sender's local id, echoed back.
    pub client_unique_id: Option<i64>,
    /// Extra content (expansion).
    pub extra_content: Option<String>,
    /// Push text.
    pub push_content: Option<String>,
    /// configFlag bits.
    pub config_flag: Option<i32>,
    /// optionBits.
    pub option_bits: Option<i64>,
}

/// One user's copy of a message: who, which way, which conversation.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The user whose inbox gets the row.
    pub user_id: String,
    /// Sent or received, for this user.
    pub direction: Direction,
    /// The conversation's target from this user's point of view.
    pub conv_target: String,
}

/// A stored message as seen by one user.
#[derive(Debug, Clone, PartialEq)]
pub struct MessageRow {
    /// Row id.
    pub seq: i64,
    /// The message.
    pub message: StoredMessage,
    /// Sent or received, from the reading user's point of view.
    pub direction: Direction,
}

/// The number for a direction in the `inbox.direction` column and in the replies'
/// `direction` field: 1 sent, 0 received. The wire's received is "anything but 1" (the
/// shared vocabulary writes 2); 0 is what this server has always stored and sent.
pub fn direction_number(direction: Direction) -> i32 {
    match direction {
        Direction::Send => 1,
        Direction::Receive => 0,
    }
}

const MESSAGE_COLUMNS: &str = "m.seq, m.uid, m.channel_type, m.from_user, m.target_id, \
     m.classname, m.content, m.data_time, m.flags, m.client_unique_id, m.extra_content, \
     m.push_content, m.config_flag, m.option_bits";

/// Reads a row's columns left to right, so the reader follows `MESSAGE_COLUMNS` without
/// hand-numbered indexes.
pub(super) struct Columns<'r, 's> {
    row: &'r Row<'s>,
    next: usize,
}

impl<'r, 's> Columns<'r, 's> {
    pub(super) fn new(row: &'r Row<'s>) -> Self {
        Self { row, next: 0 }
    }

    pub(super) fn take<T: rusqlite::types::FromSql>(&mut self) -> rusqlite::Result<T> {
        self.next += 1;
        self.row.get(self.next - 1)
    }
}

/// Reads a message from the columns in `MESSAGE_COLUMNS` followed by a direction column.
pub(super) fn message_with_direction(row: &Row<'_>) -> rusqlite::Result<MessageRow> {
    let mut c = Columns::new(row);
    let seq = c.take()?;
    let message = StoredMessage {
        uid: c.take()?,
        channel_type: ConversationType::from_code(c.take()?),
        from_user: c.take()?,
        target_id: c.take()?,
        classname: c.take()?,
        content: c.take()?,
        data_time: c.take()?,
        flags: c.take()?,
        client_unique_id: c.take()?,
        extra_content: c.take()?,
        push_content: c.take()?,
        config_flag: c.take()?,
        option_bits: c.take()?,
    };
    let direction = Direction::from_code(c.take()?);
    Ok(MessageRow {
        seq,
        message,
        direction,
    })
}

pub(super) fn message_columns() -> &'static str {
    MESSAGE_COLUMNS
}

/// Room for a reply's fixed fields and each listed message's tags, lengths and numbers.
const WIRE_OVERHEAD: usize = 512;

/// An upper bound on the bytes `m` takes in a reply (a `DownStreamMessage` or a
/// conversation entry carrying it): its strings plus a fixed allowance for everything else.
pub fn wire_size(m: &StoredMessage) -> usize {
    let optional = |s: &Option<String>| s.as_ref().map_or(0, String::len);
    WIRE_OVERHEAD
        + m.uid.len()
        + m.from_user.len()
        + 2 * m.target_id.len()
        + m.classname.len()
        + m.content.len()
        + optional(&m.extra_content)
        + optional(&m.push_content)
}

/// How much one page may hold: messages (or conversations) and bytes by [`wire_size`].
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    /// At most this many rows.
    pub count: usize,
    /// At most this many bytes together (the first row always, so a page makes progress).
    pub bytes: usize,
}

/// Rows from `rows` while at most `limit` and, together, at most `max_bytes` by
/// [`wire_size`] (the first row always, so a page makes progress); and whether any row
/// was left out. Stops reading at the first row that does not fit.
pub(super) fn bounded<T>(
    rows: impl Iterator<Item = rusqlite::Result<T>>,
    size: impl Fn(&T) -> usize,
    limit: usize,
    max_bytes: usize,
) -> rusqlite::Result<(Vec<T>, bool)> {
    let mut out = Vec::new();
    let mut bytes = 0usize;
    for row in rows {
        let row = row?;
        bytes = bytes.saturating_add(size(&row));
        if out.len() >= limit || (bytes > max_bytes && !out.is_empty()) {
            return Ok((out, true));
        }
        out.push(row);
    }
    Ok((out, false))
}

/// Stores a message and its deliveries, updating each user's conversation. Runs inside
/// the caller's transaction (the group commit's [`super::writer`]), so the message and
/// every inbox row land together or not at all.
pub fn insert(tx: &Connection, msg: &StoredMessage, deliveries: &[Delivery]) -> Result<i64> {
    // Cached: the writer runs this for every message, parsing it once per connection.
    tx.prepare_cached(
        "INSERT INTO messages (uid, channel_type, from_user, target_id, classname, content,
           data_time, flags, client_unique_id, extra_content, push_content, config_flag,
           option_bits)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
        msg.uid,
        msg.channel_type.code(),
        msg.from_user,
        msg.target_id,
        msg.classname,
        msg.content,
        msg.data_time,
        msg.flags,
        msg.client_unique_id,
        msg.extra_content,
        msg.push_content,
        msg.config_flag,
        msg.option_bits
    ])?;
    let seq = tx.last_insert_rowid();
    let persisted = msg.flags & FLAG_PERSISTED != 0;
    let counted = persisted && msg.flags & FLAG_COUNTED != 0;
    let becomes_last = persisted && msg.option_bits.unwrap_or(0) & OPTION_KEEP_LAST_MESSAGE == 0;
    {
        let mut insert_inbox = tx.prepare_cached(
            "INSERT INTO inbox (user_id, msg_seq, data_time, direction, channel_type,
               conv_target, persisted, counted)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        // A message that keeps the last one (optionBits 1) only adds to the unread count.
        let mut upsert_conversation = tx.prepare_cached(
            "INSERT INTO conversations (user_id, channel_type, target_id, last_msg_seq,
               last_time, unread_count)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT(user_id, channel_type, target_id) DO UPDATE SET
               last_msg_seq = IIF(?7, excluded.last_msg_seq, conversations.last_msg_seq),
               last_time = IIF(?7, excluded.last_time, conversations.last_time),
               unread_count = conversations.unread_count + excluded.unread_count",
        )?;
        for d in deliveries {
            let counts_here = counted && d.direction == Direction::Receive;
            insert_inbox.execute(params![
                d.user_id,
                seq,
                msg.data_time,
                direction_number(d.direction),
                msg.channel_type.code(),
                d.conv_target,
                persisted,
                counts_here
            ])?;
            if !persisted {
                continue;
            }
            upsert_conversation.execute(params![
                d.user_id,
                msg.channel_type.code(),
                d.conv_target,
                seq,
                msg.data_time,
                i64::from(counts_here),
                becomes_last
            ])?;
        }
    }
    Ok(seq)
}

/// The stamp (uid, time) of a message already stored from `from_user` to `target_id` with
/// this client-side id: a resend after a lost PUBACK.
pub fn find_resent(
    conn: &Connection,
    from_user: &str,
    target_id: &str,
    client_unique_id: i64,
) -> Result<Option<(String, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT uid, data_time FROM messages
         WHERE from_user = ?1 AND target_id = ?2 AND client_unique_id = ?3
         ORDER BY seq LIMIT 1",
    )?;
    let mut rows = stmt.query(params![from_user, target_id, client_unique_id])?;
    match rows.next()? {
        Some(row) => Ok(Some((row.get(0)?, row.get(1)?))),
        None => Ok(None),
    }
}

/// The newest message time in the store (the message clock restarts after it).
pub fn newest_time(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT COALESCE(MAX(data_time), 0) FROM messages",
        [],
        |r| r.get(0),
    )?)
}

/// One page of a sync pull.
#[derive(Debug, Clone, Default)]
pub struct PullPage {
    /// Ascending by time.
    pub messages: Vec<MessageRow>,
    /// False when more remain.
    pub finished: bool,
}

/// Messages for `user_id` received after `inbox_after` and, when `outbox_after` is set,
/// sent (from any device) after it; ascending, at most `limit` and `max_bytes` (by
/// [`wire_size`]). A page cut short ends at a time `t` with every message up to `t` of
/// both boxes in it, so the cursors continue exactly where it stopped.
pub fn pull(
    conn: &Connection,
    user_id: &str,
    inbox_after: i64,
    outbox_after: Option<i64>,
    limit: usize,
    max_bytes: usize,
) -> Result<PullPage> {
    let sql = format!(
        "SELECT {MESSAGE_COLUMNS}, i.direction FROM inbox i JOIN messages m ON m.seq = i.msg_seq
         WHERE i.user_id = ?1 AND i.direction = ?2 AND i.data_time > ?3
         ORDER BY i.data_time LIMIT ?4"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let fetch = i64::try_from(limit + 1).unwrap_or(i64::MAX);
    let size = |m: &MessageRow| wire_size(&m.message);
    // One box (received or sent) after its cursor, within the limits.
    let mut read_box = |direction: Direction, after: i64| {
        bounded(
            stmt.query_map(
                params![user_id, direction_number(direction), after, fetch],
                message_with_direction,
            )?,
            size,
            limit,
            max_bytes,
        )
    };
    let (mut all, mut more) = read_box(Direction::Receive, inbox_after)?;
    if let Some(after) = outbox_after {
        // Each box stops at its first row past the budget, so the merged prefix within the
        // budget never skips a row that either box left unread.
        let (sent, sent_more) = read_box(Direction::Send, after)?;
        more |= sent_more;
        all.extend(sent);
        all.sort_by_key(|m| (m.message.data_time, direction_number(m.direction)));
        let merged = all.len();
        let (page, _) = bounded(all.into_iter().map(Ok), size, limit, max_bytes)?;
        more |= page.len() < merged;
        all = page;
    }
    Ok(PullPage {
        messages: all,
        finished: !more,
    })
}

/// History of one conversation for `user_id`: persisted messages older than `before`
/// (newest first) when `newer` is false, else newer than `before` (oldest first). Returns at
/// most `page` (by [`wire_size`]), and whether more exist.
pub fn history(
    conn: &Connection,
    user_id: &str,
    channel_type: ConversationType,
    target: &str,
    time: i64,
    newer: bool,
    page: Bounds,
) -> Result<(Vec<MessageRow>, bool)> {
    let sql = if newer {
        format!(
            "SELECT {MESSAGE_COLUMNS}, MAX(i.direction) FROM inbox i
             JOIN messages m ON m.seq = i.msg_seq
             WHERE i.user_id = ?1 AND i.channel_type = ?2 AND i.conv_target = ?3
               AND i.persisted = 1 AND i.data_time > ?4
             GROUP BY i.msg_seq ORDER BY i.data_time ASC LIMIT ?5"
        )
    } else {
        format!(
            "SELECT {MESSAGE_COLUMNS}, MAX(i.direction) FROM inbox i
             JOIN messages m ON m.seq = i.msg_seq
             WHERE i.user_id = ?1 AND i.channel_type = ?2 AND i.conv_target = ?3
               AND i.persisted = 1 AND i.data_time < ?4
             GROUP BY i.msg_seq ORDER BY i.data_time DESC LIMIT ?5"
        )
    };
    let fetch = i64::try_from(page.count + 1).unwrap_or(i64::MAX);
    let mut stmt = conn.prepare_cached(&sql)?;
    Ok(bounded(
        stmt.query_map(
            params![user_id, channel_type.code(), target, time, fetch],
            message_with_direction,
        )?,
        |m| wire_size(&m.message),
        page.count,
        page.bytes,
    )?)
}
