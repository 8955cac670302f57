//! Voice clips are sent from their crash-safe file, which is deleted only once the client
//! has queued the message (its outbox is durable from there on). Clips left behind by a
//! failed send or a crash are repaired by the voice crate and sent at the next start, to
//! the conversation their sidecar names.

use crate::audio::{Recorded, clip_conversation, sidecar};
use crate::error::Result;
use crate::session::Session;
use rongchat_client::{Client, Outgoing};
use std::path::{Path, PathBuf};

/// Sends a recorded clip; its file goes only when the send is accepted.
pub async fn send_recorded(client: &Client, clip: &Recorded) -> Result<()> {
    let outgoing = Outgoing::Voice {
        amr: clip.amr.clone(),
        duration: u64::from(clip.seconds),
    };
    client.send(&clip.conv, outgoing).await?;
    clip.discard();
    Ok(())
}

/// Clips in `dir` other than `busy` (the one recording now), repaired and ready to send.
/// A clip without a conversation or without a second of audio is left or dropped.
pub fn collect(dir: &Path, busy: Option<&Path>) -> Vec<Recorded> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut clips: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "amr") && Some(p.as_path()) != busy)
        .collect();
    clips.sort();
    clips
        .into_iter()
        .filter_map(|path| {
            let conv = clip_conversation(&path)?;
            let repaired = rongchat_voice::recover(&path)
                .ok()
                .and_then(|_| std::fs::read(&path).ok())
                .and_then(|amr| Some((rongchat_voice::info(&amr).ok()?, amr)));
            match repaired {
                Some((info, amr)) if info.duration.as_secs_f32() >= 1.0 => Some(Recorded {
                    conv,
                    amr,
                    seconds: info.duration_secs(),
                    path,
                }),
                _ => {
                    tracing::warn!(clip = %path.display(), "dropping a clip with no usable audio");
                    let _ = std::fs::remove_file(&path);
                    let _ = std::fs::remove_file(sidecar(&path));
                    None
                }
            }
        })
        .collect()
}

/// Sends the clips a crash or a failed send left in this session's folder.
pub async fn resend(session: &Session, busy: Option<PathBuf>) {
    for clip in collect(&session.recordings_dir(), busy.as_deref()) {
        match send_recorded(session.client(), &clip).await {
            Ok(()) => tracing::info!(seconds = clip.seconds, "sent a recovered voice clip"),
            Err(e) => tracing::warn!(kind = e.kind(), "a recovered clip stays for later: {e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::ConvRef;
    use rongchat_client::{ClientConfig, ConversationId};

    /// Two seconds of a tone as an AMR file.
    fn amr() -> Vec<u8> {
        let pcm: Vec<i16> = (0..16_000)
            .map(|i| ((i as f32 * 0.05).sin() * 8000.0) as i16)
            .collect();
        rongchat_voice::encode_pcm(&pcm).unwrap()
    }

    fn write_clip(dir: &Path, name: &str, conv: &ConversationId, bytes: &[u8]) -> PathBuf {
        std::fs::create_dir_all(dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let json = serde_json::to_string(&ConvRef::from(conv.clone())).unwrap();
        std::fs::write(sidecar(&path), json).unwrap();
        path
    }

    /// A client signed in on a real local server (sends need a first connect).
    async fn client(dir: &Path) -> (rongchat_server::Server, Client) {
        let server_dir = dir.join("server");
        let server = rongchat_server::Server::start(rongchat_server::Config::local(&server_dir))
            .await
            .unwrap();
        let token = server.issue_token("alice", "Alice").unwrap();
        let config = ClientConfig::new(
            server.http_url(),
            server.app_key(),
            token,
            dir.join("store"),
        );
        let client = Client::open(config).unwrap();
        client.connect();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while client.user_id().is_none() {
            assert!(
                std::time::Instant::now() < deadline,
                "the client never signed in"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        (server, client)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failed_send_keeps_the_clip_and_a_queued_one_deletes_it() {
        let dir = tempfile::tempdir().unwrap();
        let (_server, client) = client(dir.path()).await;
        let bad = ConversationId::private(""); // refused before it is queued
        let path = write_clip(dir.path(), "rec-1.amr", &bad, &amr());
        let clip = Recorded {
            conv: bad,
            amr: amr(),
            seconds: 2,
            path: path.clone(),
        };
        assert!(send_recorded(&client, &clip).await.is_err());
        assert!(
            path.exists() && sidecar(&path).exists(),
            "kept after a failure"
        );
        let clip = Recorded {
            conv: ConversationId::private("bob"),
            ..clip
        };
        send_recorded(&client, &clip).await.unwrap();
        assert!(
            !path.exists() && !sidecar(&path).exists(),
            "gone once queued"
        );
    }

    #[test]
    fn a_crashed_clip_is_repaired_and_the_busy_one_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let bob = ConversationId::private("bob");
        let mut torn = amr();
        torn.extend_from_slice(&[0x3c, 1, 2, 3]); // a partial record from the crash
        let crashed = write_clip(dir.path(), "rec-1.amr", &bob, &torn);
        let busy = write_clip(dir.path(), "rec-2.amr", &bob, &amr());
        let short = write_clip(dir.path(), "rec-3.amr", &bob, &amr()[..6 + 32 * 10]);
        let found = collect(dir.path(), Some(&busy));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].path, crashed);
        assert_eq!(found[0].conv, bob);
        assert_eq!(found[0].seconds, 2);
        assert_eq!(found[0].amr, amr(), "the partial record was cut off");
        assert!(busy.exists());
        assert!(!short.exists(), "under a second: dropped");
    }
}
