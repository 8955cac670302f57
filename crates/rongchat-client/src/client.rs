//! The public handle: cheap to clone, every call a message to the driver task or a short
//! store read.

use crate::compose::{self, Outgoing};
use crate::driver::{Command, Driver};
use crate::error::{Error, Result};
use crate::events::{Event, Snapshot};
use crate::model::{Conversation, ConversationId, Message};
use crate::navi::Endpoint;
use crate::session::{ConnectionStatus, RequestError, Session, SessionConfig};
use crate::store::Store;
use crate::store::outbox::NewOutgoing;
use crate::sync;
use crate::upload::{self, CancelToken};
use prost::Message as _;
use rongchat_proto::content::persistence_of;
use rongchat_proto::{pb, topic};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::{broadcast, mpsc, oneshot, watch};

/// How to reach the server and where to keep data.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Navigation base URL (`http://host:port`).
    pub navi_url: String,
    /// App key.
    pub app_key: String,
    /// User token.
    pub token: String,
    /// Directory for the database and downloads.
    pub data_dir: PathBuf,
    /// Connect the WebSocket here instead of navigation's `server` (`host:port`).
    pub ws_override: Option<String>,
    /// The `platform` sent when connecting (the server keeps one login per platform).
    pub platform: Option<String>,
    /// Session timings and the jitter seed (a random seed when `None`).
    pub session: Option<SessionConfig>,
}

impl ClientConfig {
    /// A config with the defaults.
    pub fn new(
        navi_url: impl Into<String>,
        app_key: impl Into<String>,
        token: impl Into<String>,
        data_dir: impl Into<PathBuf>,
    ) -> Self {
        Self {
            navi_url: navi_url.into(),
            app_key: app_key.into(),
            token: token.into(),
            data_dir: data_dir.into(),
            ws_override: None,
            platform: None,
            session: None,
        }
    }
}

