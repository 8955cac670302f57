//! History and sending text and music; resending what failed.

use super::{ChannelId, Cx};
use crate::commands::files::reporter;
use crate::error::{Error, Result, check_size};
use crate::models::{ConvRef, HistoryDto, MentionDto, MessageDto};
use crate::session::Session;
use crate::state::AppState;
use rongchat_client::Outgoing;
use rongchat_proto::mention::Mention;
use serde::Deserialize;

/// The longest text we send (RongCloud's limit is 128 KB for a message).
const MAX_TEXT_BYTES: u64 = 64 * 1024;
/// The most users one mention names (the SDK's limit for a user list).
const MAX_MENTIONED: usize = 300;
/// The longest user id (RongCloud's: 64 bytes).
const MAX_ID_BYTES: usize = 64;
/// Messages per history page.
const PAGE: usize = 20;

/// [`message_history`]'s arguments.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageHistoryArgs {
    conv: ConvRef,
    before: Option<String>,
}

/// One page of messages older than the message `before` (its id; none = the newest),
/// oldest first.
pub async fn message_history(
    state: &Cx,
    MessageHistoryArgs { conv, before }: MessageHistoryArgs,
) -> Result<HistoryDto> {
    let session = state.session().await?;
    let id = conv.validated()?;
    let anchor = before.map(|b| session.message(&b)).transpose()?;
    let page = session.client().history(&id, anchor.as_ref(), PAGE).await?;
    let senders = crate::profiles::named_by_messages(&page);
    crate::profiles::refresh(session.client(), session.view(), senders, Vec::new()).await;
    Ok(HistoryDto {
        has_more: page.len() >= PAGE,
        messages: page.iter().map(|m| session.view().message(m)).collect(),
    })
}

/// [`message_send_text`]'s arguments.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageSendTextArgs {
    conv: ConvRef,
    text: String,
    mention: Option<MentionDto>,
}

/// Sends a text; the message comes back at once as `sending`, then updates by event.
/// In a group, `mention` @-mentions everyone or the listed members.
pub async fn message_send_text(
    state: &Cx,
    MessageSendTextArgs {
        conv,
        text,
        mention,
    }: MessageSendTextArgs,
) -> Result<MessageDto> {
    if text.trim().is_empty() {
        return Err(Error::Invalid("empty text".into()));
    }
    check_size(text.len(), MAX_TEXT_BYTES)?;
    let outgoing = match mention.map(mention_of).transpose()? {
        Some(mention) => Outgoing::TextMentioning { text, mention },
        None => Outgoing::Text(text),
    };
    send(state, conv, |_| Ok(outgoing)).await
}

/// The page's mention, checked: everyone, or 1 to [`MAX_MENTIONED`] ids.
fn mention_of(dto: MentionDto) -> Result<Mention> {
    if dto.all {
        return Ok(Mention::all());
    }
    let bad = |id: &String| id.is_empty() || id.len() > MAX_ID_BYTES;
    if dto.user_ids.is_empty() || dto.user_ids.len() > MAX_MENTIONED || dto.user_ids.iter().any(bad)
    {
        return Err(Error::Invalid("a mention names 1 to 300 users".into()));
    }
    let mut seen = std::collections::HashSet::new();
    let mut ids = dto.user_ids;
    ids.retain(|id| seen.insert(id.clone()));
    Ok(Mention::users(ids))
}

/// [`message_send_music`]'s arguments.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageSendMusicArgs {
    conv: ConvRef,
    music_id: String,
}

/// Sends one of the music entries (`music_list`).
pub async fn message_send_music(
    state: &Cx,
    MessageSendMusicArgs { conv, music_id }: MessageSendMusicArgs,
) -> Result<MessageDto> {
    send(state, conv, |session| {
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

/// [`message_recall`]'s arguments.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageRecallArgs {
    id: String,
}

/// Recalls a message this user sent; it turns into a notice on every device by event.
pub async fn message_recall(state: &Cx, MessageRecallArgs { id }: MessageRecallArgs) -> Result<()> {
    let session = state.session().await?;
    let m = session.message(&id)?;
    session.client().recall(&m).await?;
    Ok(())
}

/// [`message_resend`]'s arguments.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageResendArgs {
    id: String,
    progress: ChannelId,
}

/// Sends a failed message again; a file's new upload reports to `progress` as a first
/// send does.
pub async fn message_resend(
    state: &Cx,
    MessageResendArgs { id, progress }: MessageResendArgs,
) -> Result<()> {
    let session = state.session().await?;
    let m = session.message(&id)?;
    session
        .media()
        .resend(m.local_id, reporter(state.channel(&progress)?))?
        .ok_or_else(|| Error::NotFound(format!("message {id}")))?;
    Ok(())
}

/// [`message_cancel_upload`]'s arguments.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageCancelUploadArgs {
    id: String,
}

/// Stops a file's upload: the message turns failed ("cancelled") and can be resent.
pub async fn message_cancel_upload(
    state: &Cx,
    MessageCancelUploadArgs { id }: MessageCancelUploadArgs,
) -> Result<()> {
    let session = state.session().await?;
    let m = session.message(&id)?;
    session.client().cancel_upload(m.local_id);
    Ok(())
}
