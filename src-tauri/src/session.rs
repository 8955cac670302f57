//! One signed-in session: the client engine for our user, the directory of names, and in
//! demo mode the embedded server and the demo contact. Commands call these methods; the
//! forwarder task turns the client's events into page events.

use crate::convert;
use crate::directory::Directory;
use crate::embedded::Embedded;
use crate::error::{Error, Result};
use crate::events;
use crate::flags::Flags;
use crate::models::{ConvRef, ConversationDto, HistoryDto, MessageDto, MusicDto, StatusDto};
use base64::Engine;
use rongchat_client::{
    Client, ConversationId, ConversationType, Event, Message, Outgoing, SendStatus,
};
use rongchat_proto::content::Content;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::broadcast::error::RecvError;

/// Messages per history page.
pub const PAGE: usize = 20;

/// How the session reaches the page: emit an event with a JSON payload.
pub type Emit = Arc<dyn Fn(&'static str, serde_json::Value) + Send + Sync>;
/// Where connection status changes go.
pub type OnStatus = Arc<dyn Fn(StatusDto) + Send + Sync>;
type ProgressSink = Box<dyn Fn(&str, u64, u64) + Send + Sync>;

/// ms since the epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// The signed-in session.
pub struct Session {
    client: Client,
    directory: Arc<Directory>,
    flags: Arc<Flags>,
    user_id: String,
    user_name: String,
    mode: &'static str,
    work_dir: PathBuf,
    music: Vec<MusicDto>,
    progress: Arc<Mutex<HashMap<i64, ProgressSink>>>,
    embedded: tokio::sync::Mutex<Option<Embedded>>,
    helpers: Vec<Client>,
    tasks: Vec<tauri::async_runtime::JoinHandle<()>>,
    emit: Emit,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("user_id", &self.user_id)
            .field("mode", &self.mode)
            .finish_non_exhaustive()
    }
}

/// What a session is made of (built by `state::restart`).
#[allow(missing_debug_implementations)] // holds clients and task handles; nothing to print
pub struct Parts {
    /// Our client, opened (not necessarily connected yet).
    pub client: Client,
    /// Names and avatars.
    pub directory: Directory,
    /// Our user id and name.
    pub user: (String, String),
    /// `demo` or `account`.
    pub mode: &'static str,
    /// Where the app keeps per-account files (flags, recordings).
    pub work_dir: PathBuf,
    /// Music the composer offers.
    pub music: Vec<MusicDto>,
    /// The embedded server, in demo mode.
    pub embedded: Option<Embedded>,
    /// Other clients to keep alive (the demo contact).
    pub helpers: Vec<Client>,
    /// Tasks to stop with the session.
    pub tasks: Vec<tauri::async_runtime::JoinHandle<()>>,
}

fn client_err(e: rongchat_client::Error) -> Error {
    Error::Client(e.to_string())
}

fn conv_id(conv: &ConvRef) -> ConversationId {
    ConversationId {
        kind: ConversationType::from_code(i32::from(conv.conversation_type)),
        target_id: conv.target_id.clone(),
    }
}

fn parse_id(id: &str) -> Result<i64> {
    id.parse()
        .map_err(|_| Error::Invalid(format!("message id {id:?}")))
}

impl Session {
    /// Builds the session and starts forwarding the client's events.
    pub fn start(parts: Parts, emit: Emit, on_status: OnStatus) -> Result<Arc<Self>> {
        let flags = Arc::new(Flags::load(&parts.work_dir));
        let mut session = Self {
            client: parts.client,
            directory: Arc::new(parts.directory),
            flags,
            user_id: parts.user.0,
            user_name: parts.user.1,
            mode: parts.mode,
            work_dir: parts.work_dir,
            music: parts.music,
            progress: Arc::default(),
            embedded: tokio::sync::Mutex::new(parts.embedded),
            helpers: parts.helpers,
            tasks: parts.tasks,
            emit: emit.clone(),
        };
        let (snapshot, receiver) = session.client.subscribe().map_err(client_err)?;
        on_status(session.status_dto(snapshot.status));
        let forwarder = Forwarder {
            client: session.client.clone(),
            directory: session.directory.clone(),
            flags: session.flags.clone(),
            progress: session.progress.clone(),
            user: (session.user_id.clone(), session.user_name.clone()),
            mode: session.mode,
            emit: emit.clone(),
            on_status,
        };
        session
            .tasks
            .push(tauri::async_runtime::spawn(forwarder.run(receiver)));
        Ok(Arc::new(session))
    }

