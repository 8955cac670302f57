//! `recallMsg`: a user recalls their own message, as the official SDK sends it: a PUBLISH
//! whose targetId is the sender's own id and whose UpStreamMessage is an `RC:RcCmd`
//! naming the message (`conversationType`, `targetId`, `messageUId`, `sentTime`). The
//! PUBACK carries the command's uid and time.

use super::reply::decode;
use crate::connection::Connection;
use crate::recall::{self, RecallError, Request};
use crate::routing::Sent;
use rongchat_proto::content::{Content, object_name};
use rongchat_proto::frame::Publish;
use rongchat_proto::status::AckStatus;
use rongchat_proto::{ConversationType, pb};

pub async fn publish(conn: &Connection, p: &Publish) -> Result<Sent, AckStatus> {
    let message: pb::UpStreamMessage = decode(&p.payload)?;
    if message.classname != object_name::RECALL {
        return Err(AckStatus::ParameterInvalid);
    }
    let Ok(Content::Recall(cmd)) = Content::parse(&message.classname, &message.content) else {
        return Err(AckStatus::ParameterInvalid);
    };
    let conversation = match cmd.conversation_type {
        1 => ConversationType::Private,
        3 => ConversationType::Group,
        _ => return Err(AckStatus::ParameterInvalid),
    };
    let req = Request {
        // The authenticated user, whatever the payload claims.
        from: conn.user_id.clone(),
        conversation,
        target: cmd.target_id,
        uid: cmd.message_uid,
        sent_time: cmd.sent_time,
        is_admin: cmd.is_admin,
        is_delete: cmd.is_delete,
        extra: cmd.common.extra,
    };
    recall::recall(&conn.shared, req)
        .await
        .map_err(|e| match e {
            RecallError::NotFound | RecallError::AlreadyRecalled => AckStatus::RecallFailed,
            RecallError::Refused(refused) => {
                if let crate::routing::Refused::Internal(e) = &refused {
                    tracing::error!("recall failed: {e}");
                }
                refused.status()
            }
        })
}
