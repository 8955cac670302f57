//! Recalling a stored message: its row becomes the `RC:RcNtf` notice, for every user's
//! copy at once (history and conversation lists read the same row).

use crate::error::Result;
use rongchat_proto::ConversationType;
use rusqlite::{Connection, OptionalExtension, params};

/// The message a recall names, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recallable {
    /// Row id.
    pub seq: i64,
    /// Private or group.
    pub channel_type: ConversationType,
    /// Sender.
    pub from_user: String,
    /// Recipient or group.
    pub target_id: String,
    /// Server time, ms.
    pub data_time: i64,
    /// objectName before the recall.
    pub classname: String,
}

/// The object name a recalled message is replaced with.
pub const RECALL_NOTICE: &str = "RC:RcNtf";

/// The message with this uid, if stored.
pub fn find(conn: &Connection, uid: &str) -> Result<Option<Recallable>> {
    Ok(conn
        .query_row(
            "SELECT seq, channel_type, from_user, target_id, data_time, classname
             FROM messages WHERE uid = ?1",
            [uid],
            |r| {
                Ok(Recallable {
                    seq: r.get(0)?,
                    channel_type: ConversationType::from_code(r.get(1)?),
                    from_user: r.get(2)?,
                    target_id: r.get(3)?,
                    data_time: r.get(4)?,
                    classname: r.get(5)?,
                })
            },
        )
        .optional()?)
}

/// Replaces the message with the notice `content`, stops it counting as unread and takes
/// it off the unread count of everyone who had not read it yet.
pub fn replace(conn: &mut Connection, message: &Recallable, content: &str) -> Result<()> {
    let tx = conn.transaction()?;
    tx.execute(
        "UPDATE messages SET classname = ?2, content = ?3, push_content = NULL,
           extra_content = NULL WHERE seq = ?1",
        params![message.seq, RECALL_NOTICE, content],
    )?;
    tx.execute(
        "UPDATE conversations SET unread_count = MAX(unread_count - 1, 0)
         WHERE read_time < ?2 AND EXISTS (
           SELECT 1 FROM inbox i WHERE i.msg_seq = ?1 AND i.counted = 1
             AND i.user_id = conversations.user_id
             AND i.channel_type = conversations.channel_type
             AND i.conv_target = conversations.target_id)",
        params![message.seq, message.data_time],
    )?;
    tx.execute(
        "UPDATE inbox SET counted = 0 WHERE msg_seq = ?1",
        [message.seq],
    )?;
    tx.commit()?;
    Ok(())
}
