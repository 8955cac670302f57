//! The `rongchat-media:` scheme's handler: a request (media_urls.rs) answered by the host
//! (`rongchat_host::served::picture`, or the engine's `internal_picture`); anything it does
//! not serve is a 404.

use crate::avatars::image_response;
use crate::backend::Backend;
use crate::media_urls::{self, CACHE_CONTROL};
use tauri::{Manager, Runtime};

/// Adds the scheme to a builder.
pub fn register<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.register_asynchronous_uri_scheme_protocol(
        media_urls::SCHEME,
        |ctx, request, responder| {
            let app = ctx.app_handle().clone();
            let path = request.uri().path().to_owned();
            tauri::async_runtime::spawn(async move {
                let backend = app.try_state::<Backend>().map(|b| b.inner().clone());
                let bytes = match (media_urls::parse(&path), backend) {
                    (Some(request), Some(Backend::Local(state))) => {
                        rongchat_host::served::picture(&state, &request).await
                    }
                    (Some(_), Some(remote)) => {
                        let args = serde_json::json!({ "path": path });
                        remote.bytes("internal_picture", args).await
                    }
                    _ => None,
                };
                responder.respond(image_response(bytes.as_deref(), CACHE_CONTROL));
            });
        },
    )
}
