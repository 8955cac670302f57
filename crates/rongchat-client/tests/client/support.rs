//! Shared setup: a real server on 127.0.0.1:0, clients on their own data dirs, event
//! waits with deadlines, and a TCP proxy the test can cut.

use rongchat_client::{Client, ClientConfig, ConversationId, Event, Message, Outgoing, SendStatus};
use rongchat_server::{Config, Server};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::broadcast;
use tokio::task::JoinHandle;

pub const TIMEOUT: Duration = Duration::from_secs(20);

pub struct Env {
    pub server: Option<Server>,
    pub dir: tempfile::TempDir,
    pub navi: String,
    pub app_key: String,
}

impl Env {
    pub async fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let server = Server::start(Config::local(dir.path().join("server")))
            .await
            .unwrap();
        Self {
            navi: server.http_url(),
            app_key: server.app_key().to_owned(),
            server: Some(server),
            dir,
        }
    }

    pub fn server(&self) -> &Server {
        self.server.as_ref().unwrap()
    }

    /// Kills the server and starts it again on the same address and data dir.
    pub async fn restart_server(&mut self) {
        let old = self.server.take().unwrap();
        let addr = old.local_addr();
        old.shutdown().await;
        let mut config = Config::local(self.dir.path().join("server"));
        config.listen = addr;
        self.server = Some(Server::start(config).await.unwrap());
    }

    pub fn token(&self, user: &str) -> String {
        self.server().issue_token(user, user).unwrap()
    }

    pub fn config(&self, user: &str, device: &str) -> ClientConfig {
        let mut config = ClientConfig::new(
            &self.navi,
            &self.app_key,
            self.token(user),
            self.data_dir(user, device),
        );
        config.platform = Some(device.to_owned());
        config
    }

    pub fn data_dir(&self, user: &str, device: &str) -> PathBuf {
        self.dir.path().join(format!("{user}-{device}"))
    }

    /// A connected client for `user` on `device`.
    pub async fn client(&self, user: &str, device: &str) -> Client {
        connected(self.config(user, device)).await
    }
}

/// A server with alice and bob connected on their desks, and bob's events.
pub async fn alice_and_bob() -> (Env, Client, Client, broadcast::Receiver<Event>) {
    let env = Env::start().await;
    let alice = env.client("alice", "desk").await;
    let bob = env.client("bob", "desk").await;
    let (_, bob_events) = bob.subscribe().unwrap();
    (env, alice, bob, bob_events)
}

pub async fn connected(config: ClientConfig) -> Client {
    let client = Client::open(config).unwrap();
    client.connect_and_wait(TIMEOUT).await.unwrap();
    client
}

