//! Conversation status (pin, do-not-disturb) shared by a user's devices: the one place
//! that says which statuses are taken and tells the user's connections of a change
//! (`s_cmd` type 3, after which the SDK pulls with `pullSeAtts`). Used by the `setSeAtt`
//! topic and the Server API's `conversation/notification/set`.

use crate::hub::Outgoing;
use crate::shared::Shared;
use crate::users::valid_id;
use prost::Message;
use rongchat_proto::conversation_status::{STATUS_CHANGED_COMMAND, StatusUpdate};
use rongchat_proto::{ConversationType, Topic, pb};

/// Whether a status may be kept for this conversation: a named peer or group of a type
/// that has conversations (not a chatroom, not an unknown code).
pub fn acceptable(update: &StatusUpdate) -> bool {
    valid_id(&update.target_id)
        && matches!(
            update.conversation_type,
            ConversationType::Private
                | ConversationType::Discussion
                | ConversationType::Group
                | ConversationType::CustomerService
                | ConversationType::System
        )
}

/// Tells `user`'s connections (all but `except`, the one that made the change) that their
/// status changed at `version`.
pub fn announce(shared: &Shared, user: &str, except: Option<u64>, version: i64) {
    let command = Outgoing::Publish {
        topic: Topic::Command,
        target_id: user.to_owned(),
        payload: pb::NotifyMsg {
            r#type: STATUS_CHANGED_COMMAND,
            time: Some(version),
            ..Default::default()
        }
        .encode_to_vec()
        .into(),
        qos: 0,
    };
    shared.hub.send_to_user(user, except, &command);
}
