//! The public handle: cheap to clone, every call a message to the driver task or a short
//! store read.

use crate::command::Command;
use crate::compose::{self, Outgoing};
pub use crate::config::ClientConfig;
use crate::driver::Driver;
use crate::engine::{AppRequest, Engine, requests};
use crate::error::{Error, Result};
use crate::events::{Event, Snapshot};
use crate::ids::{client_unique_id, device_id, now_ms, random_u64};
use crate::model::{Conversation, ConversationId, Message};
use crate::navi::{self, Endpoint};
use crate::send_queue::QueuedSend;
use crate::session::{ConnectionStatus, SessionConfig};
use crate::shared::Shared;
use crate::store::receipts::{GroupReceipt, ReceiptState};
use crate::store::{SearchHit, Store};
use crate::sync;
use crate::transfer::{self, CancelToken};
use rongchat_proto::content::{MAX_CONTENT_BYTES, persistence_of};
use rongchat_proto::pb;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, mpsc};

/// Longest user or group id the wire carries (RongCloud's limit is 64 bytes).
const MAX_ID_LEN: usize = 64;

/// Stops the driver when the last handle goes away.
#[derive(Debug)]
struct ShutdownGuard(Arc<Shared>);

impl Drop for ShutdownGuard {
    fn drop(&mut self) {
        self.0.command(Command::Shutdown);
    }
}

/// The client. Clone freely; dropping the last clone stops its background task.
#[derive(Debug, Clone)]
pub struct Client {
    pub(crate) inner: Arc<Shared>,
    _guard: Arc<ShutdownGuard>,
}

impl Client {
    /// Opens the store under `config.data_dir` and starts the background task (not yet
    /// connected: call [`Client::connect`]). Needs a tokio runtime.
    pub fn open(config: ClientConfig) -> Result<Self> {
        std::fs::create_dir_all(&config.data_dir)?;
        let store = Store::open(&config.data_dir.join("rongchat.sqlite3"))?;
        let device_id = device_id(&config.data_dir)?;
        // No file yet is the first start; any other failure is said, and the id is
        // learned again at the next connect.
        let user_id = match std::fs::read_to_string(config.data_dir.join("user_id")) {
            Ok(id) => Some(id),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
            Err(error) => {
                tracing::warn!(%error, "cannot read the kept user id");
                None
            }
        };
        let (commands, receiver) = mpsc::unbounded_channel();
        let endpoint = Endpoint {
            config: config.clone(),
            device_id,
        };
        let http = reqwest::Client::builder()
            .connect_timeout(navi::SOCKET_TIMEOUT)
            .read_timeout(config.http_idle_timeout)
            .build()?;
        let inner = Arc::new(Shared::new(
            endpoint,
            &config,
            store,
            user_id,
            commands.clone(),
            http,
        ));
        let session_config = config.session.clone().unwrap_or_else(|| SessionConfig {
            seed: random_u64(),
            ..SessionConfig::default()
        });
        let engine = Engine::new(session_config, inner.user_id());
        let driver = Driver::new(inner.clone(), engine, receiver, commands);
        tokio::spawn(driver.run());
        tracing::debug!(data_dir = %config.data_dir.display(), "client opened");
        Ok(Self {
            _guard: Arc::new(ShutdownGuard(inner.clone())),
            inner,
        })
    }

    /// Starts connecting (and keeps reconnecting until a final status or `disconnect`).
    pub fn connect(&self) {
        self.inner.command(Command::Connect);
    }

    /// Connects and waits until connected (or a final status, or the timeout).
    pub async fn connect_and_wait(&self, timeout: Duration) -> Result<()> {
        self.connect();
        self.inner.wait_connected(timeout).await
    }

    /// Disconnects and stays disconnected.
    pub fn disconnect(&self) {
        self.inner.command(Command::Disconnect);
    }

    /// The app came back to the foreground or the network changed: reconnect at once if
    /// waiting, and check a live link.
    pub fn network_hint(&self) {
        self.inner.command(Command::NetworkHint);
    }

    /// The connection status now.
    pub fn status(&self) -> ConnectionStatus {
        self.inner.status()
    }

