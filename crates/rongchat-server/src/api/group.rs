//! `group/*`: membership, names, sync and gags.

use super::params::Params;
use super::{ApiError, Outcome, minutes_from_now, time, user::MAX_MINUTES};
use crate::clock::now_ms;
use crate::shared::Shared;
use crate::store::{groups, moderation};
use crate::users;
use serde_json::json;
use std::sync::Arc;

/// RongCloud's limits: 1000 members per join, 20 per gag call, names up to 128 bytes.
const MAX_MEMBERS: usize = 1000;
const MAX_GAG_BATCH: usize = 20;
const MAX_GROUP_NAME: usize = 128;

/// `group/create` and `group/join`: creating is joining a group that does not exist yet.
pub async fn join(shared: &Arc<Shared>, p: &Params) -> Outcome {
    let members = p.ids("userId", MAX_MEMBERS)?;
    let group_id = p.id("groupId")?.to_owned();
    let name = p
        .text("groupName", MAX_GROUP_NAME)?
        .unwrap_or_default()
        .to_owned();
    shared
        .store
        .run(move |c| {
            let refs: Vec<&str> = members.iter().map(String::as_str).collect();
            groups::join(c, &group_id, &name, &refs, now_ms())
        })
        .await?;
    Ok(json!({}))
}

pub async fn quit(shared: &Arc<Shared>, p: &Params) -> Outcome {
    let members = p.ids("userId", MAX_MEMBERS)?;
    let group_id = p.id("groupId")?.to_owned();
    shared
        .store
        .run(move |c| {
            let refs: Vec<&str> = members.iter().map(String::as_str).collect();
            groups::quit(c, &group_id, &refs)
        })
        .await?;
    Ok(json!({}))
}

/// `group/dismiss`: the group and its members are gone; its messages stay in history.
pub async fn dismiss(shared: &Arc<Shared>, p: &Params) -> Outcome {
    p.id("userId")?;
    let group_id = p.id("groupId")?.to_owned();
    if !shared
        .store
        .run(move |c| groups::dismiss(c, &group_id))
        .await?
    {
        return Err(ApiError::Param("groupId"));
    }
    Ok(json!({}))
}

pub async fn refresh(shared: &Arc<Shared>, p: &Params) -> Outcome {
    let group_id = p.id("groupId")?.to_owned();
    let name = p.required("groupName")?.to_owned();
    if name.len() > MAX_GROUP_NAME {
        return Err(ApiError::TooLong("groupName"));
    }
    if !shared
        .store
        .run(move |c| groups::rename(c, &group_id, &name))
        .await?
    {
        return Err(ApiError::Param("groupId"));
    }
    Ok(json!({}))
}

/// `group/sync`: `group[<id>]=<name>` pairs become exactly the user's groups.
pub async fn sync(shared: &Arc<Shared>, p: &Params) -> Outcome {
    let user_id = p.id("userId")?.to_owned();
    let mut listed = Vec::new();
    for (key, name) in p.pairs() {
        let Some(id) = key.strip_prefix("group[").and_then(|k| k.strip_suffix(']')) else {
            continue;
        };
        if users::check_id(id).is_err() {
            return Err(ApiError::Param("group"));
        }
        if name.len() > MAX_GROUP_NAME {
            return Err(ApiError::TooLong("group"));
        }
        listed.push((id.to_owned(), name.clone()));
    }
    if listed.len() > MAX_MEMBERS {
        return Err(ApiError::Param("group"));
    }
    shared
        .store
        .run(move |c| groups::sync(c, &user_id, &listed, now_ms()))
        .await?;
    Ok(json!({}))
}

/// `group/user/query`: `users: [{id}]` (none for an unknown group).
pub async fn members(shared: &Arc<Shared>, p: &Params) -> Outcome {
    let group_id = p.id("groupId")?.to_owned();
    let members = shared
        .store
        .run(move |c| groups::members(c, &group_id))
        .await?
        .unwrap_or_default();
    let users: Vec<_> = members.into_iter().map(|id| json!({ "id": id })).collect();
    Ok(json!({ "users": users }))
}

/// `user/group/query`: `groups: [{id, name}]`.
pub async fn of_user(shared: &Arc<Shared>, p: &Params) -> Outcome {
    let user_id = p.id("userId")?.to_owned();
    let rows = shared
        .store
        .run(move |c| groups::groups_of(c, &user_id))
        .await?;
    let groups: Vec<_> = rows
        .into_iter()
        .map(|(id, name)| json!({ "id": id, "name": name }))
        .collect();
    Ok(json!({ "groups": groups }))
}

/// `group/user/gag/add`: gags members for `minute` minutes (the gag ends by itself);
/// `rollback` lifts it.
pub async fn gag(shared: &Arc<Shared>, p: &Params, add: bool) -> Outcome {
    let members = p.ids("userId", MAX_GAG_BATCH)?;
    let group_id = p.id("groupId")?.to_owned();
    let until = if add {
        let minutes = p.required_int("minute", 1, MAX_MINUTES)?;
        Some(minutes_from_now(shared, minutes))
    } else {
        None
    };
    shared
        .store
        .run(move |c| moderation::set_gagged(c, &group_id, &members, until))
        .await?;
    Ok(json!({}))
}

/// `group/user/gag/list`: `users: [{time, userId}]`, `time` the gag's end.
pub async fn gag_list(shared: &Arc<Shared>, p: &Params) -> Outcome {
    let group_id = p.id("groupId")?.to_owned();
    let now = now_ms();
    let rows = shared
        .store
        .run(move |c| moderation::gagged(c, &group_id, now))
        .await?;
    let users: Vec<_> = rows
        .into_iter()
        .map(|(id, end)| json!({ "time": time::format(end), "userId": id }))
        .collect();
    Ok(json!({ "users": users }))
}
