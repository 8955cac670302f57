//! Profiles: a group's members with their names (the chat's 群成员 panel and the
//! composer's @ picker call `group_members`).

use super::Cx;
use crate::error::{Error, Result};
use crate::models::{ConvRef, MemberDto};
use crate::profiles;
use rongchat_client::ConversationType;
use serde::Deserialize;

/// [`group_members`]'s arguments.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupMembersArgs {
    conv: ConvRef,
}

/// Every member of a group chat, as the server lists them (members only: 22406 else).
pub async fn group_members(
    state: &Cx,
    GroupMembersArgs { conv }: GroupMembersArgs,
) -> Result<Vec<MemberDto>> {
    let session = state.session().await?;
    let id = conv.validated()?;
    if id.kind != ConversationType::Group {
        return Err(Error::Invalid("not a group".into()));
    }
    let found = session.client().group_members(&id.target_id).await?;
    Ok(profiles::members(session.view(), &found))
}
