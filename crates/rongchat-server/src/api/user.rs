//! `user/*`: tokens, profiles, online state, timed blocks and blacklists.

use super::params::Params;
use super::{Outcome, blocking, minutes_from_now, time};
use crate::api::ApiError;
use crate::clock::now_ms;
use crate::shared::Shared;
use crate::store::{accounts, moderation};
use crate::users;
use serde_json::json;
use std::sync::Arc;

/// RongCloud's limits: names 128 bytes, portraits 1024, 20 users per block or blacklist call.
const MAX_NAME: usize = 128;
const MAX_PORTRAIT: usize = 1024;
const MAX_BATCH: usize = 20;
/// The longest block or gag: 30 days.
pub const MAX_MINUTES: i64 = 43_200;

pub async fn get_token(shared: &Arc<Shared>, p: &Params) -> Outcome {
    let user_id = p.id("userId")?.to_owned();
    let name = p.text("name", MAX_NAME)?.unwrap_or_default().to_owned();
    let portrait = p.text("portraitUri", MAX_PORTRAIT)?.map(str::to_owned);
    let expires = now_ms().saturating_add(shared.token_ttl_ms());
    let user = user_id.clone();
    let token = blocking(shared, move |s| {
        let token = users::issue_token(s, &user, &name, expires)?;
        if let Some(portrait) = portrait {
            s.store
                .with(|c| accounts::refresh_user(c, &user, None, Some(&portrait)))?;
        }
        Ok(token)
    })
    .await?;
    Ok(json!({ "userId": user_id, "token": token }))
}

/// `user/refresh`: name and/or portrait of an existing user (what `user/info` then reads).
pub async fn refresh(shared: &Arc<Shared>, p: &Params) -> Outcome {
    let user_id = p.id("userId")?.to_owned();
    // The SDKs send empty defaults for fields not being changed.
    let name = p
        .text("name", MAX_NAME)?
        .filter(|v| !v.is_empty())
        .map(str::to_owned);
    let portrait = p
        .text("portraitUri", MAX_PORTRAIT)?
        .filter(|v| !v.is_empty())
        .map(str::to_owned);
    let found = shared
        .store
        .run(move |c| accounts::refresh_user(c, &user_id, name.as_deref(), portrait.as_deref()))
        .await?;
    if !found {
        return Err(ApiError::Param("userId"));
    }
    Ok(json!({}))
}

pub async fn info(shared: &Arc<Shared>, p: &Params) -> Outcome {
    let user_id = p.id("userId")?.to_owned();
    let profile = shared
        .store
        .run(move |c| accounts::profile(c, &user_id))
        .await?
        .ok_or(ApiError::Param("userId"))?;
    Ok(json!({
        "userName": profile.name,
        "userPortrait": profile.portrait,
        "createTime": time::format(profile.created_at),
    }))
}

pub fn check_online(shared: &Shared, p: &Params) -> Outcome {
    let online = shared.hub.is_online(p.id("userId")?);
    Ok(json!({ "status": if online { "1" } else { "0" } }))
}

/// `user/block`: every `userId` (up to 20) for `minute` minutes; all must exist.
pub async fn block(shared: &Arc<Shared>, p: &Params) -> Outcome {
    let ids = p.ids("userId", MAX_BATCH)?;
    let minutes = p.required_int("minute", 1, MAX_MINUTES)?;
    let until = minutes_from_now(shared, minutes);
    change_blocks(shared, ids, Some(until)).await
}

pub async fn unblock(shared: &Arc<Shared>, p: &Params) -> Outcome {
    let ids = p.ids("userId", MAX_BATCH)?;
    change_blocks(shared, ids, None).await
}

/// Checks that every user exists before changing any.
async fn change_blocks(shared: &Arc<Shared>, ids: Vec<String>, until: Option<i64>) -> Outcome {
    blocking(shared, move |s| {
        let known = s.store.with(|c| {
            ids.iter().try_fold(true, |all, id| {
                Ok(all && accounts::profile(c, id)?.is_some())
            })
        })?;
        if !known {
            return Ok(false);
        }
        for id in &ids {
            match until {
                Some(until) => users::block_until(s, id, until)?,
                None => users::set_blocked(s, id, false)?,
            };
        }
        Ok(true)
    })
    .await?
    .then(|| json!({}))
    .ok_or(ApiError::Param("userId"))
}

pub async fn block_query(shared: &Arc<Shared>) -> Outcome {
    let now = now_ms();
    let rows = shared
        .store
        .run(move |c| accounts::blocked_users(c, now))
        .await?;
    let users: Vec<_> = rows
        .into_iter()
        .map(|(id, end)| {
            let end = if end == 0 {
                i64::from(i32::MAX) * 1000
            } else {
                end
            };
            json!({ "userId": id, "blockEndTime": time::format(end) })
        })
        .collect();
    Ok(json!({ "users": users }))
}

/// `user/blacklist/add|remove`: `userId` refuses (or again accepts) `blackUserId`s.
pub async fn blacklist_change(shared: &Arc<Shared>, p: &Params, add: bool) -> Outcome {
    let user_id = p.id("userId")?.to_owned();
    let others = p.ids("blackUserId", MAX_BATCH)?;
    let now = now_ms();
    shared
        .store
        .run(move |c| moderation::set_blacklisted(c, &user_id, &others, add, now))
        .await?;
    Ok(json!({}))
}

pub async fn blacklist_query(shared: &Arc<Shared>, p: &Params) -> Outcome {
    let user_id = p.id("userId")?.to_owned();
    let users = shared
        .store
        .run(move |c| moderation::blacklist(c, &user_id))
        .await?;
    Ok(json!({ "users": users }))
}
