//! The `rongchat-media:` scheme's handler: a request (media_urls.rs) answered from the
//! signed-in session's store, only for an image (or, for a poster, music) message whose
//! tag still matches what it shows; anything else is a 404. It never takes a path from the page: the file served
//! is the one the message's own record names (our copy, or its download).

use crate::avatars::image_response;
use crate::dataurl::{MAX_IMAGE_BYTES, thumbnail_bytes};
use crate::media::MAX_POSTER_BYTES;
use crate::media_urls::{self, CACHE_CONTROL, Request, What};
use crate::state::AppState;
use rongchat_proto::content::Content;
use std::sync::Arc;
use tauri::{Manager, Runtime};

/// The picture bytes `request` names, if the session has them.
async fn lookup<R: Runtime>(app: &tauri::AppHandle<R>, request: &Request) -> Option<Vec<u8>> {
    let state = app.try_state::<Arc<AppState>>()?;
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

/// Adds the scheme to a builder.
pub fn register<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.register_asynchronous_uri_scheme_protocol(
        media_urls::SCHEME,
        |ctx, request, responder| {
            let app = ctx.app_handle().clone();
            let parsed = media_urls::parse(request.uri().path());
            tauri::async_runtime::spawn(async move {
                let bytes = match parsed {
                    Some(request) => lookup(&app, &request).await,
                    None => None,
                };
                responder.respond(image_response(bytes.as_deref(), CACHE_CONTROL));
            });
        },
    )
}
