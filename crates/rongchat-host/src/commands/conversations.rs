//! The conversation list: read, open (= mark read), pin, mute, remove, drafts.

use super::Cx;
use crate::error::{Result, check_size};
use crate::models::{ConvRef, ConversationDto};
use crate::state::AppState;
use rongchat_client::{Client, Conversation, ConversationId};
use serde::Deserialize;

/// The longest draft we keep.
const MAX_DRAFT_BYTES: u64 = 64 * 1024;

/// [`conversation_list`]'s arguments.
#[derive(Debug, Deserialize)]
pub struct ConversationListArgs {}

/// Every conversation, unsorted (the page sorts: pinned first, newest first).
pub async fn conversation_list(
    state: &Cx,
    _: ConversationListArgs,
) -> Result<Vec<ConversationDto>> {
    let session = state.session().await?;
    let list = session.client().conversations()?;
    let (users, groups) = crate::profiles::named_by_conversations(&list);
    crate::profiles::refresh(session.client(), session.view(), users, groups).await;
    Ok(list
        .iter()
        .map(|c| session.view().conversation(c))
        .collect())
}

/// [`conversation_open`]'s arguments.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationOpenArgs {
    conv: ConvRef,
}

/// Opens a chat: clears its unread count (locally and on the server) and returns the row.
pub async fn conversation_open(
    state: &Cx,
    ConversationOpenArgs { conv }: ConversationOpenArgs,
) -> Result<Option<ConversationDto>> {
    let session = state.session().await?;
    let id = conv.validated()?;
    session.client().mark_read(&id).await?;
    let row = session.client().conversation(&id)?;
    if let Some(c) = &row {
        let (users, groups) = crate::profiles::named_by_conversations(std::slice::from_ref(c));
        crate::profiles::refresh(session.client(), session.view(), users, groups).await;
    }
    Ok(row.map(|c| session.view().conversation(&c)))
}

/// [`conversation_start`]'s arguments.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationStartArgs {
    conv: ConvRef,
}

/// Starts a chat with a user or group by id: the stored row, or a new empty one (it is
/// stored with the first message sent).
pub async fn conversation_start(
    state: &Cx,
    ConversationStartArgs { conv }: ConversationStartArgs,
) -> Result<ConversationDto> {
    let session = state.session().await?;
    let id = conv.validated()?;
    let row = session.client().conversation(&id)?.unwrap_or(Conversation {
        id,
        last_message: None,
        last_time: 0,
        unread: 0,
        read_time: 0,
        draft: String::new(),
        pinned: false,
        muted: false,
        level: 0,
        mentioned: false,
    });
    Ok(session.view().conversation(&row))
}

/// [`conversation_mark_read`]'s arguments.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationMarkReadArgs {
    conv: ConvRef,
}

/// Clears the unread count of an open chat when more messages arrive.
pub async fn conversation_mark_read(
    state: &Cx,
    ConversationMarkReadArgs { conv }: ConversationMarkReadArgs,
) -> Result<()> {
    on_client(state, conv, async |client, id| client.mark_read(id).await).await
}

/// [`conversation_set_pinned`]'s arguments.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationSetPinnedArgs {
    conv: ConvRef,
    pinned: bool,
}

/// Pins or unpins a conversation (pinned ones sort first; the client emits the row).
pub async fn conversation_set_pinned(
    state: &Cx,
    ConversationSetPinnedArgs { conv, pinned }: ConversationSetPinnedArgs,
) -> Result<()> {
    on_client(state, conv, async |client, id| {
        client.set_pinned(id, pinned)
    })
    .await
}

/// [`conversation_set_muted`]'s arguments.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationSetMutedArgs {
    conv: ConvRef,
    muted: bool,
}

/// Turns do-not-disturb on or off (the client emits the row).
pub async fn conversation_set_muted(
    state: &Cx,
    ConversationSetMutedArgs { conv, muted }: ConversationSetMutedArgs,
) -> Result<()> {
    on_client(state, conv, async |client, id| client.set_muted(id, muted)).await
}

/// [`conversation_remove`]'s arguments.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationRemoveArgs {
    conv: ConvRef,
}

/// Removes a conversation from the list.
pub async fn conversation_remove(
    state: &Cx,
    ConversationRemoveArgs { conv }: ConversationRemoveArgs,
) -> Result<()> {
    on_client(state, conv, async |client, id| {
        client.remove_conversation(id).await
    })
    .await
}

/// [`conversation_set_draft`]'s arguments.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationSetDraftArgs {
    conv: ConvRef,
    draft: String,
}

/// Keeps what was typed but not sent.
pub async fn conversation_set_draft(
    state: &Cx,
    ConversationSetDraftArgs { conv, draft }: ConversationSetDraftArgs,
) -> Result<()> {
    check_size(draft.len(), MAX_DRAFT_BYTES)?;
    on_client(state, conv, async |client, id| client.set_draft(id, &draft)).await
}

/// Runs one client call on the validated conversation of the signed-in session.
async fn on_client<T>(
    state: &AppState,
    conv: ConvRef,
    call: impl AsyncFnOnce(&Client, &ConversationId) -> rongchat_client::Result<T>,
) -> Result<T> {
    let session = state.session().await?;
    let id = conv.validated()?;
    Ok(call(session.client(), &id).await?)
}
