//! Topic handlers: one file per group of topics. Every QUERY gets a QUERYACK and every
//! PUBLISH a PUBACK, with an error status for anything unknown or malformed.

mod connect_queries;
mod conversations;
mod erase;
mod history;
mod messages;
mod profiles;
mod recall;
mod reply;
mod status;
mod sync;
mod upload;

use crate::clock::{now_ms, now_secs};
use crate::connection::Connection;
use crate::frames::puback;
use reply::Reply;
use rongchat_proto::frame::{Publish, Query, QueryAck};
use rongchat_proto::status::AckStatus;
use rongchat_proto::{Body, ConversationType, Frame, Topic};

pub async fn query(conn: &mut Connection, q: Query) -> Frame {
    let topic = Topic::parse(&q.topic);
    // Every query is about the connected user (the SDK puts its own id in targetId);
    // naming someone else is refused. Group profile queries name the group instead.
    let reply = if topic.is_addressed_to_group() {
        group_dispatch(conn, &topic, &q.target_id, &q.payload).await
    } else if !q.target_id.is_empty() && q.target_id != conn.user_id {
        Err(AckStatus::ParameterInvalid)
    } else {
        dispatch(conn, &topic, &q.payload).await
    };
    let (status, payload) = match reply {
        Ok(payload) => (AckStatus::Success, payload),
        Err(status) => {
            tracing::debug!(user = %conn.user_id, %topic, status = status.code(), "query refused");
            (status, Vec::new())
        }
    };
    Frame::with_default_flags(Body::QueryAck(QueryAck {
        msg_id: q.msg_id,
        date: now_secs(),
        status,
        payload,
    }))
}

/// Queries whose targetId is a group; each handler checks it against the payload.
async fn group_dispatch(conn: &Connection, topic: &Topic, target: &str, p: &[u8]) -> Reply {
    match topic {
        Topic::GroupsInfo => profiles::groups_info(conn, target, p).await,
        Topic::GroupMembers => profiles::members(conn, target, p).await,
        Topic::GroupMembersPage => profiles::members_page(conn, target, p).await,
        _ => Err(AckStatus::ParameterInvalid),
    }
}

async fn dispatch(conn: &mut Connection, topic: &Topic, p: &[u8]) -> Reply {
    match topic {
        Topic::Bots => connect_queries::bots(p),
        Topic::EventChanges => connect_queries::event_changes(p),
        Topic::UserSettings => connect_queries::user_settings(p),
        Topic::ConversationStates => status::pull(conn, p).await,
        Topic::SetConversationStates => status::set(conn, p).await,
        Topic::ReportSdk => connect_queries::report_sdk(p),
        Topic::ModifiedMessages => connect_queries::modified_messages(p),
        Topic::PullMessages => sync::pull(conn, p).await,
        Topic::PrivateHistory => history::query(conn, ConversationType::Private, p).await,
        Topic::GroupHistory => history::query(conn, ConversationType::Group, p).await,
        Topic::Conversations | Topic::ConversationsOld => conversations::list(conn, p).await,
        Topic::ReadTime => conversations::mark_read(conn, p).await,
        Topic::DeleteConversations => conversations::delete(conn, p).await,
        Topic::DeleteMessages => erase::delete(conn, p).await,
        Topic::ClearPrivateHistory => erase::clear(conn, ConversationType::Private, p).await,
        Topic::ClearGroupHistory => erase::clear(conn, ConversationType::Group, p).await,
        Topic::UserProfiles => profiles::users(conn, p).await,
        Topic::OwnProfile => profiles::own(conn, p).await,
        Topic::JoinedGroups => profiles::joined(conn, p).await,
        Topic::UploadToken => upload::token(conn, p),
        Topic::DownloadUrl | Topic::OtherDownloadUrl(_) => upload::download_url(conn, p),
        _ => Err(AckStatus::ParameterInvalid),
    }
}

/// A PUBACK still to come: a private or group message queued for the writer, whose
/// commit may be shared with the connection's next messages.
pub type PendingAck = std::pin::Pin<Box<dyn std::future::Future<Output = Frame> + Send>>;

/// A private or group message PUBLISH, pipelined: checked and queued now, in frame order;
/// the PUBACK comes when its batch is committed. The wait, the recipients' `s_ntf` and
/// the echo run in a task of their own, which ends even if the connection goes first.
/// `None`: another topic, for [`publish`].
pub async fn publish_pipelined(conn: &Connection, p: &Publish) -> Option<PendingAck> {
    let topic = Topic::parse(&p.topic);
    if !matches!(topic, Topic::PrivateMessage | Topic::GroupMessage) {
        return None;
    }
    let msg_id = p.msg_id;
    let refusal = move |status| puback(msg_id, status, now_ms(), String::new());
    let queued = match messages::queue(conn, &topic, p).await {
        Ok(queued) => queued,
        Err(status) => {
            tracing::info!(user = %conn.user_id, %topic, status = status.code(), "publish refused");
            return Some(Box::pin(std::future::ready(refusal(status))));
        }
    };
    let task = tokio::spawn(async move {
        match queued.finish().await {
            Ok(sent) => puback(msg_id, AckStatus::Success, sent.data_time, sent.uid),
            Err(refused) => refusal(messages::refused_status(refused)),
        }
    });
    Some(Box::pin(async move {
        task.await
            .unwrap_or_else(|_| refusal(AckStatus::Other(crate::routing::INTERNAL_ERROR)))
    }))
}

pub async fn publish(conn: &mut Connection, p: Publish) -> Frame {
    let topic = Topic::parse(&p.topic);
    let sent = match topic {
        Topic::Recall => recall::publish(conn, &p).await,
        _ => messages::publish(conn, &topic, &p).await,
    };
    match sent {
        Ok(sent) => puback(p.msg_id, AckStatus::Success, sent.data_time, sent.uid),
        Err(status) => {
            tracing::info!(user = %conn.user_id, %topic, status = status.code(), "publish refused");
            puback(p.msg_id, status, now_ms(), String::new())
        }
    }
}
