//! What the page's two picture schemes serve, from the signed-in session: an avatar by
//! id (`rongchat-avatar:`, avatars.rs names the URL) and a picture by its media URL
//! (`rongchat-media:`, media_urls.rs), only for an image (or, for a poster, music) message
//! whose tag still matches what it shows. Anything else is `None`, which a shell answers
//! 404. A path never comes from the page: the file served is the one the message's own
//! record names (our copy, or its download).

use crate::dataurl::{MAX_IMAGE_BYTES, thumbnail_bytes};
use crate::media::MAX_POSTER_BYTES;
use crate::media_urls::{self, Request, What};
use crate::state::AppState;
use rongchat_proto::content::Content;
use std::sync::Arc;

/// The avatar bytes of `id` in the signed-in session's directory.
pub async fn avatar(state: &AppState, id: &str) -> Option<Arc<[u8]>> {
    let session = state.session().await.ok()?;
    session.view().directory().avatar_png(id)
}

/// The picture bytes `request` names, if the session has them.
pub async fn picture(state: &AppState, request: &Request) -> Option<Vec<u8>> {
    let session = state.session().await.ok()?;
    let message = session.message(&request.local_id.to_string()).ok()?;
    let (path, limit) = match (request.what, message.parsed()) {
        (What::Thumb, Content::Image(image)) => {
            let bytes = thumbnail_bytes(&image.content)?;
            return (media_urls::tag(&[&bytes]) == request.tag).then_some(bytes);
        }
        (What::Image | What::Poster, _) if media_urls::image_tag(&message) != request.tag => {
            return None;
        }
        (What::Image, Content::Image(_)) => {
            (session.media().image(&message).await.ok()?, MAX_IMAGE_BYTES)
        }
        (What::Poster, Content::Music(_)) => (
            session.media().poster(&message).await.ok()?,
            MAX_POSTER_BYTES,
        ),
        _ => return None,
    };
    if tokio::fs::metadata(&path).await.ok()?.len() > limit {
        return None;
    }
    tokio::fs::read(&path).await.ok()
}
