//! The `rongchat-avatar:` scheme's handler: a request's id looked up in the signed-in
//! session's directory (the URL's shape and the reply are `avatars.rs`, which the
//! directory uses without depending on the app's state).

use crate::avatars;
use crate::state::AppState;
use std::sync::Arc;
use tauri::{Manager, Runtime};

/// The avatar bytes of `id` in the signed-in session's directory.
async fn lookup<R: Runtime>(app: &tauri::AppHandle<R>, id: &str) -> Option<Arc<[u8]>> {
    let state = app.try_state::<Arc<AppState>>()?;
    let session = state.session().await.ok()?;
    session.view().directory().avatar_png(id)
}

/// Adds the scheme to a builder.
pub fn register<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.register_asynchronous_uri_scheme_protocol(avatars::SCHEME, |ctx, request, responder| {
        let app = ctx.app_handle().clone();
        let id = avatars::parse(request.uri().path());
        tauri::async_runtime::spawn(async move {
            let bytes = match id {
                Some(id) => lookup(&app, &id).await,
                None => None,
            };
            responder.respond(avatars::response(bytes.as_deref()));
        });
    })
}
