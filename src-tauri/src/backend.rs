//! Where the host runs. `Remote`: in `rongchat-engine`, found at its socket or started
//! beside this binary, so the session, the embedded server, the demo, the tray and the
//! notifications live on in a process without a window, which idles at a tenth of one
//! with (the Linux desktop's default, see [`split_wanted`]). `Local`: in this process (on
//! a phone, without the engine's binary, or with `RONGCHAT_ENGINE=local`). The shell asks the host the same way in both, by a
//! command's name ([`Backend::call`]); in `Remote` the host's page events and channel
//! values are relayed to this process's webview as if they had been sent here.

use crate::events::{self, Reset, json};
use crate::state::AppState;
use rongchat_host::commands::{self, Cx, Page, Sink};
use rongchat_host::ipc::link::{CallError, Link, Push};
use rongchat_host::ipc::serve;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tauri::ipc::{Channel, JavaScriptChannelId};
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tokio::io::AsyncBufReadExt;
use tokio::sync::mpsc::UnboundedReceiver;

/// Set to `split` to run the host in `rongchat-engine`.
pub const MODE_VAR: &str = "RONGCHAT_ENGINE";
/// The engine's binary, when not beside this one.
pub const BINARY_VAR: &str = "RONGCHAT_ENGINE_BIN";
/// How long a started engine may take to listen.
const START_LIMIT: Duration = Duration::from_secs(20);
/// How often the shell tries to find or start the engine again after it went away.
const RECONNECTS: u32 = 3;

/// A command's answer, or its error as the page gets it (`{kind, message}`).
pub type Answer = Result<Value, Value>;

/// The host, wherever it runs.
#[derive(Clone)]
pub enum Backend {
    /// In this process.
    Local(Arc<AppState>),
    /// In the engine's process.
    Remote(Arc<Remote>),
}

impl Backend {
    /// The bytes `command` answers base64 (`internal_avatar`, `internal_picture`).
    pub async fn bytes(&self, command: &str, args: Value) -> Option<Vec<u8>> {
        use base64::Engine;
        let encoded = self.ask::<Option<String>>(command, args).await.ok()??;
        base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .ok()
    }
}

impl Backend {
    /// Keeps a dropped or pasted file (`internal_stage`); here, without a copy.
    pub async fn stage(&self, name: String, bytes: Vec<u8>) -> Answer {
        match self {
            Self::Local(state) => {
                let cx = Cx::new(state.clone(), Arc::new(NoPage));
                commands::internal::stage(&cx, name, bytes)
                    .await
                    .map(json)
                    .map_err(json)
            }
            Self::Remote(remote) => {
                // Handed over in a file beside the socket (only the user may enter there).
                let socket = serve::socket_path(&remote.data);
                let path = commands::internal::handover_path(&socket);
                if let Err(e) = tokio::fs::write(&path, &bytes).await {
                    let _ = tokio::fs::remove_file(&path).await;
                    return Err(json(crate::error::Error::Io(e)));
                }
                let args = serde_json::json!({ "name": name, "path": path });
                self.call(Arc::new(NoPage), "internal_stage", args).await
            }
        }
    }
}

/// The link to the engine, replaced when it is found again after going away.
#[derive(Debug)]
pub struct Remote {
    link: Mutex<Arc<Link>>,
    data: PathBuf,
    /// The window whose page gets the channel values.
    window: &'static str,
}

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Local(_) => "Backend::Local",
            Self::Remote(_) => "Backend::Remote",
        })
    }
}

/// A caller without channels (the shell itself).
struct NoPage;

impl Page for NoPage {
    fn channel(&self, _: &str) -> Option<Sink> {
        None
    }
}

fn gone() -> Value {
    serde_json::json!({"kind": "notSignedIn", "message": "RongChat's engine is not running"})
}

/// Whether this launch runs the host in the engine's process: on the Linux desktop when
/// `rongchat-engine` is there (the package installs it beside the app), unless
/// `RONGCHAT_ENGINE` says `local` (or `split`).
pub fn split_wanted() -> bool {
    match std::env::var(MODE_VAR).as_deref() {
        Ok("split") => true,
        Ok("local") => false,
        _ => cfg!(target_os = "linux") && engine_binary().is_ok_and(|binary| binary.is_file()),
    }
}

/// Whether an engine answers on the socket for `data` now.
pub fn engine_running(data: &Path) -> bool {
    std::os::unix::net::UnixStream::connect(serve::socket_path(data)).is_ok()
}

impl Backend {
    /// The state, when the host runs here.
    pub fn local(&self) -> Option<&Arc<AppState>> {
        match self {
            Self::Local(state) => Some(state),
            Self::Remote(_) => None,
        }
    }

    /// Runs `command` (the page's or `commands::internal`'s) with `args`; channels named in
    /// them are `page`'s (`bridge::page`; in `Remote`, always the main window's).
    pub async fn call(&self, page: Arc<dyn Page>, command: &str, args: Value) -> Answer {
        match self {
            Self::Local(state) => {
                let cx = Cx::new(state.clone(), page);
                commands::dispatch_any(&cx, command, args)
                    .await
                    .map_err(json)
            }
            Self::Remote(remote) => {
                let link = remote.link();
                match link.call(command, args).await {
                    Ok(value) => Ok(value),
                    Err(CallError::Failed(error)) => Err(error),
                    Err(CallError::Gone) => Err(gone()),
                }
            }
        }
    }

