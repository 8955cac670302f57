//! A shell's side of the socket: calls by name, answered in any order, and the host's
//! pushes (page events, channel values) as a stream.

use super::{ToHost, ToShell, codec};
use futures_util::{SinkExt, StreamExt};
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use tokio::net::UnixStream;
use tokio::sync::{mpsc, oneshot};
use tokio_util::codec::{FramedRead, FramedWrite};

type Answer = oneshot::Sender<Result<serde_json::Value, serde_json::Value>>;
/// The calls waiting for their answers; `None` once the host is gone.
type Pending = Arc<Mutex<Option<HashMap<u64, Answer>>>>;

/// What the host pushes besides replies.
#[derive(Debug, Clone, PartialEq)]
pub enum Push {
    /// A page event.
    Event {
        /// Its name (`events::*`).
        name: String,
        /// Its payload.
        payload: serde_json::Value,
    },
    /// A value for the page's channel `channel`.
    Channel {
        /// As the page named it.
        channel: String,
        /// The value.
        value: serde_json::Value,
    },
    /// Nothing more comes on `channel`.
    ChannelEnd {
        /// As the page named it.
        channel: String,
    },
}

/// Why a call has no answer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CallError {
    /// The command failed; its error as the page gets it (`{kind, message}`).
    #[error("the command failed: {0}")]
    Failed(serde_json::Value),
    /// The host went away before it answered.
    #[error("the host went away")]
    Gone,
}

/// A connection to the host.
#[derive(Debug)]
pub struct Link {
    out: mpsc::UnboundedSender<ToHost>,
    pending: Pending,
    next: AtomicU64,
}

impl Link {
    /// Connects to the host at `socket`; the host's pushes arrive on the receiver, which
    /// ends when the host goes away.
    pub async fn connect(socket: &Path) -> std::io::Result<(Self, mpsc::UnboundedReceiver<Push>)> {
        let stream = UnixStream::connect(socket).await?;
        let (read, write) = stream.into_split();
        let (out, mut outgoing) = mpsc::unbounded_channel::<ToHost>();
        let (pushes, pushed) = mpsc::unbounded_channel();
        let pending: Pending = Arc::new(Mutex::new(Some(HashMap::new())));
        tokio::spawn(async move {
            let mut sink = FramedWrite::new(write, codec());
            while let Some(message) = outgoing.recv().await {
                let Ok(bytes) = serde_json::to_vec(&message) else {
                    continue; // our own types always serialize
                };
                if sink.send(bytes::Bytes::from(bytes)).await.is_err() {
                    return;
                }
            }
        });
        let answers = pending.clone();
        tokio::spawn(async move {
            let mut frames = FramedRead::new(read, codec());
            while let Some(Ok(frame)) = frames.next().await {
                match serde_json::from_slice::<ToShell>(&frame) {
                    Ok(ToShell::Reply { id, result }) => {
                        let waiting = answers
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .as_mut()
                            .and_then(|waiting| waiting.remove(&id));
                        if let Some(waiting) = waiting {
                            let _ = waiting.send(result); // a caller that gave up no longer waits
                        }
                    }
                    // A shell that dropped its pushes no longer wants them.
                    Ok(ToShell::Event { name, payload }) => {
                        let _ = pushes.send(Push::Event { name, payload });
                    }
                    Ok(ToShell::Channel { channel, value }) => {
                        let _ = pushes.send(Push::Channel { channel, value });
                    }
                    Ok(ToShell::ChannelEnd { channel }) => {
                        let _ = pushes.send(Push::ChannelEnd { channel });
                    }
                    Ok(ToShell::Refused { reason }) => {
                        tracing::warn!("the host refused a frame: {reason}")
                    }
                    Err(e) => tracing::warn!("a frame from the host: {e}"),
                }
            }
            // Gone: every call still waiting is told so, and every later one.
            answers
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take();
        });
        Ok((
            Self {
                out,
                pending,
                next: AtomicU64::new(1),
            },
            pushed,
        ))
    }

    /// Runs `command` with `args` in the host.
    pub async fn call(
        &self,
        command: &str,
        args: serde_json::Value,
    ) -> Result<serde_json::Value, CallError> {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let (answer, answered) = oneshot::channel();
        match self
            .pending
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_mut()
        {
            Some(waiting) => waiting.insert(id, answer),
            None => return Err(CallError::Gone),
        };
        let call = ToHost::Call {
            id,
            command: command.to_owned(),
            args,
        };
        if self.out.send(call).is_err() {
            if let Some(waiting) = self
                .pending
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .as_mut()
            {
                waiting.remove(&id);
            }
            return Err(CallError::Gone);
        }
        match answered.await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => Err(CallError::Failed(error)),
            Err(_) => Err(CallError::Gone),
        }
    }
}
