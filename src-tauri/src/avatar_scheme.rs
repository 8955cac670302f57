//! The `rongchat-avatar:` scheme's handler: a request's id looked up by the host
//! (`rongchat_host::served::avatar`; the URL's shape and the reply are `avatars.rs`).

use crate::avatars;
use crate::state::AppState;
use std::sync::Arc;
use tauri::{Manager, Runtime};

/// Adds the scheme to a builder.
pub fn register<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.register_asynchronous_uri_scheme_protocol(avatars::SCHEME, |ctx, request, responder| {
        let app = ctx.app_handle().clone();
        let id = avatars::parse(request.uri().path());
        tauri::async_runtime::spawn(async move {
            let bytes = match (id, app.try_state::<Arc<AppState>>()) {
                (Some(id), Some(state)) => rongchat_host::served::avatar(&state, &id).await,
                _ => None,
            };
            responder.respond(avatars::response(bytes.as_deref()));
        });
    })
}
