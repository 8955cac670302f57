//! One signed-in session's lifecycle: built from its [`Parts`] (our client, the names, and
//! in demo mode the embedded server and the demo contact), started (the event forwarder
//! runs), connected, shut down. Commands reach the client, the view and the media
//! through it; it adds nothing in between.

use crate::convert::View;
use crate::embedded::Embedded;
use crate::error::{Error, Result};
use crate::events::{self, Emit, Reset, json};
use crate::forwarder::Forwarder;
use crate::media::Media;
use crate::models::MusicDto;
use crate::progress::Progress;
use crate::status::{Identity, OnStatus};
use rongchat_client::{Client, Message};
use std::path::PathBuf;
use std::sync::Arc;
use tokio::task::JoinHandle;

/// What a session is made of (built by `state::restart`).
#[allow(missing_debug_implementations)] // holds clients and task handles; nothing to print
pub struct Parts {
    /// Our client, opened (not necessarily connected yet).
    pub client: Client,
    /// Names, avatars and heard flags.
    pub view: View,
    /// Who we sign in as.
    pub identity: Identity,
    /// Where the app keeps per-account files (flags, recordings).
    pub work_dir: PathBuf,
    /// Music the composer offers.
    pub music: Vec<MusicDto>,
    /// The embedded server, in demo mode.
    pub embedded: Option<Embedded>,
    /// Other clients to keep alive (the demo contact).
    pub helpers: Vec<Client>,
    /// Tasks to stop with the session.
    pub tasks: Vec<JoinHandle<()>>,
}

/// The signed-in session: its parts, plus what it runs on them.
pub struct Session {
    parts: Parts,
    /// Taken out of the parts: shutting down consumes it.
    embedded: tokio::sync::Mutex<Option<Embedded>>,
    media: Media,
    emit: Emit,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("identity", &self.parts.identity)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// Builds the session and starts forwarding the client's events.
    pub fn start(mut parts: Parts, emit: Emit, on_status: OnStatus) -> Result<Arc<Self>> {
        let progress = Progress::default();
        let (snapshot, receiver) = parts.client.subscribe()?;
        on_status(parts.identity.status(&parts.client, snapshot.status, false));
        let forwarder = Forwarder {
            client: parts.client.clone(),
            view: parts.view.clone(),
            progress: progress.clone(),
            identity: parts.identity.clone(),
            emit: emit.clone(),
            on_status,
        };
        parts.tasks.push(tokio::spawn(forwarder.run(receiver)));
        tracing::info!(identity = ?parts.identity, "session started");
        Ok(Arc::new(Self {
            media: Media::new(parts.client.clone(), progress),
            embedded: tokio::sync::Mutex::new(parts.embedded.take()),
            parts,
            emit,
        }))
    }

    /// Tells the page to load the list and connects. Called once the session is
    /// reachable from commands, so the page's reload finds it.
    pub fn go(&self) {
        Reset::Session.emit(&self.emit);
        self.parts.client.connect();
    }

    /// Our client.
    pub fn client(&self) -> &Client {
        &self.parts.client
    }

    /// Builds the page's DTOs.
    pub fn view(&self) -> &View {
        &self.parts.view
    }

    /// Downloads, clips and file sends.
    pub fn media(&self) -> &Media {
        &self.media
    }

    /// The account's own folder (its store, flags, recordings).
    pub fn work_dir(&self) -> &std::path::Path {
        &self.parts.work_dir
    }

    /// Where clips are recorded (crash-safe files, kept until their send succeeds).
    pub fn recordings_dir(&self) -> PathBuf {
        self.parts.work_dir.join("recordings")
    }

    /// Music the composer offers.
    pub fn music(&self) -> &[MusicDto] {
        &self.parts.music
    }

    /// A stored message by the page's id for it (the local id as a string).
    pub fn message(&self, id: &str) -> Result<Message> {
        let local_id = id
            .parse()
            .map_err(|_| Error::Invalid(format!("message id {id:?}")))?;
        self.parts
            .client
            .message(local_id)?
            .ok_or_else(|| Error::NotFound(format!("message {id}")))
    }

    /// Marks a voice message as heard (the unheard dot goes away).
    pub fn mark_heard(&self, m: &Message) -> Result<()> {
        self.parts.view.flags().set_heard(m.local_id)?;
        (self.emit)(events::MESSAGE_UPDATED, json(self.parts.view.message(m)));
        Ok(())
    }

    /// The first received voice clip after `after` in its chat that was not played yet
    /// (what plays next when `after` ends).
    pub fn next_unheard_voice(&self, after: &Message) -> Result<Option<Message>> {
        let flags = self.parts.view.flags();
        let newer = self
            .parts
            .client
            .around(after.local_id, 0, 200)?
            .unwrap_or_default();
        Ok(newer.into_iter().find(|m| {
            m.local_id != after.local_id
                && m.direction == rongchat_client::Direction::Receive
                && matches!(
                    m.parsed(),
                    rongchat_proto::content::Content::Voice(_)
                        | rongchat_proto::content::Content::HqVoice(_)
                )
                && !flags.heard(m.local_id)
        }))
    }

