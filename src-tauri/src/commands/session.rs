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
