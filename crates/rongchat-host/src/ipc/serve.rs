//! The host's side of the socket: binds it, accepts shells, runs their calls concurrently
//! and pushes them every page event. A shell that reads too slowly loses events as the
//! page would, and is told to reload (`conversations-reset`, `lagged`).

use super::{ToHost, ToShell, codec};
use crate::commands::{self, Cx, Page, Sink};
use crate::events::{self, Emit, Reset, json};
use crate::state::AppState;
use futures_util::{SinkExt, StreamExt};
use std::path::Path;
use std::sync::Arc;
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::{broadcast, mpsc};
use tokio_util::codec::{FramedRead, FramedWrite};

/// Page events a shell may fall behind by before it is told to reload.
const EVENT_BACKLOG: usize = 1024;
/// The longest channel name a call may give (the page's are `__CHANNEL__:<number>`).
const MAX_CHANNEL_NAME: usize = 64;

/// Where page events go: every connected shell.
#[derive(Debug, Clone)]
pub struct Hub {
    events: broadcast::Sender<(&'static str, serde_json::Value)>,
}

impl Default for Hub {
    fn default() -> Self {
        Self {
            events: broadcast::channel(EVENT_BACKLOG).0,
        }
    }
}

impl Hub {
    /// The `Emit` for `AppState::new`: an event with no shell connected goes nowhere, as
    /// one with no webview does.
    pub fn emit(&self) -> Emit {
        let events = self.events.clone();
        Arc::new(move |name, payload| {
            let _ = events.send((name, payload));
        })
    }

    /// The page events from now on, as a shell gets them.
    pub fn subscribe(&self) -> broadcast::Receiver<(&'static str, serde_json::Value)> {
        self.events.subscribe()
    }
}

pub use crate::paths::{engine_pid_file as pid_path, engine_socket as socket_path};

/// Binds `path`, in a folder only this user may enter. A socket left by a host that died
/// is replaced; one a live host answers on is not (`AddrInUse`).
pub fn bind(path: &Path) -> std::io::Result<UnixListener> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
    }
    match std::os::unix::net::UnixStream::connect(path) {
        Ok(_) => {
            return Err(std::io::Error::new(
                std::io::ErrorKind::AddrInUse,
                format!("a host already answers on {}", path.display()),
            ));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(_) => std::fs::remove_file(path)?, // refused: nobody listens any more
    }
    UnixListener::bind(path)
}

/// Accepts shells until the listener fails.
pub async fn serve(listener: UnixListener, state: Arc<AppState>, hub: Hub) -> std::io::Result<()> {
    for id in 1.. {
        let (stream, _) = listener.accept().await?;
        tracing::info!(shell = id, "a shell connected");
        state.shells().connected(id);
        let (state, events) = (state.clone(), hub.events.subscribe());
        tokio::spawn(async move {
            connection(stream, state.clone(), events, id).await;
            state.shells().gone(id);
        });
    }
    Ok(())
}

/// A shell's channels: values for them go out on its connection.
struct ShellPage {
    out: mpsc::UnboundedSender<ToShell>,
}

impl Page for ShellPage {
    fn channel(&self, id: &str) -> Option<Sink> {
        if id.is_empty() || id.len() > MAX_CHANNEL_NAME {
            return None;
        }
        let end = EndsOnDrop {
            out: self.out.clone(),
            channel: id.to_owned(),
        };
        Some(Arc::new(move |value| {
            let _ = end.out.send(ToShell::Channel {
                channel: end.channel.clone(),
                value,
            }); // a shell that went away misses the rest
        }))
    }
}

/// Tells the shell a channel ended once the last of its sinks is gone.
struct EndsOnDrop {
    out: mpsc::UnboundedSender<ToShell>,
    channel: String,
}

impl Drop for EndsOnDrop {
    fn drop(&mut self) {
        let _ = self.out.send(ToShell::ChannelEnd {
            channel: std::mem::take(&mut self.channel),
        }); // a shell that went away has no channels left to end
    }
}

async fn connection(
    stream: UnixStream,
    state: Arc<AppState>,
    events: broadcast::Receiver<(&'static str, serde_json::Value)>,
    id: crate::shells::ShellId,
) {
    let (read, write) = stream.into_split();
    let (out, queued) = mpsc::unbounded_channel();
    let writer = tokio::spawn(write_all(FramedWrite::new(write, codec()), queued, events));
    let cx = Cx::new(state, Arc::new(ShellPage { out: out.clone() })).from_shell(id);
    let mut frames = FramedRead::new(read, codec());
    while let Some(frame) = frames.next().await {
        let frame = match frame {
            Ok(frame) => frame,
            Err(e) => {
                tracing::warn!("a shell's frame: {e}; closing its connection");
                break;
            }
        };
        match serde_json::from_slice::<ToHost>(&frame) {
            Ok(ToHost::Call { id, command, args }) => {
                let (cx, out) = (cx.clone(), out.clone());
                tokio::spawn(async move {
                    let result = commands::dispatch_any(&cx, &command, args)
                        .await
                        .map_err(json);
                    let _ = out.send(ToShell::Reply { id, result }); // the shell went away
                });
            }
            Err(e) => {
                // Unsent only when the shell went away.
                let _ = out.send(ToShell::Refused {
                    reason: format!("not a call: {e}"),
                });
            }
        }
    }
    writer.abort();
    tracing::info!(shell = id, "a shell went away");
}

/// A message as a frame the shell takes. A reply too big for a frame becomes a `tooLarge`
/// error (one picture too big, say, must not end the connection); anything else that big
/// is dropped, with a warning.
fn frame(message: &ToShell) -> Option<Vec<u8>> {
    let bytes = serde_json::to_vec(message).ok()?; // our own types always serialize
    if bytes.len() <= super::MAX_FRAME_BYTES {
        return Some(bytes);
    }
    tracing::warn!(bytes = bytes.len(), "a message too big for the socket");
    match message {
        ToShell::Reply { id, .. } => serde_json::to_vec(&ToShell::Reply {
            id: *id,
            result: Err(json(crate::error::Error::TooLarge {
                size: bytes.len() as u64,
                limit: super::MAX_FRAME_BYTES as u64,
            })),
        })
        .ok(),
        _ => None,
    }
}

/// Writes replies, channel values and page events until the shell goes away.
async fn write_all(
    mut sink: FramedWrite<
        tokio::net::unix::OwnedWriteHalf,
        tokio_util::codec::LengthDelimitedCodec,
    >,
    mut queued: mpsc::UnboundedReceiver<ToShell>,
    mut events: broadcast::Receiver<(&'static str, serde_json::Value)>,
) {
    loop {
        let message = tokio::select! {
            queued = queued.recv() => match queued {
                Some(message) => message,
                None => return,
            },
            event = events.recv() => match event {
                Ok((name, payload)) => ToShell::Event { name: name.to_owned(), payload },
                Err(broadcast::error::RecvError::Lagged(lost)) => {
                    tracing::debug!(lost, "a shell fell behind; it reloads");
                    ToShell::Event {
                        name: events::CONVERSATIONS_RESET.to_owned(),
                        payload: json(Reset::Lagged),
                    }
                }
                Err(broadcast::error::RecvError::Closed) => return,
            },
        };
        let Some(bytes) = frame(&message) else {
            continue;
        };
        if let Err(e) = sink.send(bytes::Bytes::from(bytes)).await {
            tracing::debug!("writing to a shell: {e}");
            return;
        }
    }
}