/// Waits for the first event `pick` accepts.
pub async fn wait_for<T>(
    events: &mut broadcast::Receiver<Event>,
    timeout: Duration,
    mut pick: impl FnMut(&Event) -> Option<T>,
) -> T {
    tokio::time::timeout(timeout, async {
        loop {
            match events.recv().await {
                Ok(event) => {
                    if let Some(found) = pick(&event) {
                        return found;
                    }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(e) => panic!("event stream ended: {e}"),
            }
        }
    })
    .await
    .expect("timed out waiting for an event")
}

/// Waits until the message `local_id` reaches `status`; returns it as it stands then.
pub async fn wait_status(
    events: &mut broadcast::Receiver<Event>,
    local_id: i64,
    status: SendStatus,
) -> Message {
    wait_for(events, TIMEOUT, |e| match e {
        Event::MessageUpdated { message }
            if message.local_id == local_id && message.status == status =>
        {
            Some(message.clone())
        }
        _ => None,
    })
    .await
}

/// Waits until `id`'s row shows `unread` messages.
pub async fn wait_unread(
    events: &mut broadcast::Receiver<Event>,
    id: &ConversationId,
    unread: i64,
) {
    wait_for(events, TIMEOUT, |e| match e {
        Event::ConversationUpdated {
            conversation: Some(c),
            ..
        } if &c.id == id && c.unread == unread => Some(()),
        _ => None,
    })
    .await;
}

/// Waits until the link is lost (suspended, retrying).
pub async fn wait_suspended(events: &mut broadcast::Receiver<Event>) {
    wait_for(events, TIMEOUT, |e| match e {
        Event::Connection {
            status: rongchat_client::ConnectionStatus::Suspended { .. },
        } => Some(()),
        _ => None,
    })
    .await;
}

/// Polls `check` until it holds or the deadline passes.
pub async fn eventually(timeout: Duration, mut check: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + timeout;
    while !check() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "condition not met in time"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Sends and waits until the server acked it.
pub async fn send_acked(client: &Client, to: &ConversationId, outgoing: Outgoing) -> Message {
    let (_, mut events) = client.subscribe().unwrap();
    let queued = client.send(to, outgoing).await.unwrap();
    if let Some(m) = client
        .message(queued.local_id)
        .unwrap()
        .filter(|m| m.status == SendStatus::Sent)
    {
        return m;
    }
    wait_for(&mut events, TIMEOUT, |e| match e {
        Event::MessageUpdated { message } if message.local_id == queued.local_id => {
            assert_ne!(message.status, SendStatus::Failed, "{:?}", message.failure);
            (message.status == SendStatus::Sent).then(|| message.clone())
        }
        _ => None,
    })
    .await
}

/// A TCP proxy on 127.0.0.1:0 in front of `target`. `cut()` closes every open link;
/// `blackhole()` keeps them open but silently drops their bytes (a dead network path).
pub struct Proxy {
    pub addr: String,
    links: Arc<Mutex<Vec<Link>>>,
    accept: JoinHandle<()>,
}

struct Link {
    task: JoinHandle<()>,
    dropping: Arc<AtomicBool>,
}

impl Proxy {
    pub async fn start(target: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let links: Arc<Mutex<Vec<Link>>> = Arc::default();
        let accept_links = links.clone();
        let accept = tokio::spawn(async move {
            while let Ok((inbound, _)) = listener.accept().await {
                let target = target.clone();
                let dropping = Arc::new(AtomicBool::new(false));
                let flag = dropping.clone();
                let task = tokio::spawn(async move {
                    let Ok(outbound) = TcpStream::connect(&target).await else {
                        return;
                    };
                    let _ = inbound.set_nodelay(true);
                    let _ = outbound.set_nodelay(true);
                    let (in_read, in_write) = inbound.into_split();
                    let (out_read, out_write) = outbound.into_split();
                    tokio::select! {
                        () = pump(in_read, out_write, flag.clone()) => {}
                        () = pump(out_read, in_write, flag) => {}
                    }
                });
                accept_links.lock().unwrap().push(Link { task, dropping });
            }
        });
        Self {
            addr,
            links,
            accept,
        }
    }

    /// Cuts every link open now (new ones are accepted).
    pub fn cut(&self) -> usize {
        let links: Vec<_> = self.links.lock().unwrap().drain(..).collect();
        let n = links.iter().filter(|l| !l.task.is_finished()).count();
        for link in links {
            link.task.abort();
        }
        n
    }

    /// From now on the open links swallow everything (new links work normally).
    pub fn blackhole(&self) {
        for link in self.links.lock().unwrap().iter() {
            link.dropping.store(true, Ordering::SeqCst);
        }
    }
}

async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    dropping: Arc<AtomicBool>,
) {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        match from.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                if dropping.load(Ordering::SeqCst) {
                    continue;
                }
                if to.write_all(&buf[..n]).await.is_err() {
                    return;
                }
            }
        }
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.accept.abort();
        self.cut();
    }
}

pub fn write_png(dir: &Path, name: &str, width: u32, height: u32) -> PathBuf {
    let image = image_like(width, height);
    let path = dir.join(name);
    std::fs::write(&path, image).unwrap();
    path
}

fn image_like(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    let mut png = std::io::Cursor::new(Vec::new());
    image.write_to(&mut png, image::ImageFormat::Png).unwrap();
    png.into_inner()
}

/// Queues the texts `m0` ... `m{count-1}` to `to`; returns the last one as queued.
pub async fn queue_numbered_texts(client: &Client, to: &ConversationId, count: usize) -> Message {
    let mut last = None;
    for i in 0..count {
        last = Some(
            client
                .send(to, Outgoing::Text(format!("m{i}")))
                .await
                .unwrap(),
        );
    }
    last.expect("at least one text")
}

/// Downloads `url` as `name`; returns the path and the progress reported (done, total).
pub async fn download_reporting(
    client: &Client,
    url: &str,
    name: &str,
) -> (PathBuf, Vec<(u64, Option<u64>)>) {
    let progress = Arc::new(Mutex::new(Vec::new()));
    let seen = progress.clone();
    let path = client
        .download(
            url,
            name,
            move |done, total| seen.lock().unwrap().push((done, total)),
            None,
        )
        .await
        .unwrap();
    let reported = progress.lock().unwrap().clone();
    (path, reported)
}
