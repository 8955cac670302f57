//! The page's commands carried to the host: an invoke of a host command (one of
//! `rongchat_host::commands::NAMES`, and only those) goes to the [`Backend`] with its JSON
//! arguments, on the async runtime, and its answer or `{kind, message}` error goes back to
//! the page; anything else is the shell's own command. Tauri has already checked
//! the capability for the command's name before the handler runs.

use crate::backend::Backend;
use crate::error::Error;
use rongchat_host::commands::{self, Page, Sink};
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

/// The caller `webview` as the host's commands see it.
pub fn page<R: Runtime>(webview: &Webview<R>) -> Arc<dyn Page> {
    Arc::new(WebviewPage(webview.clone()))
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
    let Some(backend) = webview.try_state::<Backend>() else {
        resolver.reject(Error::NotSignedIn);
        return;
    };
    let local = matches!(backend.inner(), Backend::Local(_));
    let (backend, page) = (backend.inner().clone(), page(&webview));
    let answer = async move |resolver: tauri::ipc::InvokeResolver<R>| match backend
        .call(page, &command, args)
        .await
    {
        Ok(answer) => resolver.resolve(answer),
        Err(e) => resolver.reject(e),
    };
    let on_a_worker = tokio::runtime::Handle::try_current().is_ok();
    if local && commands::ANSWERED_AT_ONCE.contains(&message.command()) && !on_a_worker {
        // Nothing in them waits: answered here (the UI thread), not behind the runtime's
        // queue. A call that arrives on a runtime thread cannot block on it. (From the
        // engine's process they are a socket's round trip away: not on the UI thread.)
        tauri::async_runtime::block_on(answer(resolver));
    } else {
        tauri::async_runtime::spawn(answer(resolver));
    }
}
