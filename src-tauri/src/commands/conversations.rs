//! The conversation list: read, open (= mark read), pin, mute, remove, drafts.

use crate::error::{Result, check_size};
use crate::models::{ConvRef, ConversationDto};
use crate::state::AppState;
use rongchat_client::{Client, Conversation, ConversationId};
use tauri::State;

/// The longest draft we keep.
const MAX_DRAFT_BYTES: u64 = 64 * 1024;

/// Every conversation, unsorted (the page sorts: pinned first, newest first).
#[tauri::command]
pub async fn conversation_list(state: State<'_, AppState>) -> Result<Vec<ConversationDto>> {
    let session = state.session().await?;
    let list = session.client().conversations()?;
    let (users, groups) = crate::profiles::named_by_conversations(&list);
    crate::profiles::refresh(session.client(), session.view(), users, groups).await;
    Ok(list
        .iter()
        .map(|c| session.view().conversation(c))
        .collect())
}

/// Opens a chat: clears its unread count (locally and on the server) and returns the row.
#[tauri::command]
pub async fn conversation_open(
    state: State<'_, AppState>,
    conv: ConvRef,
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

/// Starts a chat with a user or group by id: the stored row, or a new empty one (it is
/// stored with the first message sent).
#[tauri::command]
pub async fn conversation_start(
    state: State<'_, AppState>,
    conv: ConvRef,
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

/// Clears the unread count of an open chat when more messages arrive.
#[tauri::command]
pub async fn conversation_mark_read(state: State<'_, AppState>, conv: ConvRef) -> Result<()> {
    on_client(&state, conv, async |client, id| client.mark_read(id).await).await
}

/// Pins or unpins a conversation (pinned ones sort first; the client emits the row).
#[tauri::command]
pub async fn conversation_set_pinned(
    state: State<'_, AppState>,
    conv: ConvRef,
    pinned: bool,
) -> Result<()> {
    on_client(&state, conv, async |client, id| {
        client.set_pinned(id, pinned)
    })
    .await
}

/// Turns do-not-disturb on or off (the client emits the row).
#[tauri::command]
pub async fn conversation_set_muted(
    state: State<'_, AppState>,
    conv: ConvRef,
    muted: bool,
) -> Result<()> {
    on_client(&state, conv, async |client, id| client.set_muted(id, muted)).await
}

/// Removes a conversation from the list.
#[tauri::command]
pub async fn conversation_remove(state: State<'_, AppState>, conv: ConvRef) -> Result<()> {
    on_client(&state, conv, async |client, id| {
        client.remove_conversation(id).await
    })
    .await
}

/// Keeps what was typed but not sent.
#[tauri::command]
pub async fn conversation_set_draft(
    state: State<'_, AppState>,
    conv: ConvRef,
    draft: String,
) -> Result<()> {
    check_size(draft.len(), MAX_DRAFT_BYTES)?;
    on_client(&state, conv, async |client, id| {
        client.set_draft(id, &draft)
    })
    .await
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
