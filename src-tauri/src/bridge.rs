//! The page's commands carried to the host: an invoke of a host command (one of
//! `rongchat_host::commands::NAMES`) goes to [`rongchat_host::commands::dispatch`] with
//! its JSON arguments, on the async runtime, and its answer or `{kind, message}` error goes
//! back to the page; anything else is the shell's own command. Tauri has already checked
//! the capability for the command's name before the handler runs.

use crate::error::Error;
use crate::state::AppState;
use rongchat_host::commands::{self, Cx, Page, Sink};
use std::str::FromStr;
use std::sync::Arc;
use tauri::ipc::{Channel, Invoke, InvokeBody, JavaScriptChannelId};
use tauri::{Manager, Runtime, Webview};

/// A webview as the host's commands see their caller: its channels.
struct WebviewPage<R: Runtime>(Webview<R>);

impl<R: Runtime> Page for WebviewPage<R> {
    fn channel(&self, id: &str) -> Option<Sink> {
        let id = JavaScriptChannelId::from_str(id).ok()?;
        let channel: Channel<serde_json::Value> = id.channel_on(self.0.clone());
        Some(Arc::new(move |value| {
            let _ = channel.send(value); // a page that went away misses the rest
        }))
    }
}

/// A host command's context for a call from `webview`.
pub fn host_cx<R: Runtime>(webview: &Webview<R>, state: &Arc<AppState>) -> Cx {
    Cx::new(state.clone(), Arc::new(WebviewPage(webview.clone())))
}

/// The invoke handler: host commands to the host, the rest to `shell`.
pub fn handler<R: Runtime>(
    shell: impl Fn(Invoke<R>) -> bool + Send + Sync + 'static,
) -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
    move |invoke| {
        if commands::NAMES.contains(&invoke.message.command()) {
            to_host(invoke);
            true
        } else {
            shell(invoke)
        }
    }
}

fn to_host<R: Runtime>(invoke: Invoke<R>) {
    let Invoke {
        message, resolver, ..
    } = invoke;
    let InvokeBody::Json(args) = message.payload() else {
        resolver.reject(Error::Invalid("expected JSON arguments".into()));
        return;
    };
    let args = args.clone();
    let command = message.command().to_owned();
    let webview = message.webview();
    let Some(state) = webview.try_state::<Arc<AppState>>() else {
        resolver.reject(Error::NotSignedIn);
        return;
    };
    let cx = host_cx(&webview, &state);
    let answer =
        async move |cx: Cx, resolver: tauri::ipc::InvokeResolver<R>| match commands::dispatch(
            &cx, &command, args,
        )
        .await
        {
            Ok(answer) => resolver.resolve(answer),
            Err(e) => resolver.reject(e),
        };
    let on_a_worker = tokio::runtime::Handle::try_current().is_ok();
    if commands::ANSWERED_AT_ONCE.contains(&message.command()) && !on_a_worker {
        // Nothing in them waits: answered here (the UI thread), not behind the runtime's
        // queue. A call that arrives on a runtime thread cannot block on it.
        tauri::async_runtime::block_on(answer(cx, resolver));
    } else {
        tauri::async_runtime::spawn(answer(cx, resolver));
    }
}
