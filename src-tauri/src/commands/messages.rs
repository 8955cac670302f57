//! History and sending text and music; resending what failed.

use crate::error::{Error, Result, check_size};
use crate::models::{ConvRef, HistoryDto, MessageDto};
use crate::session::Session;
use crate::state::AppState;
use rongchat_client::Outgoing;
use tauri::State;

/// The longest text we send (RongCloud's limit is 128 KB for a message).
const MAX_TEXT_BYTES: u64 = 64 * 1024;
/// Messages per history page.
const PAGE: usize = 20;

/// One page of messages older than the message `before` (its id; none = the newest),
/// oldest first.
#[tauri::command]
pub async fn message_history(
    state: State<'_, AppState>,
    conv: ConvRef,
    before: Option<String>,
) -> Result<HistoryDto> {
    let session = state.session().await?;
    let id = conv.validated()?;
    let anchor = before.map(|b| session.message(&b)).transpose()?;
    let page = session.client().history(&id, anchor.as_ref(), PAGE).await?;
    Ok(HistoryDto {
        has_more: page.len() >= PAGE,
        messages: page.iter().map(|m| session.view().message(m)).collect(),
    })
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
    check_size(text.len(), MAX_TEXT_BYTES)?;
    send(&state, conv, |_| Ok(Outgoing::Text(text))).await
}

/// Sends one of the music entries (`music_list`).
#[tauri::command]
pub async fn message_send_music(
    state: State<'_, AppState>,
    conv: ConvRef,
    music_id: String,
) -> Result<MessageDto> {
    send(&state, conv, |session| {
        let music = session
            .music()
            .iter()
            .find(|m| m.id == music_id)
            .ok_or_else(|| Error::NotFound(format!("music {music_id:?}")))?;
        Ok(Outgoing::Music {
            url: music.url.clone(),
            name: music.name.clone(),
            author: music.author.clone(),
            poster: music.poster.clone(),
        })
    })
    .await
}

/// Sends what `outgoing` builds into `conv`; the message as it stands now (`sending`).
async fn send(
    state: &AppState,
    conv: ConvRef,
    outgoing: impl FnOnce(&Session) -> Result<Outgoing>,
) -> Result<MessageDto> {
    let session = state.session().await?;
    let id = conv.validated()?;
    let m = session.client().send(&id, outgoing(&session)?).await?;
    Ok(session.view().message(&m))
}

/// Recalls a message this user sent; it turns into a notice on every device by event.
#[tauri::command]
pub async fn message_recall(state: State<'_, AppState>, id: String) -> Result<()> {
    let session = state.session().await?;
    let m = session.message(&id)?;
    session.client().recall(&m).await?;
    Ok(())
}

/// Sends a failed message again.
#[tauri::command]
pub async fn message_resend(state: State<'_, AppState>, id: String) -> Result<()> {
    let session = state.session().await?;
    let m = session.message(&id)?;
    session
        .client()
        .retry(m.local_id)?
        .ok_or_else(|| Error::NotFound(format!("message {id}")))?;
    Ok(())
}