    /// Disconnects everything and stops the embedded server.
    pub async fn shutdown(&self) {
        tracing::info!("session shutting down");
        self.parts.client.disconnect();
        for helper in &self.parts.helpers {
            helper.disconnect();
        }
        for task in &self.parts.tasks {
            task.abort();
        }
        if let Some(embedded) = self.embedded.lock().await.take() {
            embedded.shutdown().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::Directory;
    use crate::models::SessionMode;
    use rongchat_client::{ClientConfig, ConnectionStatus};
    use std::time::Duration;

    /// The parts of an account session for `user` (also its name): no embedded server,
    /// no helpers, an empty directory.
    fn account_parts(client: Client, work: PathBuf, user: &str) -> Parts {
        Parts {
            client,
            view: View::open(Directory::empty(), &work),
            identity: Identity {
                user_id: user.to_owned(),
                user_name: user.to_owned(),
                mode: SessionMode::Account,
            },
            work_dir: work,
            music: Vec::new(),
            embedded: None,
            helpers: Vec::new(),
            tasks: Vec::new(),
        }
    }

    /// A wrong token on the real local server ends in the token-invalid state, and the
    /// status says so by its error kind (what the banner branches on), not by text.
    #[tokio::test]
    async fn a_wrong_token_leads_to_the_token_invalid_kind() {
        let dir = tempfile::tempdir().unwrap();
        let server =
            rongchat_server::Server::start(rongchat_server::Config::local(dir.path().join("s")))
                .await
                .unwrap();
        let work = dir.path().join("client");
        let config = ClientConfig::new(
            server.http_url(),
            server.app_key().to_owned(),
            "not-a-token".to_owned(),
            &work,
        );
        let client = Client::open(config).unwrap();
        let (tx, mut statuses) = tokio::sync::mpsc::unbounded_channel();
        let parts = account_parts(client, work, "");
        let on_status: OnStatus = Arc::new(move |s| {
            let _ = tx.send(s);
        });
        let session = Session::start(parts, Arc::new(|_, _| {}), on_status).unwrap();
        session.go();
        let status = tokio::time::timeout(Duration::from_secs(30), async {
            loop {
                let s = statuses.recv().await.unwrap();
                if s.error.is_some() {
                    return s;
                }
            }
        })
        .await
        .expect("a final status within 30 s");
        assert_eq!(status.error.as_ref().map(|e| e.kind), Some("tokenInvalid"));
        assert_eq!(status.state, ConnectionStatus::TokenIncorrect);
        let json = serde_json::to_value(&status).unwrap();
        assert_eq!(json["error"]["kind"], "tokenInvalid");
        session.shutdown().await;
        server.shutdown().await;
    }

    /// A client catching up with messages from many senders tells the page in arrays
    /// (`messages-received`, `conversations-updated`): every message and every
    /// conversation arrives, each once, before the list is reset as synced.
    #[tokio::test]
    async fn a_catch_up_reaches_the_page_as_arrays_of_every_message_and_row() {
        const SENDERS: usize = 12;
        let within = Duration::from_secs(30);
        let dir = tempfile::tempdir().unwrap();
        let server =
            rongchat_server::Server::start(rongchat_server::Config::local(dir.path().join("s")))
                .await
                .unwrap();
        let client_for = |user: &str| {
            let token = server.issue_token(user, user).unwrap();
            let work = dir.path().join(user);
            let config =
                ClientConfig::new(server.http_url(), server.app_key().to_owned(), token, &work);
            (Client::open(config).unwrap(), work)
        };
        // The messages wait on the server while the receiver is away.
        for i in 0..SENDERS {
            let (sender, _) = client_for(&format!("sender{i}"));
            sender.connect_and_wait(within).await.unwrap();
            let to = rongchat_client::ConversationId::private("bob");
            let text = rongchat_client::Outgoing::Text(format!("hello {i}"));
            let (_, mut updates) = sender.subscribe().unwrap();
            sender.send(&to, text).await.unwrap();
            tokio::time::timeout(within, async {
                loop {
                    match updates.recv().await {
                        Ok(rongchat_client::Event::MessageUpdated { message })
                            if message.status == rongchat_client::SendStatus::Sent =>
                        {
                            return;
                        }
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => {
                            panic!("the sender's events ended")
                        }
                        _ => {}
                    }
                }
            })
            .await
            .expect("the send acknowledged");
        }
        let (client, work) = client_for("bob");
        let (tx, mut emitted) = tokio::sync::mpsc::unbounded_channel();
        let emit: Emit = Arc::new(move |name, payload| {
            let _ = tx.send((name, payload));
        });
        let parts = account_parts(client, work, "bob");
        let session = Session::start(parts, emit, Arc::new(|_| {})).unwrap();
        session.go();
        let (mut texts, mut rows) = (Vec::new(), Vec::new());
        tokio::time::timeout(within, async {
            loop {
                let (name, payload) = emitted.recv().await.unwrap();
                match name {
                    events::MESSAGES_RECEIVED => texts.extend(
                        payload
                            .as_array()
                            .expect("an array of messages")
                            .iter()
                            .map(|m| m["text"].as_str().unwrap().to_owned()),
                    ),
                    events::CONVERSATIONS_UPDATED => rows.extend(
                        payload
                            .as_array()
                            .expect("an array of rows")
                            .iter()
                            .map(|c| c["targetId"].as_str().unwrap().to_owned()),
                    ),
                    events::CONVERSATIONS_RESET if payload["reason"] == "synced" => return,
                    _ => {}
                }
            }
        })
        .await
        .expect("the catch-up reached the page");
        texts.sort();
        rows.sort();
        let mut want_texts: Vec<String> = (0..SENDERS).map(|i| format!("hello {i}")).collect();
        let mut want_rows: Vec<String> = (0..SENDERS).map(|i| format!("sender{i}")).collect();
        want_texts.sort();
        want_rows.sort();
        assert_eq!(texts, want_texts);
        assert_eq!(rows, want_rows);
        session.shutdown().await;
        server.shutdown().await;
    }
}
