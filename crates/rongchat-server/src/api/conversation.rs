//! `conversation/notification/set|get`: a user's do-not-disturb per conversation.

use super::params::Params;
use super::{ApiError, Outcome};
use crate::clock::now_ms;
use crate::shared::Shared;
use crate::store::moderation;
use rongchat_proto::ConversationType;
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
    let now = now_ms();
    shared
        .store
        .run(move |c| moderation::set_muted(c, &user, kind, &target, muted, now))
        .await?;
    Ok(json!({}))
}

pub async fn get(shared: &Arc<Shared>, p: &Params) -> Outcome {
    let (kind, user, target) = conversation(p)?;
    let muted = shared
        .store
        .run(move |c| moderation::muted(c, &user))
        .await?
        .into_iter()
        .any(|(k, t, _)| k == kind && t == target);
    Ok(json!({ "isMuted": i32::from(muted) }))
}
