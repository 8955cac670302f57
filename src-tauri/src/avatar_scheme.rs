//! The `rongchat-avatar:` scheme's handler: a request's id looked up by the host
//! (`rongchat_host::served::avatar`, or the engine's `internal_avatar`; the URL's shape
//! and the reply are `avatars.rs`).

use crate::avatars;
use crate::backend::Backend;
use tauri::{Manager, Runtime};

/// Adds the scheme to a builder.
pub fn register<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.register_asynchronous_uri_scheme_protocol(avatars::SCHEME, |ctx, request, responder| {
        let app = ctx.app_handle().clone();
        let id = avatars::parse(request.uri().path());
        tauri::async_runtime::spawn(async move {
            let backend = app.try_state::<Backend>().map(|b| b.inner().clone());
            let bytes = match (id, backend) {
                (Some(id), Some(Backend::Local(state))) => {
                    rongchat_host::served::avatar(&state, &id).await
                }
                (Some(id), Some(remote)) => remote
                    .bytes("internal_avatar", serde_json::json!({ "id": id }))
                    .await
                    .map(std::sync::Arc::<[u8]>::from),
                _ => None,
            };
            responder.respond(avatars::response(bytes.as_deref()));
        });
    })
}
