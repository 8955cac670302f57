//! Profiles from the server, read the way the official SDK's information hosting reads them
//! (PROTOCOL-NOTES.md "Profiles"): users' names and portraits (`pullUserProfile`), groups'
//! names (`qChannelInfo`) and a group's members (`qChannelMem`, paged).

use crate::client::Client;
use crate::engine::AppRequest;
use crate::error::Result;
use crate::ids::now_ms;
use crate::store::profiles::{CachedProfile, ProfileKind};
use prost::Message as _;
use rongchat_proto::{ConversationType, Topic, pb};

/// The SDK's limits per query: 100 users, 20 groups, 100 members per page.
const MAX_USERS: usize = 100;
const MAX_GROUPS: usize = 20;
const PAGE: i32 = 100;
/// No group is read past this many members (50 pages), whatever the server says.
const MAX_MEMBERS: usize = 5000;
/// `ChannelsListResult.listType` of a member list.
const LIST_USERS: i32 = 1;

/// A user's name and portrait as the server has them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserProfile {
    pub user_id: String,
    /// Empty when the server knows no name.
    pub name: String,
    pub portrait: Option<String>,
}

/// A group's name and size as the server has them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupInfo {
    pub group_id: String,
    pub name: String,
    pub member_count: u32,
}

fn value<'a>(pairs: &'a [pb::ProfileInfo], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|p| p.key.as_deref() == Some(key))
        .and_then(|p| p.value.as_deref())
}

fn non_empty(s: Option<&str>) -> Option<String> {
    s.filter(|s| !s.is_empty()).map(str::to_owned)
}

/// `pullUserProfile` naming `ids` (at most 100), addressed to this user.
pub fn user_profiles_request(ids: &[String]) -> (Topic, Vec<u8>) {
    let req = pb::PullUserProfileReq {
        user_id: ids.iter().take(MAX_USERS).cloned().collect(),
    };
    (Topic::UserProfiles, req.encode_to_vec())
}

/// `qChannelInfo` naming `ids` (at most 20); the SDK addresses it to the first group.
pub fn groups_info_request(ids: &[String]) -> (Topic, Vec<u8>) {
    let req = pb::MultiChannels {
        r#type: Some(ConversationType::Group.code()),
        list: ids
            .iter()
            .take(MAX_GROUPS)
            .map(|id| pb::ChannelsInput {
                target_id: Some(id.clone()),
                ..Default::default()
            })
            .collect(),
    };
    (Topic::GroupsInfo, req.encode_to_vec())
}

/// `qChannelMem`: one page of all members (role 0) of `group_id`, from `token`.
pub fn members_page_request(group_id: &str, token: &str) -> (Topic, Vec<u8>) {
    let req = pb::ChannelsQueryInput {
        target_id: Some(group_id.to_owned()),
        r#type: Some(ConversationType::Group.code()),
        page: Some(pb::ChannelsPageParam {
            size: Some(PAGE),
            page_token: Some(token.to_owned()),
            order: Some(1),
            ..Default::default()
        }),
        role_type: Some(0),
        ..Default::default()
    };
    (Topic::GroupMembersPage, req.encode_to_vec())
}

fn to_profile(p: pb::UserProfile) -> Option<UserProfile> {
    let user_id = p.user_id.filter(|id| !id.is_empty())?;
    Some(UserProfile {
        name: value(&p.user_profile, "name")
            .unwrap_or_default()
            .to_owned(),
        portrait: non_empty(value(&p.user_profile, "portraitUri")),
        user_id,
    })
}

fn to_member(m: pb::ChannelsUserInfo) -> Option<UserProfile> {
    let user_id = m.user_id.filter(|id| !id.is_empty())?;
    Some(UserProfile {
        name: m.name.unwrap_or_default(),
        portrait: non_empty(m.portrait_url.as_deref()),
        user_id,
    })
}

/// The members of one `qChannelMem` reply and the next page's token (`None`: the last).
pub fn members_page(payload: &[u8]) -> Result<(Vec<UserProfile>, Option<String>)> {
    let result = pb::decode_checked::<pb::ChannelsListResult>(payload)?;
    let list = if result.list_type == Some(LIST_USERS) {
        pb::decode_checked::<pb::ChannelsUserInfos>(result.result.as_deref().unwrap_or_default())?
            .list
    } else {
        Vec::new()
    };
    let next = result
        .page
        .filter(|p| p.has_next == Some(true))
        .and_then(|p| p.page_token)
        .filter(|t| !t.is_empty());
    Ok((list.into_iter().filter_map(to_member).collect(), next))
}

