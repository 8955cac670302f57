//! History and sending text and music; resending what failed.

use crate::error::{Error, Result};
use crate::models::{ConvRef, HistoryDto, MessageDto};
use crate::state::AppState;
use tauri::State;

/// The longest text we send (RongCloud's limit is 128 KB for a message).
const MAX_TEXT_BYTES: usize = 64 * 1024;

/// One page of messages older than the message `before` (its id; none = the newest),
/// oldest first.
#[tauri::command]
pub async fn message_history(
    state: State<'_, AppState>,
    conv: ConvRef,
    before: Option<String>,
) -> Result<HistoryDto> {
    state
        .session()
        .await?
        .history(&conv.validated()?, before.as_deref())
        .await
}

/// Sends a text; the message comes back at once as `sending`, then updates by event.
#[tauri::command]
pub async fn message_send_text(
    state: State<'_, AppState>,
    conv: ConvRef,
    text: String,
) -> Result<MessageDto> {
    if text.trim().is_empty() {
        return Err(Error::Invalid("empty text".into()));
    }
    if text.len() > MAX_TEXT_BYTES {
        return Err(Error::Invalid("text too long".into()));
    }
    state
        .session()
        .await?
        .send_text(&conv.validated()?, text)
        .await
}

/// Sends one of the music entries (`music_list`).
#[tauri::command]
pub async fn message_send_music(
    state: State<'_, AppState>,
    conv: ConvRef,
    music_id: String,
) -> Result<MessageDto> {
    state
        .session()
        .await?
        .send_music(&conv.validated()?, &music_id)
        .await
}

/// Sends a failed message again.
#[tauri::command]
pub async fn message_resend(state: State<'_, AppState>, id: String) -> Result<()> {
    state.session().await?.resend(&id).await
}