    /// Tells the page to load the list and connects. Called once the session is
    /// reachable from commands, so the page's reload finds it.
    pub fn go(&self) {
        (self.emit)(events::CONVERSATIONS_RESET, serde_json::Value::Null);
        self.client.connect();
    }

    fn status_dto(&self, status: rongchat_client::ConnectionStatus) -> StatusDto {
        status_of(
            &self.client,
            &self.user_id,
            &self.user_name,
            self.mode,
            status,
        )
    }

    /// The connection state now.
    pub fn status(&self) -> StatusDto {
        self.status_dto(self.client.status())
    }

    /// Connects again (after being kicked or refused).
    pub fn reconnect(&self) {
        self.client.connect();
    }

    /// Where recordings in progress go.
    pub fn voice_dir(&self) -> PathBuf {
        self.work_dir.join("recordings")
    }

    /// Disconnects everything and stops the embedded server.
    pub async fn shutdown(&self) {
        self.client.disconnect();
        for helper in &self.helpers {
            helper.disconnect();
        }
        for task in &self.tasks {
            task.abort();
        }
        if let Some(embedded) = self.embedded.lock().await.take() {
            embedded.shutdown().await;
        }
    }

    fn message_dto(&self, m: &Message) -> MessageDto {
        convert::message(m, &self.directory, self.flags.heard(m.local_id))
    }

    fn conversation_dto(&self, c: &rongchat_client::Conversation) -> ConversationDto {
        convert::conversation(c, &self.directory)
    }

    /// The list.
    pub async fn conversations(&self) -> Result<Vec<ConversationDto>> {
        let list = self.client.conversations().map_err(client_err)?;
        Ok(list.iter().map(|c| self.conversation_dto(c)).collect())
    }

    /// One row.
    pub async fn conversation(&self, conv: &ConvRef) -> Result<Option<ConversationDto>> {
        let row = self
            .client
            .conversation(&conv_id(conv))
            .map_err(client_err)?;
        Ok(row.map(|c| self.conversation_dto(&c)))
    }

    /// Clears unread (here, on the server, on other devices).
    pub async fn mark_read(&self, conv: &ConvRef) -> Result<()> {
        self.client
            .mark_read(&conv_id(conv))
            .await
            .map_err(client_err)
    }

    /// Pins or unpins (the client emits the changed row).
    pub async fn set_pinned(&self, conv: &ConvRef, pinned: bool) -> Result<()> {
        self.client
            .set_pinned(&conv_id(conv), pinned)
            .map_err(client_err)
    }

    /// Mutes or unmutes (the client emits the changed row).
    pub async fn set_muted(&self, conv: &ConvRef, muted: bool) -> Result<()> {
        self.client
            .set_muted(&conv_id(conv), muted)
            .map_err(client_err)
    }

    /// Removes a conversation.
    pub async fn remove(&self, conv: &ConvRef) -> Result<()> {
        self.client
            .remove_conversation(&conv_id(conv))
            .await
            .map_err(client_err)
    }

    /// Saves a draft.
    pub async fn set_draft(&self, conv: &ConvRef, draft: &str) -> Result<()> {
        self.client
            .set_draft(&conv_id(conv), draft)
            .map_err(client_err)
    }

    /// A page of history older than the message `before` (a local id), oldest first.
    pub async fn history(&self, conv: &ConvRef, before: Option<&str>) -> Result<HistoryDto> {
        let anchor = match before {
            Some(id) => self.client.message(parse_id(id)?).map_err(client_err)?,
            None => None,
        };
        let page = self
            .client
            .history(&conv_id(conv), anchor.as_ref(), PAGE)
            .await
            .map_err(client_err)?;
        Ok(HistoryDto {
            has_more: page.len() >= PAGE,
            messages: page.iter().map(|m| self.message_dto(m)).collect(),
        })
    }

    async fn send(&self, conv: &ConvRef, outgoing: Outgoing) -> Result<Message> {
        self.client
            .send(&conv_id(conv), outgoing)
            .await
            .map_err(client_err)
    }

    /// Sends a text.
    pub async fn send_text(&self, conv: &ConvRef, text: String) -> Result<MessageDto> {
        let m = self.send(conv, Outgoing::Text(text)).await?;
        Ok(self.message_dto(&m))
    }

