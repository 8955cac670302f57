//! Profiles: a group's members with their names (the chat's 群成员 panel and the
//! composer's @ picker call `group_members`).

use crate::error::{Error, Result};
use crate::models::{ConvRef, MemberDto};
use crate::profiles;
use crate::state::AppState;
use rongchat_client::ConversationType;
use tauri::State;

/// Every member of a group chat, as the server lists them (members only: 22406 else).
#[tauri::command]
pub async fn group_members(state: State<'_, AppState>, conv: ConvRef) -> Result<Vec<MemberDto>> {
    let session = state.session().await?;
    let id = conv.validated()?;
    if id.kind != ConversationType::Group {
        return Err(Error::Invalid("not a group".into()));
    }
    let found = session.client().group_members(&id.target_id).await?;
    Ok(profiles::members(session.view(), &found))
}
