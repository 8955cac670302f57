//! The `rongchat-media:` scheme's handler: a request (media_urls.rs) answered by the host
//! (`rongchat_host::served::picture`); anything it does not serve is a 404.

use crate::avatars::image_response;
use crate::media_urls::{self, CACHE_CONTROL};
use crate::state::AppState;
use std::sync::Arc;
use tauri::{Manager, Runtime};

/// Adds the scheme to a builder.
pub fn register<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.register_asynchronous_uri_scheme_protocol(
        media_urls::SCHEME,
        |ctx, request, responder| {
            let app = ctx.app_handle().clone();
            let parsed = media_urls::parse(request.uri().path());
            tauri::async_runtime::spawn(async move {
                let bytes = match (parsed, app.try_state::<Arc<AppState>>()) {
                    (Some(request), Some(state)) => {
                        rongchat_host::served::picture(&state, &request).await
                    }
                    _ => None,
                };
                responder.respond(image_response(bytes.as_deref(), CACHE_CONTROL));
            });
        },
    )
}