    /// Sends a voice clip (AMR bytes, whole seconds).
    pub async fn send_voice(
        &self,
        conv: &ConvRef,
        amr: Vec<u8>,
        seconds: u32,
    ) -> Result<MessageDto> {
        let m = self
            .send(
                conv,
                Outgoing::Voice {
                    amr,
                    duration: u64::from(seconds),
                },
            )
            .await?;
        Ok(self.message_dto(&m))
    }

    /// Sends one of the music entries.
    pub async fn send_music(&self, conv: &ConvRef, music_id: &str) -> Result<MessageDto> {
        let music = self
            .music
            .iter()
            .find(|m| m.id == music_id)
            .ok_or_else(|| Error::NotFound(format!("music {music_id:?}")))?;
        let m = self
            .send(
                conv,
                Outgoing::Music {
                    url: music.url.clone(),
                    name: music.name.clone(),
                    author: music.author.clone(),
                    poster: music.poster.clone(),
                },
            )
            .await?;
        Ok(self.message_dto(&m))
    }

    /// Sends an image or a file from disk; upload progress goes to `report`.
    pub async fn send_file(
        &self,
        conv: &ConvRef,
        kind: crate::commands::files::PickKind,
        path: &Path,
        report: impl Fn(&str, u64, u64) + Send + Sync + 'static,
    ) -> Result<MessageDto> {
        let outgoing = match kind {
            crate::commands::files::PickKind::Image => Outgoing::Image(path.to_path_buf()),
            crate::commands::files::PickKind::File => Outgoing::File(path.to_path_buf()),
        };
        let m = self.send(conv, outgoing).await?;
        if m.status == SendStatus::Sending {
            self.progress
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(m.local_id, Box::new(report));
        }
        Ok(self.message_dto(&m))
    }

    /// Sends a failed message again.
    pub async fn resend(&self, id: &str) -> Result<()> {
        self.client
            .retry(parse_id(id)?)
            .map_err(client_err)?
            .ok_or_else(|| Error::NotFound(format!("message {id}")))?;
        Ok(())
    }

    fn stored(&self, id: &str) -> Result<Message> {
        self.client
            .message(parse_id(id)?)
            .map_err(client_err)?
            .ok_or_else(|| Error::NotFound(format!("message {id}")))
    }

    /// Downloads a media message's file (or uses the local copy we sent from).
    pub async fn download(&self, id: &str) -> Result<PathBuf> {
        let m = self.stored(id)?;
        if let Some(local) = m.local_path.as_deref().map(PathBuf::from)
            && local.is_file()
        {
            return Ok(local);
        }
        let uid = m.uid.clone().unwrap_or_else(|| m.local_id.to_string());
        let (url, name) = match m.parsed() {
            Content::Image(c) => (c.image_uri, format!("image-{uid}")),
            Content::File(c) => (c.file_url, c.name),
            Content::Music(c) => (c.url, format!("music-{uid}.amr")),
            Content::HqVoice(c) => (c.remote_url, format!("voice-{uid}")),
            _ => return Err(Error::Invalid("this message has no file".into())),
        };
        self.fetch(&url, &name).await
    }

    /// Downloads a music message's poster.
    pub async fn download_poster(&self, id: &str) -> Result<PathBuf> {
        let m = self.stored(id)?;
        let Content::Music(c) = m.parsed() else {
            return Err(Error::Invalid("not a music message".into()));
        };
        let uid = m.uid.clone().unwrap_or_else(|| m.local_id.to_string());
        self.fetch(&c.poster, &format!("poster-{uid}")).await
    }

