//! The conversation list: read, open (= mark read), pin, mute, remove, drafts.

use crate::error::Result;
use crate::models::{ConvRef, ConversationDto};
use crate::state::AppState;
use tauri::State;

/// Every conversation, unsorted (the page sorts: pinned first, newest first).
#[tauri::command]
pub async fn conversation_list(state: State<'_, AppState>) -> Result<Vec<ConversationDto>> {
    state.session().await?.conversations().await
}

/// Opens a chat: clears its unread count (locally and on the server) and returns the row.
#[tauri::command]
pub async fn conversation_open(
    state: State<'_, AppState>,
    conv: ConvRef,
) -> Result<Option<ConversationDto>> {
    let session = state.session().await?;
    let conv = conv.validated()?;
    session.mark_read(&conv).await?;
    session.conversation(&conv).await
}

/// Clears the unread count of an open chat when more messages arrive.
#[tauri::command]
pub async fn conversation_mark_read(state: State<'_, AppState>, conv: ConvRef) -> Result<()> {
    state.session().await?.mark_read(&conv.validated()?).await
}

/// Pins or unpins a conversation (pinned ones sort first).
#[tauri::command]
pub async fn conversation_set_pinned(
    state: State<'_, AppState>,
    conv: ConvRef,
    pinned: bool,
) -> Result<()> {
    state
        .session()
        .await?
        .set_pinned(&conv.validated()?, pinned)
        .await
}

/// Turns do-not-disturb on or off.
#[tauri::command]
pub async fn conversation_set_muted(
    state: State<'_, AppState>,
    conv: ConvRef,
    muted: bool,
) -> Result<()> {
    state
        .session()
        .await?
        .set_muted(&conv.validated()?, muted)
        .await
}

/// Removes a conversation from the list.
#[tauri::command]
pub async fn conversation_remove(state: State<'_, AppState>, conv: ConvRef) -> Result<()> {
    state.session().await?.remove(&conv.validated()?).await
}

/// Keeps what was typed but not sent.
#[tauri::command]
pub async fn conversation_set_draft(
    state: State<'_, AppState>,
    conv: ConvRef,
    draft: String,
) -> Result<()> {
    if draft.len() > 64 * 1024 {
        return Err(crate::error::Error::Invalid("draft too long".into()));
    }
    state
        .session()
        .await?
        .set_draft(&conv.validated()?, &draft)
        .await
}