impl Client {
    /// The server's profiles of `ids` (at most 100; unknown users are left out).
    pub async fn user_profiles(&self, ids: &[String]) -> Result<Vec<UserProfile>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let (topic, payload) = user_profiles_request(ids);
        let reply = self.inner.ask(AppRequest::query(topic, payload)).await?;
        let profiles = pb::decode_checked::<pb::UserProfiles>(&reply)?;
        let found: Vec<UserProfile> = profiles
            .user_profile
            .into_iter()
            .filter_map(to_profile)
            .collect();
        for p in &found {
            self.cache(
                ProfileKind::User,
                &p.user_id,
                &p.name,
                p.portrait.as_deref(),
            );
        }
        Ok(found)
    }

    /// What the profile cache holds about a user or group (names read earlier, maybe
    /// offline now); `None` also when the cache is unavailable.
    pub fn cached_profile(&self, kind: ProfileKind, id: &str) -> Option<CachedProfile> {
        self.inner
            .with_store(|s| s.cached_profile(kind, id))
            .inspect_err(|error| tracing::debug!(%error, "profile cache unavailable"))
            .ok()
            .flatten()
    }

    /// Best effort: a cache that cannot be written only means asking the server again.
    fn cache(&self, kind: ProfileKind, id: &str, name: &str, portrait: Option<&str>) {
        if let Err(error) = self
            .inner
            .with_store(|s| s.cache_profile(kind, id, name, portrait, now_ms()))
        {
            tracing::debug!(%error, "profile not cached");
        }
    }

    /// The server's info of the groups `ids` (at most 20; unknown groups are left out).
    pub async fn groups_info(&self, ids: &[String]) -> Result<Vec<GroupInfo>> {
        let Some(first) = ids.first() else {
            return Ok(Vec::new());
        };
        let (topic, payload) = groups_info_request(ids);
        let request = AppRequest {
            target: Some(first.clone()),
            ..AppRequest::query(topic, payload)
        };
        let reply = self.inner.ask(request).await?;
        let result = pb::decode_checked::<pb::ChannelsListResult>(&reply)?;
        let infos = pb::decode_checked::<pb::ChannelsJoinedInfos>(
            result.result.as_deref().unwrap_or_default(),
        )?;
        let found: Vec<GroupInfo> = infos
            .list
            .into_iter()
            .filter_map(|g| {
                Some(GroupInfo {
                    name: value(&g.setting_profile, "name")
                        .unwrap_or_default()
                        .to_owned(),
                    member_count: g
                        .base_info
                        .and_then(|b| b.member_count)
                        .and_then(|n| u32::try_from(n).ok())
                        .unwrap_or(0),
                    group_id: g.target_id.filter(|id| !id.is_empty())?,
                })
            })
            .collect();
        for g in &found {
            self.cache(ProfileKind::Group, &g.group_id, &g.name, None);
        }
        Ok(found)
    }

    /// Every member of `group_id` with the name and portrait the server has, page by page.
    /// The server refuses a user who is not a member (22406, as RongCloud).
    pub async fn group_members(&self, group_id: &str) -> Result<Vec<UserProfile>> {
        let mut members = Vec::new();
        let mut token = String::new();
        loop {
            let (topic, payload) = members_page_request(group_id, &token);
            let request = AppRequest {
                target: Some(group_id.to_owned()),
                ..AppRequest::query(topic, payload)
            };
            let reply = self.inner.ask(request).await?;
            let (page, next) = members_page(&reply)?;
            for m in &page {
                self.cache(
                    ProfileKind::User,
                    &m.user_id,
                    &m.name,
                    m.portrait.as_deref(),
                );
            }
            let empty = page.is_empty();
            members.extend(page);
            match next {
                Some(next) if !empty && members.len() < MAX_MEMBERS && next != token => {
                    token = next
                }
                _ => return Ok(members),
            }
        }
    }
}
