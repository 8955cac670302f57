//! The payloads the engine sends, built from plain values (no I/O): each returns the
//! topic and the protobuf bytes.

use crate::compose;
use crate::model::{ConversationId, FileType};
use prost::Message as _;
use rongchat_proto::content::{Content, SyncReadStatus, object_name};
use rongchat_proto::{Topic, pb};

/// `updRRTime`: read up to `time` in `conversation`.
pub fn read_time(conversation: &ConversationId, time: i64) -> (Topic, Vec<u8>) {
    let read = pb::SessionMsgReadInput {
        r#type: conversation.kind.code(),
        msg_time: time,
        channel_id: conversation.target_id.clone(),
        ..Default::default()
    };
    (Topic::ReadTime, read.encode_to_vec())
}

/// The `RC:SRSMsg` read sync for this user's other devices.
pub fn read_sync(
    conversation: &ConversationId,
    time: i64,
    client_unique_id: i64,
) -> (Topic, Vec<u8>) {
    let content = Content::SyncReadStatus(SyncReadStatus {
        last_message_send_time: time,
        ..Default::default()
    });
    let up = compose::upstream(
        object_name::SYNC_READ_STATUS,
        &content.to_json(),
        client_unique_id,
    );
    (conversation.kind.publish_topic(), up.encode_to_vec())
}

/// The `RC:RcCmd` recalling `message` (sent by this user): a PUBLISH on `recallMsg`
/// whose target is the sender's own id, as the SDK sends it.
pub fn recall(message: &crate::model::Message, client_unique_id: i64) -> Option<(Topic, Vec<u8>)> {
    let uid = message.uid.clone()?;
    let content = Content::Recall(rongchat_proto::content::Recall {
        message_uid: uid,
        conversation_type: i64::from(message.conversation.kind.code()),
        target_id: message.conversation.target_id.clone(),
        sent_time: message.sent_time,
        channel_id: Some(String::new()),
        ..Default::default()
    });
    let up = compose::upstream(object_name::RECALL, &content.to_json(), client_unique_id);
    Some((Topic::Recall, up.encode_to_vec()))
}

/// The `RC:TypSts` status message "this user types text" for `conversation`, on its
/// status topic (`ppMsgS` / `pgMsgS`) as the SDK's `sendTypingStatusMessage` sends it.
pub fn typing(conversation: &ConversationId, client_unique_id: i64) -> (Topic, Vec<u8>) {
    let content = serde_json::json!({ "typingContentType": object_name::TEXT }).to_string();
    let up = compose::upstream(object_name::TYPING, &content, client_unique_id);
    (conversation.kind.status_topic(), up.encode_to_vec())
}

/// `qnTkn` for a file of `size` bytes stored under `key`.
pub fn upload_token(kind: FileType, key: &str, size: u64) -> (Topic, Vec<u8>) {
    let request = pb::GetQNupTokenInput {
        r#type: kind.code(),
        key: Some(key.to_owned()),
        http_method: Some(String::new()),
        query_string: Some(String::new()),
        url: Some(String::new()),
        ext: Some(r#"{"uploadDomain":""}"#.into()),
        size: Some(i64::try_from(size.div_ceil(1024)).unwrap_or(i64::MAX)),
        ip_type: Some(0),
    };
    (Topic::UploadToken, request.encode_to_vec())
}

/// `qnUrl` for an uploaded `key`.
pub fn download_url(kind: FileType, key: &str, file_name: &str) -> (Topic, Vec<u8>) {
    let request = pb::GetDownloadUrlInput {
        r#type: kind.code(),
        key: key.to_owned(),
        file_name: Some(file_name.to_owned()),
        ext: Some(String::new()),
        size: Some(-1),
        ip_type: Some(0),
    };
    (Topic::DownloadUrl, request.encode_to_vec())
}

/// A page of remote history older than `before` (ms; 0 = newest).
pub fn history(conversation: &ConversationId, before: i64, count: usize) -> (Topic, Vec<u8>) {
    let request = pb::HistoryMsgInput {
        target_id: Some(conversation.target_id.clone()),
        time: Some(before),
        count: Some(i32::try_from(count).unwrap_or(i32::MAX)),
        order: Some(0),
        ..Default::default()
    };
    (conversation.kind.history_topic(), request.encode_to_vec())
}

/// `delSessions` for one conversation.
pub fn delete_conversation(conversation: &ConversationId) -> (Topic, Vec<u8>) {
    let request = pb::DeleteSessionsInput {
        sessions: vec![pb::SessionInfo {
            r#type: conversation.kind.code(),
            channel_id: conversation.target_id.clone(),
            ..Default::default()
        }],
    };
    (Topic::DeleteConversations, request.encode_to_vec())
}

/// The SDK's upload key shape: `<type>__RC-<yyyy-mm-dd>_<0..999>_<ms><random>.<ext>`.
pub fn file_key(kind: FileType, ext: &str, now_ms: i64, random: u64) -> String {
    let (y, m, d) = civil_date(now_ms.div_euclid(86_400_000));
    format!(
        "{}__RC-{y:04}-{m:02}-{d:02}_{}_{now_ms}{:012x}.{}",
        kind.code(),
        random % 1000,
        random >> 16,
        crate::transfer::sanitize_file_name(ext)
    )
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian.
fn civil_date(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_look_like_the_sdks() {
        // 2026-11-25 00:00:00 UTC
        let key = file_key(FileType::File, "txt", 1_795_564_800_000, 1_234_567);
        assert!(
            key.starts_with("4__RC-2026-11-25_567_1795564800000"),
            "{key}"
        );
        assert!(key.ends_with(".txt"));
        assert_eq!(civil_date(0), (1970, 1, 1));
        assert_eq!(civil_date(-1), (1969, 12, 31));
    }

    #[test]
    fn a_read_sync_goes_where_the_conversation_is() {
        let (topic, bytes) = read_sync(&ConversationId::group("team"), 5, 1);
        assert_eq!(topic, Topic::GroupMessage);
        let up = pb::decode_checked::<pb::UpStreamMessage>(&bytes).unwrap();
        assert_eq!(up.classname, "RC:SRSMsg");
        assert!(up.content.contains("\"lastMessageSendTime\":5"));
    }
}
