//! The client's values as the page's DTOs.

use crate::directory::Directory;
use crate::models::{
    ConnState, ConversationDto, Direction, LatestDto, MessageDto, SendStatus, body_of,
    content_sender_name,
};
use rongchat_client::model::{self as cm, Conversation, Message};

/// The wire number of a conversation type for the page (types we do not show map to 0
/// and are rejected when they come back).
pub fn conv_type_code(kind: cm::ConversationType) -> u8 {
    u8::try_from(kind.code()).unwrap_or(0)
}

fn direction(d: cm::Direction) -> Direction {
    match d {
        cm::Direction::Send => Direction::Out,
        cm::Direction::Receive => Direction::In,
    }
}

fn status(s: cm::SendStatus) -> SendStatus {
    match s {
        cm::SendStatus::Sending => SendStatus::Sending,
        cm::SendStatus::Sent => SendStatus::Sent,
        cm::SendStatus::Failed => SendStatus::Failed,
        cm::SendStatus::Received => SendStatus::Received,
    }
}

/// A message for the page. Names come from the directory; a name carried in the content
/// is learned for people the directory does not know.
pub fn message(m: &Message, dir: &Directory, heard: bool) -> MessageDto {
    let content = m.parsed();
    if let Some(name) = content_sender_name(&content) {
        dir.learn(&m.sender_id, &name);
    }
    let (kind, body) = body_of(&content);
    MessageDto {
        id: m.local_id.to_string(),
        uid: m.uid.clone(),
        conversation_type: conv_type_code(m.conversation.kind),
        target_id: m.conversation.target_id.clone(),
        sender_id: m.sender_id.clone(),
        sender_name: Some(dir.name(&m.sender_id)),
        sender_avatar: dir.avatar(&m.sender_id),
        direction: direction(m.direction),
        sent_time: m.sent_time,
        status: status(m.status),
        heard,
        kind,
        body,
    }
}

/// A conversation row for the page.
pub fn conversation(c: &Conversation, dir: &Directory) -> ConversationDto {
    let latest = c.last_message.as_ref().map(|m| {
        let content = m.parsed();
        if let Some(name) = content_sender_name(&content) {
            dir.learn(&m.sender_id, &name);
        }
        let (kind, body) = body_of(&content);
        LatestDto {
            kind,
            text: body.text,
            sender_name: Some(dir.name(&m.sender_id)),
            direction: direction(m.direction),
        }
    });
    ConversationDto {
        conversation_type: conv_type_code(c.id.kind),
        target_id: c.id.target_id.clone(),
        title: dir.name(&c.id.target_id),
        avatar: dir.avatar(&c.id.target_id),
        latest,
        latest_time: c.last_time,
        unread: u32::try_from(c.unread.max(0)).unwrap_or(u32::MAX),
        pinned: c.pinned,
        muted: c.muted,
        draft: c.draft.clone(),
    }
}

/// The banner's state for the client's connection status.
pub fn conn_state(s: rongchat_client::ConnectionStatus) -> (ConnState, Option<String>) {
    use rongchat_client::ConnectionStatus as S;
    match s {
        S::Connecting => (ConnState::Connecting, None),
        S::Connected => (ConnState::Connected, None),
        S::Suspended { .. } => (ConnState::Reconnecting, None),
        S::Kicked => (ConnState::Kicked, None),
        S::TokenIncorrect => (ConnState::TokenInvalid, None),
        S::Blocked => (
            ConnState::Disconnected,
            Some("this account is blocked".into()),
        ),
        S::Rejected { code } => (
            ConnState::Disconnected,
            Some(format!("the server refused the connection ({code})")),
        ),
        S::Disconnected => (ConnState::Disconnected, None),
        _ => (ConnState::Disconnected, None),
    }
}
