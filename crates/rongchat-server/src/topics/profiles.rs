//! The profile topics the official SDK's information hosting reads (`getUserProfiles`,
//! `getGroupsInfo`, `getGroupMembers`, `getGroupMembersByRole`, `getJoinedGroups`; facts in
//! PROTOCOL-NOTES.md "Profiles"), answered from what the Server API stored. Anyone signed in
//! may read a user's name and a group's name; only a member may read a group's members.

use super::reply::{Reply, decode, internal};
use crate::clock::now_ms;
use crate::connection::Connection;
use crate::store::profiles::{self, GroupCard, MemberCard, UserCard};
use crate::users::valid_id;
use prost::Message as _;
use rongchat_proto::status::AckStatus;
use rongchat_proto::{ConversationType, pb};

/// The SDK's own limits: 100 users per profile query, 20 groups per group query,
/// 100 members per page.
const MAX_USERS: usize = 100;
const MAX_GROUPS: usize = 20;
const MAX_PAGE: usize = 100;
/// A page size left out: the SDK's default count.
const DEFAULT_PAGE: usize = 50;
/// `ChannelsListResult.listType`: what `result` holds.
const LIST_USERS: i32 = 1;
const LIST_GROUPS: i32 = 3;
/// `GroupMemberRole` NORMAL: every member here (the Server API names no owner or managers).
const ROLE_NORMAL: i32 = 1;

fn kv(key: &str, value: &str) -> pb::ProfileInfo {
    pb::ProfileInfo {
        key: Some(key.into()),
        value: Some(value.into()),
    }
}

fn checked_ids(ids: Vec<String>, max: usize) -> Result<Vec<String>, AckStatus> {
    if ids.is_empty() || ids.len() > max || !ids.iter().all(|id| valid_id(id)) {
        return Err(AckStatus::ParameterInvalid);
    }
    Ok(ids)
}

fn user_profile(card: UserCard, version: i64) -> pb::UserProfile {
    pb::UserProfile {
        // Always newer than what a client holds: it keeps a profile only if its version is.
        version: Some(version),
        user_id: Some(card.user_id),
        user_profile: vec![kv("name", &card.name), kv("portraitUri", &card.portrait)],
        user_ext_profile: Vec::new(),
    }
}

/// `pullUserProfile`.
pub async fn users(conn: &Connection, payload: &[u8]) -> Reply {
    let req: pb::PullUserProfileReq = decode(payload)?;
    let ids = checked_ids(req.user_id, MAX_USERS)?;
    let cards = conn
        .shared
        .store
        .run(move |c| profiles::users(c, &ids))
        .await
        .map_err(internal)?;
    let version = now_ms();
    let reply = pb::UserProfiles {
        user_profile: cards
            .into_iter()
            .map(|c| user_profile(c, version))
            .collect(),
    };
    Ok(reply.encode_to_vec())
}

/// `pullOwnProfile`: the SDK asks once per connect when profiles are on.
pub async fn own(conn: &Connection, payload: &[u8]) -> Reply {
    let _: pb::UserProfileInput = decode(payload)?;
    let ids = vec![conn.user_id.clone()];
    let card = conn
        .shared
        .store
        .run(move |c| profiles::users(c, &ids))
        .await
        .map_err(internal)?
        .pop()
        .unwrap_or_else(|| UserCard {
            user_id: conn.user_id.clone(),
            name: String::new(),
            portrait: String::new(),
        });
    Ok(user_profile(card, now_ms()).encode_to_vec())
}

fn is_group(kind: Option<i32>) -> bool {
    kind.is_none_or(|k| k == ConversationType::Group.code())
}

fn list_result(list_type: i32, result: Vec<u8>, page: Option<pb::ChannelsPageParam>) -> Vec<u8> {
    pb::ChannelsListResult {
        list_type: Some(list_type),
        result: Some(result),
        page,
    }
    .encode_to_vec()
}

fn joined_info(card: GroupCard) -> pb::ChannelsJoinedInfo {
    pb::ChannelsJoinedInfo {
        target_id: Some(card.group_id),
        setting_profile: vec![kv("name", &card.name)],
        ext_profile: Vec::new(),
        base_info: Some(pb::ChannelBaseInfo {
            create_time: Some(card.created_at),
            member_count: Some(i32::try_from(card.member_count).unwrap_or(i32::MAX)),
            ..Default::default()
        }),
        user_info: card.joined_at.map(|joined| pb::ChannelsUserExtInfo {
            role: Some(ROLE_NORMAL),
            join_time: Some(joined),
            ..Default::default()
        }),
    }
}

fn groups_reply(cards: Vec<GroupCard>) -> Vec<u8> {
    let list = pb::ChannelsJoinedInfos {
        list: cards.into_iter().map(joined_info).collect(),
    };
    list_result(LIST_GROUPS, list.encode_to_vec(), None)
}

