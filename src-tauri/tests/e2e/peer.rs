//! The second client: a real `rongchat_client::Client` on the app's embedded server.

use rongchat_client::{
    Client, ClientConfig, ConversationId, Direction, Event, Outgoing, SendStatus,
};
use rongchat_proto::content::{Common, Content, Text, UserInfo};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tokio::sync::Mutex;
use tokio::sync::broadcast::Receiver;

const WAIT: Duration = crate::harness::WAIT;

/// What the app wrote to `embedded.json` in its data dir.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Embedded {
    pub http_url: String,
    pub app_key: String,
    pub server_dir: PathBuf,
    pub user_id: String,
}

impl Embedded {
    /// Waits for the app to write the file.
    pub async fn read(data_dir: &Path) -> Embedded {
        let path = data_dir.join("embedded.json");
        let deadline = Instant::now() + WAIT;
        loop {
            if let Ok(text) = std::fs::read_to_string(&path)
                && let Ok(info) = serde_json::from_str(&text)
            {
                return info;
            }
            assert!(
                Instant::now() < deadline,
                "the app wrote no {}",
                path.display()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The server's Server API, signed with the secret the app installed for it.
    pub fn server_api(&self) -> crate::server_api::ServerApi {
        crate::server_api::ServerApi {
            base: self.http_url.clone(),
            app_key: self.app_key.clone(),
            secret: rongchat_server::install_secret(&self.server_dir)
                .expect("the embedded server's secret"),
        }
    }

    fn token(&self, user_id: &str, name: &str) -> String {
        rongchat_server::issue_offline_token(&self.server_dir, Some(&self.app_key), user_id, name)
            .expect("issue a token on the app's server")
    }
}

/// What the peer received from the app's user.
#[derive(Debug, Clone, PartialEq)]
pub enum Received {
    Text(String),
    File { name: String, bytes: Vec<u8> },
    Image(Vec<u8>),
    Voice { amr: Vec<u8>, duration: u64 },
    Reply(String, Option<String>),
    Other(String),
}

pub struct Peer {
    /// Its login token (the app's log must never show one).
    pub token: String,
    client: Client,
    user_id: String,
    name: String,
    events: Mutex<Receiver<Event>>,
    dir: tempfile::TempDir,
}

impl Peer {
    async fn open(embedded: &Embedded, user_id: &str, name: &str) -> Peer {
        Self::open_with(embedded, user_id, name, true).await
    }

    async fn open_with(embedded: &Embedded, user_id: &str, name: &str, wait: bool) -> Peer {
        let dir = tempfile::tempdir().expect("temp dir");
        let token = embedded.token(user_id, name);
        let config = ClientConfig::new(
            embedded.http_url.clone(),
            embedded.app_key.clone(),
            token.clone(),
            dir.path().join("store"),
        );
        let client = Client::open(config).expect("open the peer client");
        let (_, events) = client.subscribe().expect("subscribe");
        if wait {
            client
                .connect_and_wait(WAIT)
                .await
                .expect("the peer connects to the app's server");
        } else {
            client.connect();
        }
        Peer {
            token,
            client,
            user_id: user_id.to_owned(),
            name: name.to_owned(),
            events: Mutex::new(events),
            dir,
        }
    }

    /// A new user on the app's server.
    pub async fn connect(embedded: &Embedded, user_id: &str, name: &str) -> Peer {
        Self::open(embedded, user_id, name).await
    }

    /// The app's own user, from another device (the app gets kicked).
    pub async fn connect_as_app_user(embedded: &Embedded) -> Peer {
        // Only the app's reaction is checked: it must show the banner.
        Self::open_with(embedded, &embedded.user_id, "second device", false).await
    }

    /// Sends and waits for the server's ack, so messages arrive in the order sent.
    async fn send(&self, to: &str, outgoing: Outgoing) -> rongchat_client::Message {
        self.send_to(&ConversationId::private(to), outgoing).await
    }

    /// [`Peer::send`] into any conversation (a group, say).
    pub async fn send_to(
        &self,
        to: &ConversationId,
        outgoing: Outgoing,
    ) -> rongchat_client::Message {
        let mut events = self.events.lock().await;
        let sent = self.client.send(to, outgoing).await.expect("peer send");
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let event = tokio::time::timeout(left, events.recv())
                .await
                .expect("timed out waiting for the peer's message to be sent")
                .expect("peer event stream");
            if let Event::MessageUpdated { message } = event
                && message.local_id == sent.local_id
            {
                match message.status {
                    SendStatus::Sent => return message,
                    SendStatus::Failed => panic!("peer send failed: {:?}", message.failure),
                    _ => {}
                }
            }
        }
    }

    /// Sends any content (an `RC:HQVCMsg` pointing at an [`Peer::upload`]ed file, say).
    pub async fn send_content(&self, to: &str, content: Content) {
        self.send(to, Outgoing::Content(content)).await;
    }

    /// Uploads a file to the server (as a file message to a chat nobody reads) and returns
    /// its download URL.
    pub async fn upload(&self, path: &Path) -> String {
        match self
            .send("uploads-bin", Outgoing::File(path.to_path_buf()))
            .await
            .parsed()
        {
            Content::File(f) if !f.file_url.is_empty() => f.file_url,
            other => panic!("the upload gave no URL: {other:?}"),
        }
    }

    /// A text that carries the peer's (display) name, like the SDK's `user` field.
    pub async fn send_text(&self, to: &str, text: &str) {
        let content = Content::Text(Text {
            content: text.to_owned(),
            common: Common {
                user: Some(UserInfo {
                    id: Some(self.user_id.clone()),
                    name: Some(self.name.clone()),
                    portrait: None,
                }),
                ..Default::default()
            },
        });
        self.send(to, Outgoing::Content(content)).await;
    }

    pub async fn send_image(&self, to: &str) {
        let path = self.dir.path().join("photo.png");
        let img = image::RgbImage::from_fn(64, 40, |x, y| {
            image::Rgb([(x * 4) as u8, (y * 6) as u8, 160])
        });
        img.save(&path).expect("write a test image");
        self.send(to, Outgoing::Image(path)).await;
    }

    pub async fn send_voice(&self, to: &str, seconds: u64) {
        let pcm: Vec<i16> = (0..8000 * seconds as usize)
            .map(|i| ((i as f32 * 440.0 * std::f32::consts::TAU / 8000.0).sin() * 8000.0) as i16)
            .collect();
        let amr = rongchat_voice::encode_pcm(&pcm).expect("encode AMR");
        self.send(
            to,
            Outgoing::Voice {
                amr,
                duration: seconds,
            },
        )
        .await;
    }

    pub async fn send_music(&self, to: &str, name: &str, author: &str) {
        let outgoing = Outgoing::Music {
            url: "http://127.0.0.1:9/none.amr".into(),
            name: name.to_owned(),
            author: author.to_owned(),
            poster: String::new(),
        };
        self.send(to, outgoing).await;
    }

    pub async fn send_file(&self, to: &str, name: &str, body: &[u8]) {
        let path = self.dir.path().join(name);
        std::fs::write(&path, body).expect("write the test file");
        self.send(to, Outgoing::File(path)).await;
    }

    /// Tells `to` that the peer types (the client throttles repeats).
    pub fn notify_typing(&self, to: &str) {
        self.client.notify_typing(&ConversationId::private(to));
    }

    /// Waits until `from` is reported typing (or, with `typing` false, stopped).
    pub async fn wait_typing(&self, from: &str, typing: bool) {
        let mut events = self.events.lock().await;
        let deadline = Instant::now() + WAIT;
        loop {
            let event = next_event(&mut events, deadline, "a typing report").await;
            if let Event::Typing {
                user_id, typing: t, ..
            } = event
                && user_id == from
                && t == typing
            {
                return;
            }
        }
    }

    /// Reads the chat with `with`: the client owes them a read receipt and sends it.
    pub async fn mark_read(&self, with: &str) {
        self.mark_read_in(&ConversationId::private(with)).await;
    }

    /// Reads `conversation` (a group, say): the client answers the receipt requests of
    /// what it read.
    pub async fn mark_read_in(&self, conversation: &ConversationId) {
        self.client
            .mark_read(conversation)
            .await
            .expect("the peer marks the conversation read");
    }

    /// Waits until `from` reports (an `RC:ReadNtf`) that it read the peer's messages.
    pub async fn wait_read_receipt(&self, from: &str) -> i64 {
        let mut events = self.events.lock().await;
        let deadline = Instant::now() + WAIT;
        loop {
            let event = next_event(&mut events, deadline, "a read receipt").await;
            if let Event::ReadReceipt {
                conversation,
                read_time,
            } = event
                && conversation.target_id == from
            {
                return read_time;
            }
        }
    }

    /// Waits for a message from someone else in `conversation`, as stored.
    pub async fn wait_in(&self, conversation: &ConversationId) -> rongchat_client::Message {
        let mut events = self.events.lock().await;
        let deadline = Instant::now() + WAIT;
        loop {
            if let Event::MessageReceived { message } =
                next_event(&mut events, deadline, "a message in the conversation").await
                && message.direction == Direction::Receive
                && message.conversation == *conversation
            {
                return message;
            }
        }
    }

    /// Waits for a message from someone else that matches.
    pub async fn wait_for(&self, wanted: impl Fn(&Received) -> bool) -> Received {
        let mut events = self.events.lock().await;
        let deadline = Instant::now() + WAIT;
        loop {
            let event = next_event(&mut events, deadline, "a message").await;
            let Event::MessageReceived { message } = event else {
                continue;
            };

            if message.direction != Direction::Receive {
                continue;
            }
            let received = match message.parsed() {
                Content::Text(t) => Received::Text(t.content),
                // A reply: its text and the quoted text.
                Content::Reference(r) => {
                    let quoted = r.quoted_text();
                    Received::Reply(r.content, quoted)
                }
                Content::File(f) => {
                    let path = self
                        .client
                        .download(&f.file_url, &f.name, |_, _| {}, None)
                        .await
                        .expect("download the file the app sent");
                    Received::File {
                        name: f.name,
                        bytes: std::fs::read(path).expect("read the download"),
                    }
                }
                Content::Image(i) => {
                    let path = self
                        .client
                        .download(&i.image_uri, "image", |_, _| {}, None)
                        .await
                        .expect("download the image the app sent");
                    Received::Image(std::fs::read(path).expect("read the download"))
                }
                Content::Voice(v) => {
                    use base64::Engine;
                    Received::Voice {
                        amr: base64::engine::general_purpose::STANDARD
                            .decode(v.content.as_bytes())
                            .expect("a voice clip is base64"),
                        duration: v.duration,
                    }
                }
                other => Received::Other(other.object_name().to_owned()),
            };
            if wanted(&received) {
                return received;
            }
            eprintln!("peer: skipping {received:?}");
        }
    }
}

/// The peer's next event; panics naming `what` once `deadline` passes.
/// A lag (a big download's progress events) only skips events the waits do not need.
async fn next_event(events: &mut Receiver<Event>, deadline: Instant, what: &str) -> Event {
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, events.recv())
            .await
            .unwrap_or_else(|_| panic!("timed out waiting for {what} at the peer"))
        {
            Ok(event) => return event,
            Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                eprintln!("peer: {n} events skipped")
            }
            Err(e) => panic!("peer event stream: {e}"),
        }
    }
}
