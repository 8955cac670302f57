//! Who we are and the connection.

use crate::error::Result;
use crate::models::StatusDto;
use crate::state::AppState;
use tauri::State;

/// The current connection state and user.
#[tauri::command]
pub fn session_get(state: State<'_, AppState>) -> StatusDto {
    state.status()
}

/// Connects again after being kicked by another device or refused (never automatic).
#[tauri::command]
pub async fn session_reconnect(state: State<'_, AppState>) -> Result<()> {
    state.session().await?.client().connect();
    Ok(())
}

/// Logs out: forgets the account and its token, deletes this account's local data when
/// `delete_data`, and goes back to the embedded demo.
#[tauri::command]
pub async fn session_logout(state: State<'_, AppState>, delete_data: bool) -> Result<()> {
    state.sign_out(delete_data).await?;
    let language = state.settings().load()?.language;
    state.settings().apply(language, None)?;
    state.restart().await
}
