//! State shared by the public handles and the driver task: the store, the event stream,
//! the status, who we are, and the command channel into the driver.

use crate::command::Command;
use crate::config::ClientConfig;
use crate::engine::AppRequest;
use crate::error::{Error, Result};
use crate::events::Event;
use crate::model::{ConversationId, Message};
use crate::navi::Endpoint;
use crate::send_queue::{self, Job, QueuedSend, SendQueue};
use crate::session::{ConnectionStatus, RequestError};
use crate::store::Store;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::{broadcast, mpsc, oneshot, watch};

/// See the module docs.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) endpoint: Endpoint,
    pub(crate) data_dir: PathBuf,
    pub(crate) http: reqwest::Client,
    pub(crate) max_download_bytes: u64,
    store: Mutex<Store>,
    events: broadcast::Sender<Event>,
    status: watch::Sender<ConnectionStatus>,
    /// Caught up with the offline messages since the last connect (a subscriber that lost
    /// events reads it instead of the `SyncFinished` it missed).
    caught_up: AtomicBool,
    user_id: Mutex<Option<String>>,
    commands: mpsc::UnboundedSender<Command>,
    /// Sends waiting for their (group) commit.
    sends: SendQueue,
}

/// A panic while holding a lock leaves plain data behind; keep going with it.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Shared {
    /// The data dir, download cap and event buffer come from `config`.
    pub(crate) fn new(
        endpoint: Endpoint,
        config: &ClientConfig,
        store: Store,
        user_id: Option<String>,
        commands: mpsc::UnboundedSender<Command>,
        http: reqwest::Client,
    ) -> Self {
        // tokio's broadcast panics on 0.
        let (events, _) = broadcast::channel(config.event_capacity.max(1));
        let (data_dir, max_download_bytes) = (config.data_dir.clone(), config.max_download_bytes);
        let mut store = store;
        if let Some(me) = user_id.as_deref() {
            store.set_me(me);
        }
        Self {
            endpoint,
            data_dir,
            http,
            max_download_bytes,
            store: Mutex::new(store),
            events,
            status: watch::Sender::new(ConnectionStatus::Disconnected),
            caught_up: AtomicBool::new(false),
            user_id: Mutex::new(user_id.filter(|u| !u.is_empty())),
            commands,
            sends: SendQueue::default(),
        }
    }

    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        lock(&self.store)
    }

    pub(crate) fn with_store<T>(&self, f: impl FnOnce(&mut Store) -> Result<T>) -> Result<T> {
        f(&mut self.store())
    }

    /// Stores `send` as *sending* and queues it in the outbox, in one commit with every
    /// other send waiting now (see [`send_queue`]); announces it, then wakes the outbox.
    pub(crate) async fn enqueue(self: &Arc<Self>, send: QueuedSend) -> Result<Message> {
        let (reply, answer) = oneshot::channel();
        if self.sends.push(Job { send, reply }) {
            let shared = self.clone();
            tokio::task::spawn_blocking(move || shared.write_sends());
        }
        answer.await.map_err(|_| Error::Closed)?
    }

    /// The group commit's writer: batch after batch until nothing waits.
    fn write_sends(&self) {
        /// Lets the next send start a writer if this one panics.
        struct Gone<'a>(&'a SendQueue);
        impl Drop for Gone<'_> {
            fn drop(&mut self) {
                if std::thread::panicking() {
                    self.0.writer_gone();
                }
            }
        }
        let _gone = Gone(&self.sends);
        while let Some(jobs) = self.sends.take() {
            let mut conversations = Vec::new();
            let results = {
                let mut store = self.store();
                let results = send_queue::store_all(&mut store, &jobs);
                for job in &jobs {
                    let id = &job.send.conversation;
                    if !conversations.iter().any(|(c, _)| c == id) {
                        conversations.push((id.clone(), store.conversation(id)));
                    }
                }
                results
            };
            for message in results.iter().flatten() {
                self.emit(Event::MessageUpdated {
                    message: message.clone(),
                });
            }
            for (id, conversation) in conversations {
                match conversation {
                    Ok(conversation) => self.emit(Event::ConversationUpdated { conversation, id }),
                    Err(error) => tracing::warn!(%error, "conversation not read after a send"),
                }
            }
            if results.iter().any(Result::is_ok) {
                self.command(Command::OutboxChanged);
            }
            for (job, result) in jobs.into_iter().zip(results) {
                // A sender that gave up still has its message queued.
                let _ = job.reply.send(result);
            }
        }
    }

    /// Sends a command to the driver; `false` once it has stopped.
    pub(crate) fn command(&self, command: Command) -> bool {
        self.commands.send(command).is_ok()
    }

    pub(crate) fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.events.subscribe()
    }

    pub(crate) fn emit(&self, event: Event) {
        match &event {
            Event::SyncFinished => self.caught_up.store(true, Ordering::Relaxed),
            Event::Connection { status } if *status != ConnectionStatus::Connected => {
                self.caught_up.store(false, Ordering::Relaxed)
            }
            _ => {}
        }
        // No subscriber is fine.
        let _ = self.events.send(event);
    }

    pub(crate) fn emit_conversation(&self, id: &ConversationId) -> Result<()> {
        let conversation = self.with_store(|s| s.conversation(id))?;
        self.emit(Event::ConversationUpdated {
            conversation,
            id: id.clone(),
        });
        Ok(())
    }

    pub(crate) fn caught_up(&self) -> bool {
        self.caught_up.load(Ordering::Relaxed)
    }

    pub(crate) fn status(&self) -> ConnectionStatus {
        *self.status.borrow()
    }

    pub(crate) fn set_status(&self, status: ConnectionStatus) {
        self.status.send_replace(status);
        self.emit(Event::Connection { status });
    }

    pub(crate) fn user_id(&self) -> Option<String> {
        lock(&self.user_id).clone()
    }

    /// Remembers who we are, also for the next start (sends need it before a connect).
    pub(crate) fn set_user_id(&self, user_id: &str) {
        *lock(&self.user_id) = Some(user_id.to_owned());
        self.store().set_me(user_id);
        if let Err(error) = std::fs::write(self.data_dir.join("user_id"), user_id) {
            tracing::warn!(%error, "cannot keep the user id");
        }
    }

    /// A request of the application's own through the driver; answers the reply's payload
    /// (a PUBACK's: the messageUId's bytes).
    pub(crate) async fn ask(&self, request: AppRequest) -> Result<Vec<u8>> {
        let (reply, answer) = oneshot::channel();
        if !self.command(Command::Ask { request, reply }) {
            return Err(Error::Closed);
        }
        Ok(answer.await.map_err(|_| Error::Closed)??)
    }

    /// Waits until connected, or fails if the status is final or `timeout` passes.
    pub(crate) async fn wait_connected(&self, timeout: Duration) -> Result<()> {
        let mut status = self.status.subscribe();
        let wait = status.wait_for(|s| *s == ConnectionStatus::Connected || s.is_final());
        match tokio::time::timeout(timeout, wait).await {
            Ok(Ok(s)) if *s == ConnectionStatus::Connected => Ok(()),
            Ok(Ok(s)) => Err(Error::Connection(*s)),
            Ok(Err(_)) => Err(Error::Closed),
            Err(_) => Err(Error::Request(RequestError::NotConnected)),
        }
    }
}
