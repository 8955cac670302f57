//! Typing status: the composer reports input; the client tells the peer (throttled to
//! once per 6 s per conversation, a status message that is never stored). Who types
//! reaches the page as the `typing` event (`models::TypingDto`), from the forwarder.

use super::Cx;
use crate::error::Result;
use crate::models::ConvRef;
use serde::Deserialize;

/// [`conversation_typing`]'s arguments.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationTypingArgs {
    conv: ConvRef,
}

/// The user types in this conversation; call on every input, the client throttles.
pub async fn conversation_typing(
    state: &Cx,
    ConversationTypingArgs { conv }: ConversationTypingArgs,
) -> Result<()> {
    let session = state.session().await?;
    let id = conv.validated()?;
    session.client().notify_typing(&id);
    Ok(())
}