/// The groups among `ids` that exist, as `viewer` sees them; `joined_only`: only theirs.
async fn group_cards(
    conn: &Connection,
    ids: Vec<String>,
    joined_only: bool,
) -> Result<Vec<GroupCard>, AckStatus> {
    let viewer = conn.user_id.clone();
    let cards = conn
        .shared
        .store
        .run(move |c| {
            let mut cards = Vec::new();
            for id in &ids {
                cards.extend(profiles::group(c, id, &viewer)?);
            }
            Ok(cards)
        })
        .await
        .map_err(internal)?;
    Ok(cards
        .into_iter()
        .filter(|c| !joined_only || c.joined_at.is_some())
        .collect())
}

/// `qChannelInfo`: addressed to the first group asked about.
pub async fn groups_info(conn: &Connection, target: &str, payload: &[u8]) -> Reply {
    let req: pb::MultiChannels = decode(payload)?;
    let ids: Vec<String> = req.list.into_iter().filter_map(|c| c.target_id).collect();
    let ids = checked_ids(ids, MAX_GROUPS)?;
    if !is_group(req.r#type) || ids[0] != target {
        return Err(AckStatus::ParameterInvalid);
    }
    Ok(groups_reply(group_cards(conn, ids, false).await?))
}

/// `qChannelMemSpeJoin`: which of these groups the user is in.
pub async fn joined(conn: &Connection, payload: &[u8]) -> Reply {
    let req: pb::ChannelsQueryInput = decode(payload)?;
    let ids = checked_ids(req.ids, MAX_GROUPS)?;
    if !is_group(req.r#type) {
        return Err(AckStatus::ParameterInvalid);
    }
    Ok(groups_reply(group_cards(conn, ids, true).await?))
}

fn member_info(card: MemberCard) -> pb::ChannelsUserInfo {
    pb::ChannelsUserInfo {
        user_id: Some(card.user.user_id),
        ext: Some(pb::ChannelsUserExtInfo {
            role: Some(ROLE_NORMAL),
            join_time: Some(card.joined_at),
            ..Default::default()
        }),
        op_time: None,
        name: Some(card.user.name),
        portrait_url: Some(card.user.portrait),
    }
}

fn members_result(cards: Vec<MemberCard>) -> Vec<u8> {
    pb::ChannelsUserInfos {
        list: cards.into_iter().map(member_info).collect(),
    }
    .encode_to_vec()
}

/// The group a member query names: the QUERY's target, the payload's group, and the asking
/// user a member of it (else 22406, RongCloud's "not in group").
async fn member_of(
    conn: &Connection,
    target: &str,
    req: &pb::ChannelsQueryInput,
) -> Result<String, AckStatus> {
    let group = req.target_id.clone().unwrap_or_default();
    if !valid_id(&group) || group != target || !is_group(req.r#type) {
        return Err(AckStatus::ParameterInvalid);
    }
    let (g, user) = (group.clone(), conn.user_id.clone());
    let member = conn
        .shared
        .store
        .run(move |c| profiles::is_member(c, &g, &user))
        .await
        .map_err(internal)?;
    if !member {
        return Err(AckStatus::NotInGroup);
    }
    Ok(group)
}

/// `qChannelSpeMem`: the named members.
pub async fn members(conn: &Connection, target: &str, payload: &[u8]) -> Reply {
    let req: pb::ChannelsQueryInput = decode(payload)?;
    let group = member_of(conn, target, &req).await?;
    let ids = checked_ids(req.ids, MAX_USERS)?;
    let cards = conn
        .shared
        .store
        .run(move |c| profiles::members_named(c, &group, &ids))
        .await
        .map_err(internal)?;
    Ok(list_result(LIST_USERS, members_result(cards), None))
}

/// `qChannelMem`: one page of members; the page token is the offset of the next page.
pub async fn members_page(conn: &Connection, target: &str, payload: &[u8]) -> Reply {
    let req: pb::ChannelsQueryInput = decode(payload)?;
    let group = member_of(conn, target, &req).await?;
    let page = req.page.unwrap_or_default();
    let size = match page.size {
        None | Some(0) => DEFAULT_PAGE,
        Some(n) => usize::try_from(n)
            .ok()
            .filter(|&n| n <= MAX_PAGE)
            .ok_or(AckStatus::ParameterInvalid)?,
    };
    let offset = match page.page_token.as_deref() {
        None | Some("") => 0,
        Some(token) => token
            .parse::<usize>()
            .map_err(|_| AckStatus::ParameterInvalid)?,
    };
    // Every member is NORMAL: asking for managers or the owner finds no one.
    let role = req.role_type.unwrap_or(0);
    let (cards, total) = if role == 0 || role == ROLE_NORMAL {
        conn.shared
            .store
            .run(move |c| profiles::members_page(c, &group, offset, size))
            .await
            .map_err(internal)?
    } else {
        (Vec::new(), 0)
    };
    let next = offset + cards.len();
    let has_next = !cards.is_empty() && next < total;
    let page = pb::ChannelsPageParam {
        size: Some(i32::try_from(size).unwrap_or(0)),
        page_token: Some(if has_next {
            next.to_string()
        } else {
            String::new()
        }),
        has_next: Some(has_next),
        total: Some(i32::try_from(total).unwrap_or(i32::MAX)),
        order: page.order,
    };
    Ok(list_result(LIST_USERS, members_result(cards), Some(page)))
}
