//! Who we are and the connection.

use super::Cx;
use crate::error::Result;
use crate::models::StatusDto;
use serde::Deserialize;

/// [`session_get`]'s arguments.
#[derive(Debug, Deserialize)]
pub struct SessionGetArgs {}

/// The current connection state and user.
pub async fn session_get(state: &Cx, _: SessionGetArgs) -> Result<StatusDto> {
    Ok(state.status())
}

/// [`session_reconnect`]'s arguments.
#[derive(Debug, Deserialize)]
pub struct SessionReconnectArgs {}

/// Connects again after being kicked by another device or refused (never automatic).
pub async fn session_reconnect(state: &Cx, _: SessionReconnectArgs) -> Result<()> {
    state.session().await?.client().connect();
    Ok(())
}

/// [`session_logout`]'s arguments.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionLogoutArgs {
    delete_data: bool,
}

/// Logs out: forgets the account and its token, deletes this account's local data when
/// `delete_data`, and goes back to the embedded demo.
pub async fn session_logout(
    state: &Cx,
    SessionLogoutArgs { delete_data }: SessionLogoutArgs,
) -> Result<()> {
    state.sign_out(delete_data).await?;
    let language = state.settings().load()?.language;
    state.settings().apply(language, None)?;
    state.restart().await
}