    /// Whether the offline messages since the last connect are all in (the last
    /// `SyncFinished`, for a subscriber that lost events in a lag).
    pub fn caught_up(&self) -> bool {
        self.inner.caught_up()
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
        let receiver = self.inner.subscribe();
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
        if to.target_id.is_empty() || to.target_id.len() > MAX_ID_LEN {
            return Err(Error::InvalidArgument(format!(
                "a target id has 1 to {MAX_ID_LEN} bytes"
            )));
        }
        if matches!(outgoing, Outgoing::TextMentioning { .. })
            && to.kind != crate::model::ConversationType::Group
        {
            return Err(Error::InvalidArgument("mentions are for groups".into()));
        }
        // Only files need the blocking pool (reading, thumbnails); a text is built here.
        let prepared = match outgoing {
            Outgoing::Text(_) | Outgoing::TextMentioning { .. } => compose::prepare(outgoing)?,
            _ => tokio::task::spawn_blocking(move || compose::prepare(outgoing))
                .await
                .map_err(|_| Error::Closed)??,
        };
        let object = prepared.content.object_name().to_owned();
        let content = prepared.content.to_json();
        if content.len() > MAX_CONTENT_BYTES {
            return Err(Error::TooLarge {
                size: content.len(),
                limit: MAX_CONTENT_BYTES,
            });
        }
        let message = self
            .inner
            .enqueue(QueuedSend {
                conversation: to.clone(),
                sender_id: me,
                counted: persistence_of(&object).counted,
                object_name: object,
                content,
                now_ms: now_ms(),
                client_unique_id: client_unique_id(),
                upload: prepared.upload,
            })
            .await?;
        Ok(message)
    }

    /// Recalls a message this user sent: the server replaces it by an `RC:RcNtf` notice
    /// for every device of both sides, this one included (it arrives by the normal pull).
    pub async fn recall(&self, message: &Message) -> Result<()> {
        let me = self.user_id().unwrap_or_default();
        if message.direction != crate::model::Direction::Send || message.sender_id != me {
            return Err(Error::InvalidArgument(
                "only one's own messages can be recalled".into(),
            ));
        }
        let (topic, payload) = requests::recall(message, client_unique_id())
            .ok_or_else(|| Error::InvalidArgument("the message was never sent".into()))?;
        self.inner.ask(AppRequest::publish(topic, payload)).await?;
        Ok(())
    }

    /// This user is typing in `conversation`: the peer (or the group) is told by an
    /// `RC:TypSts` status message, at most once per 6 s per conversation; call it on every
    /// keystroke. Nothing is stored.
    pub fn notify_typing(&self, conversation: &ConversationId) {
        self.inner.command(Command::Typing(conversation.clone()));
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
        self.inner.command(Command::OutboxChanged);
        Ok(Some(entry.message))
    }

    /// Cancels the upload of a queued message (running, or still waiting for the
    /// connection); the message is marked failed ("cancelled") and can be retried.
    pub fn cancel_upload(&self, local_id: i64) {
        self.inner.command(Command::CancelUpload(local_id));
    }

    /// One stored message.
    pub fn message(&self, local_id: i64) -> Result<Option<Message>> {
        self.inner.with_store(|s| s.message(local_id))
    }

