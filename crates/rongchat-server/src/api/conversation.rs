//! `conversation/notification/set|get`: a user's do-not-disturb per conversation, the same
//! conversation status the user's devices set and pull (`store/status.rs`): a mute set
//! here reaches the connected devices at once (`s_cmd` type 3), and `get` answers what a
//! device set (any level but "all" and "not set" is muted).

use super::params::Params;
use super::{ApiError, Outcome};
use crate::clock::now_ms;
use crate::conversation_status::announce;
use crate::shared::Shared;
use crate::store::status;
use rongchat_proto::ConversationType;
use rongchat_proto::conversation_status::{StatusUpdate, is_muted, level_of_muted};
use serde_json::json;
use std::sync::Arc;

/// `conversationType` (1 private, 3 group, 6 system, ... up to 8), `requestId`, `targetId`.
fn conversation(p: &Params) -> Result<(ConversationType, String, String), ApiError> {
    let kind = p.required_int("conversationType", 1, 8)?;
    let kind = ConversationType::from_code(i32::try_from(kind).unwrap_or(0));
    let user = p.id("requestId")?.to_owned();
    let target = p.id("targetId")?.to_owned();
    Ok((kind, user, target))
}

pub async fn set(shared: &Arc<Shared>, p: &Params) -> Outcome {
    let (kind, user, target) = conversation(p)?;
    let muted = p.required_int("isMuted", 0, 1)? == 1;
    let update = StatusUpdate {
        conversation_type: kind,
        target_id: target,
        time: 0,
        pinned: None,
        level: Some(level_of_muted(muted)),
    };
    let now = now_ms();
    let owner = user.clone();
    let versions = shared
        .store
        .run(move |c| status::apply(c, &owner, &[update], now))
        .await?;
    announce(shared, &user, None, versions.after);
    Ok(json!({}))
}

pub async fn get(shared: &Arc<Shared>, p: &Params) -> Outcome {
    let (kind, user, target) = conversation(p)?;
    let muted = shared
        .store
        .run(move |c| status::get(c, &user, kind, &target))
        .await?
        .is_some_and(|s| is_muted(s.level));
    Ok(json!({ "isMuted": i32::from(muted) }))
}
