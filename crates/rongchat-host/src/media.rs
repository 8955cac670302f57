//! A session's media: files to open, images and posters to show, voice clips to play,
//! and file sends with upload progress. Which file a message has is the client's answer
//! (`rongchat_client::media`); this does the I/O.

use crate::error::{Error, Result};
use crate::models::PickKind;
use crate::progress::Progress;
use rongchat_client::media::{self, Clip, Remote};
use rongchat_client::{Client, ConversationId, Message, Outgoing, SendStatus};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The largest poster fetched.
pub const MAX_POSTER_BYTES: u64 = 5 * 1024 * 1024;
/// The longest a poster may take to arrive.
pub const POSTER_TIME: Duration = Duration::from_secs(15);
/// The largest full-size image fetched (what the page shows, see `dataurl`).
pub const MAX_IMAGE_BYTES: u64 = crate::dataurl::MAX_IMAGE_BYTES;
/// The longest a full-size image may take to arrive.
pub const IMAGE_TIME: Duration = Duration::from_secs(60);

/// Media of one session.
#[derive(Debug, Clone)]
pub struct Media {
    client: Client,
    progress: Progress,
}

impl Media {
    /// Media through `client`, reporting progress to `progress`.
    pub fn new(client: Client, progress: Progress) -> Self {
        Self { client, progress }
    }

    /// The message's file on disk: the copy we sent from, else downloaded (once).
    pub async fn file(&self, m: &Message) -> Result<PathBuf> {
        if let Some(local) = media::local_copy(m).filter(|p| p.is_file()) {
            return Ok(local);
        }
        self.fetch(media::attachment(m)?).await
    }

    /// A music message's poster on disk. The peer chose its URL, and it loads by itself,
    /// so it is capped in size and time: a poster is decoration, not worth a disk or a wait.
    pub async fn poster(&self, m: &Message) -> Result<PathBuf> {
        self.capped(media::poster(m)?, MAX_POSTER_BYTES, POSTER_TIME)
            .await
    }

    /// An image message's full-size picture on disk (ours, or fetched within the caps of
    /// an image the page can show).
    pub async fn image(&self, m: &Message) -> Result<PathBuf> {
        if let Some(local) = media::local_copy(m).filter(|p| p.is_file()) {
            return Ok(local);
        }
        self.capped(media::attachment(m)?, MAX_IMAGE_BYTES, IMAGE_TIME)
            .await
    }

    /// Fetches `remote`: at most `max_bytes`, given up after `time`.
    async fn capped(&self, remote: Remote, max_bytes: u64, time: Duration) -> Result<PathBuf> {
        let fetch = self
            .client
            .download_at_most(&remote.url, &remote.name, max_bytes);
        match tokio::time::timeout(time, fetch).await {
            Ok(fetched) => Ok(fetched?),
            Err(_) => Err(Error::Invalid(format!(
                "{} did not arrive within {} ms",
                remote.name,
                time.as_millis()
            ))),
        }
    }

    /// A voice message's AMR bytes.
    pub async fn voice_clip(&self, m: &Message) -> Result<Vec<u8>> {
        match media::voice_clip(m)? {
            Clip::Inline(bytes) => Ok(bytes),
            Clip::Remote(remote) => Ok(tokio::fs::read(self.fetch(remote).await?).await?),
        }
    }

    async fn fetch(&self, remote: Remote) -> Result<PathBuf> {
        Ok(self
            .client
            .download(&remote.url, &remote.name, |_, _| {}, None)
            .await?)
    }

    /// Sends an image or a file from disk; its upload progress goes to `report`.
    pub async fn send_file(
        &self,
        to: &ConversationId,
        kind: PickKind,
        path: &Path,
        report: impl Fn(&str, u64, u64) + Send + Sync + 'static,
    ) -> Result<Message> {
        let outgoing = match kind {
            PickKind::Image => Outgoing::Image(path.to_path_buf()),
            PickKind::File => Outgoing::File(path.to_path_buf()),
        };
        let m = self.client.send(to, outgoing).await?;
        if m.status == SendStatus::Sending {
            self.progress.watch(m.local_id, report);
        }
        Ok(m)
    }

    /// Sends failed message `local_id` again (`None`: no such failed message); a file's
    /// new upload reports to `report`.
    pub fn resend(
        &self,
        local_id: i64,
        report: impl Fn(&str, u64, u64) + Send + Sync + 'static,
    ) -> Result<Option<Message>> {
        // Watched first: the upload may report before the retry returns.
        self.progress.watch(local_id, report);
        let m = self.client.retry(local_id)?;
        if m.as_ref().is_none_or(|m| m.status != SendStatus::Sending) {
            self.progress.finish(local_id);
        }
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rongchat_client::{ClientConfig, Direction, SendStatus};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A peer's music card whose poster is at `poster`.
    fn music(poster: &str) -> Message {
        Message {
            local_id: 1,
            uid: Some("UID".into()),
            conversation: ConversationId::private("peer"),
            sender_id: "peer".into(),
            direction: Direction::Receive,
            object_name: "seal:music".into(),
            content: format!(
                r#"{{"url":"http://h/m","name":"n","author":"a","poster":"{poster}"}}"#
            ),
            sent_time: 1,
            status: SendStatus::Received,
            failure: None,
            local_path: None,
        }
    }

    /// An HTTP server that answers every request with `head` and then holds the socket.
    async fn answering(head: &'static str) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/poster.png", listener.local_addr().unwrap());
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let mut request = [0u8; 1024];
                    let _ = socket.read(&mut request).await;
                    let _ = socket.write_all(head.as_bytes()).await;
                    // Never a body: the poster stalls.
                    let _ = socket.read(&mut request).await;
                });
            }
        });
        url
    }

    fn media(dir: &Path) -> Media {
        let config = ClientConfig::new("http://127.0.0.1:1", "key", "token", dir);
        Media::new(Client::open(config).unwrap(), Progress::default())
    }

    #[tokio::test]
    async fn a_peer_chosen_poster_is_capped_in_size_and_time() {
        let dir = tempfile::tempdir().unwrap();
        let media = media(dir.path());
        // Announces more than the cap: refused before any body.
        let huge = answering(
            "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 5242881\r\n\r\n",
        )
        .await;
        let refused = media.poster(&music(&huge)).await.unwrap_err();
        assert_eq!(refused.kind(), "tooLarge", "{refused}");
        // Sends headers and then nothing: given up when its time is over (a short one
        // here; the app's is POSTER_TIME).
        let stalled =
            answering("HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 100\r\n\r\n")
                .await;
        let time = Duration::from_millis(300);
        let started = std::time::Instant::now();
        let poster = rongchat_client::media::poster(&music(&stalled)).unwrap();
        let timed_out = media
            .capped(poster, MAX_POSTER_BYTES, time)
            .await
            .unwrap_err();
        assert_eq!(timed_out.kind(), "invalid", "{timed_out}");
        assert!(started.elapsed() >= time, "{:?}", started.elapsed());
        // Nothing is left behind in the cache.
        let left = std::fs::read_dir(dir.path().join("downloads"))
            .map(|d| d.count())
            .unwrap_or(0);
        assert_eq!(left, 0, "no partial poster");
    }
}