    /// Local full-text search over every conversation: up to `limit` messages whose text,
    /// file name or music title contains `query`, newest first (`store/search.rs`).
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
        self.search_page(query, limit, 0)
    }

    /// [`Client::search`] from the `offset`-th hit on.
    pub fn search_page(&self, query: &str, limit: usize, offset: usize) -> Result<Vec<SearchHit>> {
        self.inner.with_store(|s| s.search(query, limit, offset))
    }

    /// "Open in context": [`crate::store::Store::around`] on this client's store (older
    /// pages then come from [`Client::history`]).
    pub fn around(&self, id: i64, older: usize, newer: usize) -> Result<Option<Vec<Message>>> {
        self.inner.with_store(|s| s.around(id, older, newer))
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
        let before = oldest.unwrap_or(0);
        let (topic, payload) = requests::history(conversation, before, count - page.len());
        let reply = self.inner.ask(AppRequest::query(topic, payload)).await;
        let payload = match reply {
            Ok(payload) => payload,
            // The local page is still an answer; the next scroll asks again.
            Err(error) => {
                tracing::debug!(%error, "remote history unavailable");
                return Ok(page);
            }
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
        self.inner.with_store(|s| {
            s.mark_read_and_queue(conversation, time)?;
            // What was read owes the peer a receipt, or answers the group's requests.
            s.queue_read_receipts(conversation, time)
        })?;
        self.inner.emit_conversation(conversation)?;
        self.inner.command(Command::ReadsChanged);
        Ok(())
    }

    /// The read receipts of a conversation: how far the peer read (private), our group
    /// messages that asked and who read them (group).
    pub fn receipts(&self, conversation: &ConversationId) -> Result<ReceiptState> {
        self.inner.with_store(|s| s.receipts_in(conversation))
    }

    /// Asks the group who read our sent `message` (an `RC:RRReqMsg`); once the server
    /// acked it the message shows its readers ([`Event::GroupReceipt`] as they answer).
    pub async fn request_receipt(&self, message: &Message) -> Result<GroupReceipt> {
        let me = self.user_id().unwrap_or_default();
        let uid = message.uid.clone().filter(|_| {
            message.conversation.kind == crate::model::ConversationType::Group
                && message.direction == crate::model::Direction::Send
                && message.sender_id == me
        });
        let uid = uid.ok_or_else(|| {
            Error::InvalidArgument("receipts are asked for one's own sent group messages".into())
        })?;
        let (topic, payload) = crate::engine::receipts::request(&uid, client_unique_id());
        let group = message.conversation.target_id.clone();
        let request = AppRequest {
            target: Some(group.clone()),
            ..AppRequest::publish(topic, payload)
        };
        self.inner.ask(request).await?;
        let state = self.inner.with_store(|s| {
            s.receipt_asked(&group, &uid, now_ms())?;
            s.receipts_in(&message.conversation)
        })?;
        let receipt = state
            .asked
            .into_iter()
            .find(|r| r.message_uid == uid)
            .unwrap_or(GroupReceipt {
                conversation: message.conversation.clone(),
                message_uid: uid,
                readers: Vec::new(),
            });
        self.inner.emit(Event::GroupReceipt {
            receipt: receipt.clone(),
        });
        Ok(receipt)
    }

    /// Removes a conversation from the list, here and on the server (`delSessions`).
    pub async fn remove_conversation(&self, conversation: &ConversationId) -> Result<()> {
        // A removed chat leaves the top too (as WeChat does), on every device; otherwise
        // the pinned status would bring it back at the next status pull.
        let was_pinned = self.inner.with_store(|s| {
            let pinned = s.conversation(conversation)?.is_some_and(|c| c.pinned);
            s.remove_conversation(conversation)?;
            if pinned {
                s.queue_status(&crate::engine::status::local_update(
                    conversation,
                    Some(false),
                    None,
                ))?;
            }
            Ok(pinned)
        })?;
        if was_pinned {
            self.inner.command(Command::StatusesChanged);
        }
        self.inner.emit(Event::ConversationUpdated {
            conversation: None,
            id: conversation.clone(),
        });
        let (topic, payload) = requests::delete_conversation(conversation);
        self.inner.ask(AppRequest::query(topic, payload)).await?;
        Ok(())
    }

    /// Saves a draft (local only, like the SDK).
    pub fn set_draft(&self, conversation: &ConversationId, draft: &str) -> Result<()> {
        self.inner
            .with_store(|s| s.set_draft(conversation, draft))?;
        self.inner.emit_conversation(conversation)
    }

    /// Pins or unpins a conversation, here and (through the server, when connected) on
    /// this user's other devices (queued until the server acks it, so offline too).
    pub fn set_pinned(&self, conversation: &ConversationId, pinned: bool) -> Result<()> {
        self.inner.with_store(|s| {
            s.set_pinned(conversation, pinned)?;
            let update = crate::engine::status::local_update(conversation, Some(pinned), None);
            s.queue_status(&update)
        })?;
        self.inner.command(Command::StatusesChanged);
        self.inner.emit_conversation(conversation)
    }

    /// Mutes (only @mentions notify) or unmutes a conversation, here and (through the
    /// server, queued until acked) on this user's other devices.
    pub fn set_muted(&self, conversation: &ConversationId, muted: bool) -> Result<()> {
        self.inner.with_store(|s| {
            s.set_muted(conversation, muted)?;
            let update = crate::engine::status::local_update(conversation, None, Some(muted));
            s.queue_status(&update)
        })?;
        self.inner.command(Command::StatusesChanged);
        self.inner.emit_conversation(conversation)
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
        let (http, dir) = (&self.inner.http, &self.inner.data_dir);
        let max = self.inner.max_download_bytes;
        transfer::download(http, dir, max, url, file_name, progress, cancel).await
    }

    /// [`Client::download`] of something smaller than the general cap (a poster, an
    /// image to show): at most `max_bytes`, no progress.
    pub async fn download_at_most(
        &self,
        url: &str,
        file_name: &str,
        max_bytes: u64,
    ) -> Result<PathBuf> {
        let (http, dir) = (&self.inner.http, &self.inner.data_dir);
        let max = max_bytes.min(self.inner.max_download_bytes);
        transfer::download(http, dir, max, url, file_name, |_, _| {}, None).await
    }

    /// Waits until connected, a final status, or the timeout.
    pub async fn wait_connected(&self, timeout: Duration) -> Result<()> {
        self.inner.wait_connected(timeout).await
    }
}