    async fn fetch(&self, url: &str, name: &str) -> Result<PathBuf> {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(Error::Invalid("the file has no download address".into()));
        }
        self.client
            .download(url, name, |_, _| {}, None)
            .await
            .map_err(client_err)
    }

    /// A voice message's AMR bytes.
    pub async fn voice_clip(&self, id: &str) -> Result<Vec<u8>> {
        let m = self.stored(id)?;
        match m.parsed() {
            Content::Voice(c) => {
                let clean: String = c
                    .content
                    .chars()
                    .filter(|c| !c.is_ascii_whitespace())
                    .collect();
                base64::engine::general_purpose::STANDARD
                    .decode(clean)
                    .map_err(|_| Error::Invalid("the voice clip is not valid base64".into()))
            }
            Content::HqVoice(_) => {
                let path = self.download(id).await?;
                Ok(tokio::fs::read(path).await?)
            }
            _ => Err(Error::Invalid("not a voice message".into())),
        }
    }

    /// Marks a voice message as heard (the unheard dot goes away).
    pub async fn mark_heard(&self, id: &str) -> Result<()> {
        let m = self.stored(id)?;
        self.flags.set_heard(m.local_id)?;
        let dto = self.message_dto(&m);
        (self.emit)(
            events::MESSAGE_UPDATED,
            serde_json::to_value(dto).unwrap_or_default(),
        );
        Ok(())
    }

    /// Music the composer offers.
    pub fn music_list(&self) -> Vec<MusicDto> {
        self.music.clone()
    }
}

/// The banner's status. A real account learns its user id at the first connect, so the
/// client is asked; names default to the id.
fn status_of(
    client: &Client,
    user_id: &str,
    user_name: &str,
    mode: &'static str,
    status: rongchat_client::ConnectionStatus,
) -> StatusDto {
    let (state, message) = convert::conn_state(status);
    let id = client
        .user_id()
        .filter(|id| !id.is_empty())
        .unwrap_or_else(|| user_id.to_owned());
    let name = if user_name.is_empty() || user_name == user_id {
        id.clone()
    } else {
        user_name.to_owned()
    };
    StatusDto {
        state,
        user_id: Some(id).filter(|id| !id.is_empty()),
        user_name: Some(name).filter(|n| !n.is_empty()),
        mode,
        message,
    }
}

/// Turns client events into page events.
struct Forwarder {
    client: Client,
    directory: Arc<Directory>,
    flags: Arc<Flags>,
    progress: Arc<Mutex<HashMap<i64, ProgressSink>>>,
    user: (String, String),
    mode: &'static str,
    emit: Emit,
    on_status: OnStatus,
}

impl Forwarder {
    async fn run(self, mut receiver: tokio::sync::broadcast::Receiver<Event>) {
        loop {
            match receiver.recv().await {
                Ok(event) => self.handle(event),
                Err(RecvError::Lagged(_)) => {
                    (self.emit)(events::CONVERSATIONS_RESET, serde_json::Value::Null)
                }
                Err(RecvError::Closed) => return,
            }
        }
    }

    fn to_json<T: serde::Serialize>(value: T) -> serde_json::Value {
        serde_json::to_value(value).unwrap_or_default()
    }

    fn handle(&self, event: Event) {
        match event {
            Event::Connection { status } => {
                (self.on_status)(status_of(
                    &self.client,
                    &self.user.0,
                    &self.user.1,
                    self.mode,
                    status,
                ));
            }
            Event::MessageReceived { message } => {
                let dto = convert::message(
                    &message,
                    &self.directory,
                    self.flags.heard(message.local_id),
                );
                (self.emit)(events::MESSAGE_RECEIVED, Self::to_json(dto));
            }
            Event::MessageUpdated { message } => {
                if message.status != SendStatus::Sending {
                    self.progress
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .remove(&message.local_id);
                }
                let dto = convert::message(
                    &message,
                    &self.directory,
                    self.flags.heard(message.local_id),
                );
                (self.emit)(events::MESSAGE_UPDATED, Self::to_json(dto));
            }
            Event::Progress {
                local_id,
                done,
                total,
            } => {
                let sinks = self.progress.lock().unwrap_or_else(PoisonError::into_inner);
                if let Some(sink) = sinks.get(&local_id) {
                    sink(&local_id.to_string(), done, total);
                }
            }
            Event::ConversationUpdated { conversation, id } => match conversation {
                Some(c) => {
                    let dto = convert::conversation(&c, &self.directory);
                    (self.emit)(events::CONVERSATION_UPDATED, Self::to_json(dto));
                }
                None => {
                    let conv = ConvRef {
                        conversation_type: convert::conv_type_code(id.kind),
                        target_id: id.target_id,
                    };
                    (self.emit)(events::CONVERSATION_REMOVED, Self::to_json(conv));
                }
            },
            Event::SyncFinished => {
                (self.emit)(events::CONVERSATIONS_RESET, serde_json::Value::Null)
            }
            _ => {}
        }
    }
}