    /// The shell's own question: `command`'s answer as a `T`, or why not (for the log).
    pub async fn ask<T: DeserializeOwned>(&self, command: &str, args: Value) -> Result<T, String> {
        let answer = self.call(Arc::new(NoPage), command, args).await;
        let value = answer.map_err(|e| e["kind"].as_str().unwrap_or("error").to_owned())?;
        serde_json::from_value(value).map_err(|e| format!("{command}'s answer: {e}"))
    }
}

impl Remote {
    fn link(&self) -> Arc<Link> {
        self.link
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// Quits: in `Remote`, the engine is asked to stop too (the user quit the app, not only its
/// window), then this process ends.
pub fn quit<R: Runtime>(app: &AppHandle<R>) {
    let Some(Backend::Remote(remote)) = app.try_state::<Backend>().map(|b| b.inner().clone())
    else {
        return app.exit(0);
    };
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        // It may stop before its answer reaches us: gone is as good as done.
        let _ = remote
            .link()
            .call("internal_quit", serde_json::json!({}))
            .await;
        app.exit(0);
    });
}

/// Connects to the engine serving `data` (started if none does), and relays what it pushes
/// to `app` (channel values to the page of the webview window labelled `window`) until it
/// goes away, then finds or starts it again.
pub async fn remote<R: Runtime>(
    app: &AppHandle<R>,
    data: &Path,
    window: &'static str,
) -> Result<Backend, String> {
    let (link, pushes) = connect_or_start(data).await?;
    let remote = Arc::new(Remote {
        link: Mutex::new(Arc::new(link)),
        data: data.to_owned(),
        window,
    });
    tauri::async_runtime::spawn(relay(app.clone(), remote.clone(), pushes));
    Ok(Backend::Remote(remote))
}

/// The engine's binary: `RONGCHAT_ENGINE_BIN`, or `rongchat-engine` beside this one.
fn engine_binary() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os(BINARY_VAR) {
        return Ok(PathBuf::from(path));
    }
    let me = std::env::current_exe().map_err(|e| format!("where am I: {e}"))?;
    Ok(me.with_file_name("rongchat-engine"))
}

async fn connect_or_start(data: &Path) -> Result<(Link, UnboundedReceiver<Push>), String> {
    let socket = serve::socket_path(data);
    if let Ok(connected) = Link::connect(&socket).await {
        tracing::info!("the engine is running: connected");
        return Ok(connected);
    }
    let binary = engine_binary()?;
    tracing::info!(engine = %binary.display(), "starting the engine");
    let mut child = tokio::process::Command::new(&binary)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        // Its own process group: a Ctrl-C meant for the window does not stop it.
        .process_group(0)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
    let stdout = child.stdout.take().ok_or("the engine has no stdout")?;
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    let ready = tokio::time::timeout(START_LIMIT, async {
        while let Ok(Some(line)) = lines.next_line().await {
            if line.starts_with("ready ") {
                return true;
            }
        }
        false // it exited first: another launch's engine may have won the socket
    })
    .await
    .unwrap_or(false);
    if !ready {
        tracing::warn!("the engine started did not say it listens");
    }
    // Reaped by the runtime when it exits; it outlives this process otherwise.
    drop(child);
    Link::connect(&socket)
        .await
        .map_err(|e| format!("no engine at {}: {e}", socket.display()))
}

/// Relays the engine's pushes: page events to every webview (so the shell's own listeners
/// hear them too), channel values to the main window's page.
async fn relay<R: Runtime>(
    app: AppHandle<R>,
    remote: Arc<Remote>,
    mut pushes: UnboundedReceiver<Push>,
) {
    loop {
        let mut channels: HashMap<String, Channel<Value>> = HashMap::new();
        while let Some(push) = pushes.recv().await {
            match push {
                // The user quit from the engine's tray: it stops, and so does this process
                // (not looking for an engine again).
                Push::Event { name, .. } if name == events::SHELL_QUIT => {
                    tracing::info!("quit from the engine's tray");
                    app.exit(0);
                    return;
                }
                Push::Event { name, payload } => {
                    let _ = app.emit(&name, payload); // no webview (in the tray) is not an error
                }
                Push::Channel { channel, value } => {
                    if !channels.contains_key(&channel)
                        && let (Ok(id), Some(window)) = (
                            JavaScriptChannelId::from_str(&channel),
                            app.get_webview_window(remote.window),
                        )
                    {
                        let webview: &tauri::Webview<R> = window.as_ref();
                        channels.insert(channel.clone(), id.channel_on(webview.clone()));
                    }
                    if let Some(open) = channels.get(&channel) {
                        let _ = open.send(value); // a page that went away misses the rest
                    }
                }
                // Dropping it tells the page the channel ended.
                Push::ChannelEnd { channel } => drop(channels.remove(&channel)),
            }
        }
        tracing::error!("the engine went away");
        let mut found = None;
        for _ in 0..RECONNECTS {
            match connect_or_start(&remote.data).await {
                Ok(connected) => {
                    found = Some(connected);
                    break;
                }
                Err(e) => tracing::error!("the engine again: {e}"),
            }
        }
        let Some((link, again)) = found else {
            tracing::error!("no engine: the window stays without one");
            return;
        };
        *remote.link.lock().unwrap_or_else(PoisonError::into_inner) = Arc::new(link);
        pushes = again;
        // What the page holds may be stale: it reads everything again.
        let _ = app.emit(events::CONVERSATIONS_RESET, json(Reset::Session));
    }
}
