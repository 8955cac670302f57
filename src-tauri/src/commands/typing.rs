//! Typing status: the composer reports input; the client tells the peer (throttled to
//! once per 6 s per conversation, a status message that is never stored). Who types
//! reaches the page as the `typing` event (`models::TypingDto`), from the forwarder.

use crate::error::Result;
use crate::models::ConvRef;
use crate::state::AppState;
use tauri::State;

/// The user types in this conversation; call on every input, the client throttles.
#[tauri::command]
pub async fn conversation_typing(state: State<'_, AppState>, conv: ConvRef) -> Result<()> {
    let session = state.session().await?;
    let id = conv.validated()?;
    session.client().notify_typing(&id);
    Ok(())
}