/// State shared by the handles, the driver and the upload tasks.
#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) endpoint: Endpoint,
    pub(crate) data_dir: PathBuf,
    pub(crate) http: reqwest::Client,
    store: Mutex<Store>,
    events: broadcast::Sender<Event>,
    status: watch::Sender<ConnectionStatus>,
    user_id: Mutex<Option<String>>,
    upload_server: Mutex<Option<String>>,
    pub(crate) commands: mpsc::UnboundedSender<Command>,
    pub(crate) cancels: Mutex<HashMap<i64, CancelToken>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves plain data behind; keep going with it.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Inner {
    pub(crate) fn with_store<T>(&self, f: impl FnOnce(&mut Store) -> Result<T>) -> Result<T> {
        f(&mut lock(&self.store))
    }

    pub(crate) fn emit(&self, event: Event) {
        // No subscriber is fine.
        let _ = self.events.send(event);
    }

    pub(crate) fn emit_conversation(&self, id: &ConversationId) {
        if let Ok(conversation) = self.with_store(|s| s.conversation(id)) {
            self.emit(Event::ConversationUpdated {
                conversation,
                id: id.clone(),
            });
        }
    }

    pub(crate) fn set_status(&self, status: ConnectionStatus) {
        self.status.send_replace(status);
        self.emit(Event::Connection { status });
    }

    pub(crate) fn user_id(&self) -> Option<String> {
        lock(&self.user_id).clone()
    }

    pub(crate) fn set_user_id(&self, user_id: &str) {
        *lock(&self.user_id) = Some(user_id.to_owned());
        let _ = std::fs::write(self.data_dir.join("user_id"), user_id);
    }

    pub(crate) fn upload_server(&self) -> Option<String> {
        lock(&self.upload_server).clone()
    }

    pub(crate) fn set_upload_server(&self, server: Option<String>) {
        *lock(&self.upload_server) = server;
    }

    /// A QUERY through the driver; fails fast when not connected.
    pub(crate) async fn query(
        &self,
        topic: &str,
        payload: Vec<u8>,
        target: Option<String>,
    ) -> Result<Vec<u8>> {
        let (reply, answer) = oneshot::channel();
        self.commands
            .send(Command::Query {
                topic: topic.to_owned(),
                target,
                payload,
                reply,
            })
            .map_err(|_| Error::Closed)?;
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

/// Stops the driver when the last handle goes away.
#[derive(Debug)]
struct ShutdownGuard(mpsc::UnboundedSender<Command>);

impl Drop for ShutdownGuard {
    fn drop(&mut self) {
        let _ = self.0.send(Command::Shutdown);
    }
}

/// The client. Clone freely; dropping the last clone stops its background task.
#[derive(Debug, Clone)]
pub struct Client {
    inner: Arc<Inner>,
    _guard: Arc<ShutdownGuard>,
}

impl Client {
    /// Opens the store under `config.data_dir` and starts the background task (not yet
    /// connected: call [`Client::connect`]). Needs a tokio runtime.
    pub fn open(config: ClientConfig) -> Result<Self> {
        std::fs::create_dir_all(&config.data_dir)?;
        let store = Store::open(&config.data_dir.join("rongchat.sqlite3"))?;
        let device_id = device_id(&config.data_dir)?;
        let user_id = std::fs::read_to_string(config.data_dir.join("user_id")).ok();
        let (commands, receiver) = mpsc::unbounded_channel();
        let (events, _) = broadcast::channel(4096);
        let inner = Arc::new(Inner {
            endpoint: Endpoint {
                navi_url: config.navi_url.clone(),
                app_key: config.app_key.clone(),
                token: config.token.clone(),
                device_id,
                ws_override: config.ws_override.clone(),
                platform: config.platform.clone(),
            },
            data_dir: config.data_dir.clone(),
            http: reqwest::Client::new(),
            store: Mutex::new(store),
            events,
            status: watch::Sender::new(ConnectionStatus::Disconnected),
            user_id: Mutex::new(user_id.filter(|u| !u.is_empty())),
            upload_server: Mutex::new(None),
            commands: commands.clone(),
            cancels: Mutex::new(HashMap::new()),
        });
        let session_config = config.session.clone().unwrap_or_else(|| SessionConfig {
            seed: random_u64(),
            ..SessionConfig::default()
        });
        let driver = Driver::new(inner.clone(), Session::new(session_config), receiver);
        tokio::spawn(driver.run());
        let client = Self {
            inner,
            _guard: Arc::new(ShutdownGuard(commands)),
        };
        client.resume_uploads()?;
        Ok(client)
    }

    /// Starts connecting (and keeps reconnecting until a final status or `disconnect`).
    pub fn connect(&self) {
        let _ = self.inner.commands.send(Command::Connect);
    }

    /// Connects and waits until connected (or a final status, or the timeout).
    pub async fn connect_and_wait(&self, timeout: Duration) -> Result<()> {
        self.connect();
        self.inner.wait_connected(timeout).await
    }

    /// Disconnects and stays disconnected.
    pub fn disconnect(&self) {
        let _ = self.inner.commands.send(Command::Disconnect);
    }

    /// The app came back to the foreground or the network changed: reconnect at once if
    /// waiting, and check a live link.
    pub fn network_hint(&self) {
        let _ = self.inner.commands.send(Command::NetworkHint);
    }

    /// The connection status now.
    pub fn status(&self) -> ConnectionStatus {
        *self.inner.status.borrow()
    }

    /// This user's id (known after the first CONNACK; kept across restarts).
    pub fn user_id(&self) -> Option<String> {
        self.inner.user_id()
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.inner.data_dir
    }

    /// The current state plus a stream of what happens next.
    pub fn subscribe(&self) -> Result<(Snapshot, broadcast::Receiver<Event>)> {
        let receiver = self.inner.events.subscribe();
        let conversations = self.inner.with_store(|s| s.conversations())?;
        Ok((
            Snapshot {
                status: self.status(),
                conversations,
            },
            receiver,
        ))
    }

    /// Queues a message: stored as *sending* (durably) before anything goes out; then
    /// uploaded if it has a file, published, and retried until acked.
    pub async fn send(&self, to: &ConversationId, outgoing: Outgoing) -> Result<Message> {
        let me = self
            .user_id()
            .ok_or_else(|| Error::InvalidArgument("connect once before sending".into()))?;
        let prepared = tokio::task::spawn_blocking(move || compose::prepare(outgoing))
            .await
            .map_err(|_| Error::Closed)??;
        let object = prepared.content.object_name().to_owned();
        let content = prepared.content.to_json();
        let message = self.inner.with_store(|s| {
            s.enqueue(&NewOutgoing {
                conversation: to,
                sender_id: &me,
                object_name: &object,
                content: &content,
                now_ms: now_ms(),
                client_unique_id: client_unique_id(),
                counted: persistence_of(&object).counted,
                upload: prepared.upload.as_ref().map(|(p, k)| (p.as_str(), *k)),
            })
        })?;
        self.inner.emit(Event::MessageUpdated {
            message: message.clone(),
        });
        self.inner.emit_conversation(to);
        match prepared.upload {
            Some(_) => upload::spawn_upload(self.inner.clone(), message.local_id),
            None => {
                let _ = self.inner.commands.send(Command::KickOutbox);
            }
        }
        Ok(message)
    }

    /// How many messages are still queued to send (uploading or waiting for an ack).
    pub fn pending_sends(&self) -> Result<usize> {
        self.inner.with_store(|s| s.outbox_len())
    }

    /// Puts a failed message back in the queue.
    pub fn retry(&self, local_id: i64) -> Result<Option<Message>> {
        let Some(entry) = self.inner.with_store(|s| s.retry(local_id))? else {
            return Ok(None);
        };
        self.inner.emit(Event::MessageUpdated {
            message: entry.message.clone(),
        });
        if entry.upload.is_some() {
            upload::spawn_upload(self.inner.clone(), local_id);
        } else {
            let _ = self.inner.commands.send(Command::KickOutbox);
        }
        Ok(Some(entry.message))
    }

    /// Cancels the upload of a queued message (running, or still waiting for the
    /// connection); the message is marked failed ("cancelled") and can be retried.
    pub fn cancel_upload(&self, local_id: i64) {
        let queued = self
            .inner
            .with_store(|s| s.outbox_entry(local_id))
            .ok()
            .flatten()
            .is_some_and(|e| e.stage == crate::store::OutboxStage::Upload);
        if queued {
            lock(&self.inner.cancels)
                .entry(local_id)
                .or_default()
                .cancel();
        }
    }

    /// One stored message.
    pub fn message(&self, local_id: i64) -> Result<Option<Message>> {
        self.inner.with_store(|s| s.message(local_id))
    }

    /// A page of up to `count` messages older than `before` (a message of the previous
    /// page; `None` = newest), oldest first. Read locally; when the store runs short and
    /// the client is connected, older messages are fetched from the server first.
    pub async fn history(
        &self,
        conversation: &ConversationId,
        before: Option<&Message>,
        count: usize,
    ) -> Result<Vec<Message>> {
        let cursor = before.map(|m| (m.sent_time, m.local_id));
        let page = self
            .inner
            .with_store(|s| s.history(conversation, cursor, count))?;
        if page.len() >= count || self.status() != ConnectionStatus::Connected {
            return Ok(page);
        }
        let oldest = page.first().map(|m| m.sent_time).or(cursor.map(|c| c.0));
        let request = pb::HistoryMsgInput {
            target_id: Some(conversation.target_id.clone()),
            time: Some(oldest.unwrap_or(0)),
            count: Some(i32::try_from(count - page.len()).unwrap_or(i32::MAX)),
            order: Some(0),
            ..Default::default()
        };
        let reply = self
            .inner
            .query(
                conversation.kind.history_topic(),
                request.encode_to_vec(),
                None,
            )
            .await;
        let Ok(payload) = reply else {
            return Ok(page);
        };
        let output = pb::decode_checked::<pb::HistoryMsgOuput>(&payload)?;
        let me = self.user_id().unwrap_or_default();
        let batch: Vec<_> = output
            .list
            .iter()
            .map(|m| sync::from_downstream(m, &me, Some(conversation)))
            .collect();
        self.inner.with_store(|s| s.insert_history(&batch))?;
        self.inner
            .with_store(|s| s.history(conversation, cursor, count))
    }

    /// The conversation list, pinned first then newest first.
    pub fn conversations(&self) -> Result<Vec<Conversation>> {
        self.inner.with_store(|s| s.conversations())
    }

    /// One conversation.
    pub fn conversation(&self, id: &ConversationId) -> Result<Option<Conversation>> {
        self.inner.with_store(|s| s.conversation(id))
    }

    /// Clears the unread count here at once, and durably queues the read state for the
    /// server (`updRRTime`) and this user's other devices (an `RC:SRSMsg` read sync): sent
    /// now when connected, else on the next connect.
    pub async fn mark_read(&self, conversation: &ConversationId) -> Result<()> {
        let time = self.inner.with_store(|s| s.newest_time(conversation))?;
        self.inner
            .with_store(|s| s.mark_read_and_queue(conversation, time))?;
        self.inner.emit_conversation(conversation);
        let _ = self.inner.commands.send(Command::KickReads);
        Ok(())
    }

    /// Removes a conversation from the list, here and on the server (`delSessions`).
    pub async fn remove_conversation(&self, conversation: &ConversationId) -> Result<()> {
        self.inner
            .with_store(|s| s.remove_conversation(conversation))?;
        self.inner.emit(Event::ConversationUpdated {
            conversation: None,
            id: conversation.clone(),
        });
        let request = pb::DeleteSessionsInput {
            sessions: vec![pb::SessionInfo {
                r#type: conversation.kind.code(),
                channel_id: conversation.target_id.clone(),
                ..Default::default()
            }],
        };
        self.inner
            .query(topic::DELETE_CONVERSATIONS, request.encode_to_vec(), None)
            .await?;
        Ok(())
    }

    /// Saves a draft (local only, like the SDK).
    pub fn set_draft(&self, conversation: &ConversationId, draft: &str) -> Result<()> {
        self.inner
            .with_store(|s| s.set_draft(conversation, draft))?;
        self.inner.emit_conversation(conversation);
        Ok(())
    }

    /// Pins or unpins a conversation (local).
    pub fn set_pinned(&self, conversation: &ConversationId, pinned: bool) -> Result<()> {
        self.inner
            .with_store(|s| s.set_pinned(conversation, pinned))?;
        self.inner.emit_conversation(conversation);
        Ok(())
    }

    /// Mutes or unmutes a conversation (local).
    pub fn set_muted(&self, conversation: &ConversationId, muted: bool) -> Result<()> {
        self.inner
            .with_store(|s| s.set_muted(conversation, muted))?;
        self.inner.emit_conversation(conversation);
        Ok(())
    }

    /// Downloads `url` into the cache (`<data>/downloads/`, sanitized name), reporting
    /// progress as (bytes done, total if known). A cached file is returned at once.
    pub async fn download(
        &self,
        url: &str,
        file_name: &str,
        progress: impl FnMut(u64, Option<u64>) + Send,
        cancel: Option<CancelToken>,
    ) -> Result<PathBuf> {
        upload::download(&self.inner, url, file_name, progress, cancel).await
    }

    /// Waits until connected, a final status, or the timeout.
    pub async fn wait_connected(&self, timeout: Duration) -> Result<()> {
        self.inner.wait_connected(timeout).await
    }

    fn resume_uploads(&self) -> Result<()> {
        let pending = self
            .inner
            .with_store(|s| s.outbox(crate::store::OutboxStage::Upload, usize::MAX >> 1))?;
        for entry in pending {
            upload::spawn_upload(self.inner.clone(), entry.message.local_id);
        }
        Ok(())
    }
}

/// ms since the epoch.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// A time-based 53-bit id like the SDK's local message id, made unique per process.
pub(crate) fn client_unique_id() -> i64 {
    use std::sync::atomic::{AtomicI64, Ordering};
    static LAST: AtomicI64 = AtomicI64::new(0);
    let candidate = (now_ms() << 10) | (random_u64() as i64 & 0x3ff);
    let candidate = candidate & ((1 << 53) - 1);
    let mut last = LAST.load(Ordering::Relaxed);
    loop {
        let next = candidate.max(last + 1);
        match LAST.compare_exchange(last, next, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => return next,
            Err(actual) => last = actual,
        }
    }
}

pub(crate) fn random_u64() -> u64 {
    let mut bytes = [0u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        return now_ms() as u64;
    }
    u64::from_le_bytes(bytes)
}

/// A random 22-character device id, kept in the data directory like the SDK's.
fn device_id(dir: &Path) -> Result<String> {
    let path = dir.join("device_id");
    if let Ok(id) = std::fs::read_to_string(&path) {
        let id = id.trim().to_owned();
        if !id.is_empty() {
            return Ok(id);
        }
    }
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let id: String = (0..22)
        .map(|_| ALPHABET[(random_u64() % ALPHABET.len() as u64) as usize] as char)
        .collect();
    std::fs::write(&path, &id)?;
    Ok(id)
}
