//! What the message menu and the chat header do besides sending: reply (`RC:ReferenceMsg`),
//! forward to another conversation, delete (for me: here and in this user's history on
//! the server; for both sides: a recall with `isDelete`), clear a conversation's history.
//! Removals reach the page as the `messages-removed` event, from the forwarder.

use super::Cx;
use crate::error::{Error, Result, check_size};
use crate::models::{ConvRef, MessageDto};
use rongchat_client::DeleteScope;
use serde::Deserialize;

/// The longest reply text (as for a text message).
const MAX_TEXT_BYTES: u64 = 64 * 1024;
/// The most messages one delete names (the SDK's `delMsg` carries up to 100).
const MAX_DELETE: usize = 100;

/// Who loses a deleted message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DeleteFor {
    /// This user: here and in their history on the server (the peer keeps it).
    Me,
    /// Both sides (own messages only): recalled with `isDelete`.
    Both,
}

/// [`message_reply`]'s arguments.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageReplyArgs {
    id: String,
    text: String,
}

/// Replies `text` to the message `id`, in its conversation.
pub async fn message_reply(
    state: &Cx,
    MessageReplyArgs { id, text }: MessageReplyArgs,
) -> Result<MessageDto> {
    if text.trim().is_empty() {
        return Err(Error::Invalid("empty text".into()));
    }
    check_size(text.len(), MAX_TEXT_BYTES)?;
    let session = state.session().await?;
    let quoted = session.message(&id)?;
    let m = session.client().reply(&quoted, &text).await?;
    Ok(session.view().message(&m))
}

/// [`message_forward`]'s arguments.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageForwardArgs {
    id: String,
    to: ConvRef,
}

/// Forwards the message `id` (its content, unchanged) to `to`.
pub async fn message_forward(
    state: &Cx,
    MessageForwardArgs { id, to }: MessageForwardArgs,
) -> Result<MessageDto> {
    let session = state.session().await?;
    let message = session.message(&id)?;
    let to = to.validated()?;
    let m = session.client().forward(&message, &to).await?;
    Ok(session.view().message(&m))
}

/// [`message_delete`]'s arguments.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageDeleteArgs {
    ids: Vec<String>,
    scope: DeleteFor,
}

/// Deletes messages of one conversation, for this user or (one own message) both sides.
pub async fn message_delete(
    state: &Cx,
    MessageDeleteArgs { ids, scope }: MessageDeleteArgs,
) -> Result<()> {
    if ids.is_empty() || ids.len() > MAX_DELETE {
        return Err(Error::Invalid(format!("1 to {MAX_DELETE} messages")));
    }
    let session = state.session().await?;
    let messages = ids
        .iter()
        .map(|id| session.message(id))
        .collect::<Result<Vec<_>>>()?;
    let conversation = messages[0].conversation.clone();
    if messages.iter().any(|m| m.conversation != conversation) {
        return Err(Error::Invalid("messages of one conversation".into()));
    }
    match scope {
        DeleteFor::Me => {
            let local: Vec<i64> = messages.iter().map(|m| m.local_id).collect();
            session
                .client()
                .delete_messages(&conversation, &local, DeleteScope::Remote)
                .await?;
        }
        DeleteFor::Both => {
            let [message] = messages.as_slice() else {
                return Err(Error::Invalid(
                    "one message at a time for both sides".into(),
                ));
            };
            session.client().delete_for_both(message).await?;
        }
    }
    Ok(())
}

/// [`conversation_clear_history`]'s arguments.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationClearHistoryArgs {
    conv: ConvRef,
    remote: Option<bool>,
}

/// Clears the conversation's history here and, unless `remote` is `false`, in this user's
/// history on the server (the peer keeps theirs either way); the conversation stays in the
/// list. A local-only clear leaves the cloud's copy, which older pages can load again.
pub async fn conversation_clear_history(
    state: &Cx,
    ConversationClearHistoryArgs { conv, remote }: ConversationClearHistoryArgs,
) -> Result<()> {
    let session = state.session().await?;
    let id = conv.validated()?;
    session
        .client()
        .clear_history(&id, remote.unwrap_or(true))
        .await?;
    Ok(())
}
