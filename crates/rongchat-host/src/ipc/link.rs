//! A shell's side of the socket: calls by name, answered in any order, and the host's
//! pushes (page events, channel values) as a stream.

use super::{MAX_FRAME_BYTES, ToHost, ToShell, codec};
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
    out: mpsc::UnboundedSender<bytes::Bytes>,
    pending: Pending,
    next: AtomicU64,
}

impl Link {
    /// Connects to the host at `socket`; the host's pushes arrive on the receiver, which
    /// ends when the host goes away.
    pub async fn connect(socket: &Path) -> std::io::Result<(Self, mpsc::UnboundedReceiver<Push>)> {
        let stream = UnixStream::connect(socket).await?;
        let (read, write) = stream.into_split();
        let (out, mut outgoing) = mpsc::unbounded_channel::<bytes::Bytes>();
        let (pushes, pushed) = mpsc::unbounded_channel();
        let pending: Pending = Arc::new(Mutex::new(Some(HashMap::new())));
        tokio::spawn(async move {
            let mut sink = FramedWrite::new(write, codec());
            while let Some(frame) = outgoing.recv().await {
                if sink.send(frame).await.is_err() {
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
        let call = ToHost::Call {
            id,
            command: command.to_owned(),
            args,
        };
        let frame = serde_json::to_vec(&call).map_err(|e| {
            CallError::Failed(serde_json::json!({"kind": "invalid", "message": e.to_string()}))
        })?;
        // Refused here: a frame the host would not take would end the connection.
        if frame.len() > MAX_FRAME_BYTES {
            return Err(CallError::Failed(serde_json::json!({
                "kind": "tooLarge",
                "message": format!("{command}'s arguments are {} bytes, over the socket's {MAX_FRAME_BYTES}", frame.len()),
            })));
        }
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
        if self.out.send(bytes::Bytes::from(frame)).is_err() {
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
