//! A session's media: files to open, images and posters to show, voice clips to play,
//! and file sends with upload progress. Which file a message has is the client's answer
//! (`rongchat_client::media`); this does the I/O.

use crate::error::Result;
use crate::models::PickKind;
use crate::progress::Progress;
use rongchat_client::media::{self, Clip, Remote};
use rongchat_client::{Client, ConversationId, Message, Outgoing, SendStatus};
use std::path::{Path, PathBuf};

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

    /// A music message's poster on disk.
    pub async fn poster(&self, m: &Message) -> Result<PathBuf> {
        self.fetch(media::poster(m)?).await
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
}
