//! Uploads (`qnTkn`, the Qiniu form POST, `qnUrl`; fact sheet §10) and downloads into a
//! cache, both with progress and cancel.

use crate::client::{Inner, now_ms, random_u64};
use crate::compose;
use crate::driver::Command;
use crate::error::{Error, Result};
use crate::events::Event;
use crate::session::RequestError;
use crate::store::OutboxStage;
use futures_util::StreamExt;
use prost::Message as _;
use rongchat_proto::{pb, topic};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::io::AsyncWriteExt;

/// Upload chunk size: progress is reported once per chunk.
const CHUNK: usize = 64 * 1024;
/// How many times a token/URL query is tried across reconnects.
const QUERY_TRIES: usize = 5;

/// Cancels a transfer when triggered; cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    /// A token not yet triggered.
    pub fn new() -> Self {
        Self::default()
    }

    /// Stops the transfer at its next chunk.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether `cancel` was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Uploads the file of a queued message in the background, then queues it for publishing.
/// A failure marks the message failed with the reason; [`crate::Client::retry`] restarts it.
pub(crate) fn spawn_upload(inner: Arc<Inner>, local_id: i64) {
    tokio::spawn(async move {
        // A cancel that came before the task started is honoured too.
        let token = match inner.cancels.lock() {
            Ok(mut cancels) => cancels.entry(local_id).or_default().clone(),
            Err(_) => CancelToken::new(),
        };
        let result = upload_entry(&inner, local_id, &token).await;
        if let Ok(mut cancels) = inner.cancels.lock() {
            cancels.remove(&local_id);
        }
        let updated = match result {
            Ok(()) => {
                let _ = inner.commands.send(Command::KickOutbox);
                inner.with_store(|s| s.message(local_id))
            }
            Err(error) => inner.with_store(|s| s.mark_failed(local_id, &error.to_string())),
        };
        if let Ok(Some(message)) = updated {
            inner.emit(Event::MessageUpdated { message });
        }
    });
}

async fn upload_entry(inner: &Arc<Inner>, local_id: i64, cancel: &CancelToken) -> Result<()> {
    let Some(entry) = inner.with_store(|s| s.outbox_entry(local_id))? else {
        return Ok(());
    };
    let (OutboxStage::Upload, Some((path, kind))) = (entry.stage, entry.upload) else {
        return Ok(());
    };
    let progress_inner = inner.clone();
    let progress = move |done, total| {
        progress_inner.emit(Event::Progress {
            local_id,
            done,
            total,
        })
    };
    let url = upload_file(inner, Path::new(&path), kind, progress, cancel.clone()).await?;
    let content = compose::with_url(&entry.message.content, kind, &url)?;
    inner.with_store(|s| s.upload_done(local_id, &content))?;
    Ok(())
}

/// Uploads one file and returns its download URL.
pub(crate) async fn upload_file(
    inner: &Arc<Inner>,
    path: &Path,
    kind: i32,
    progress: impl Fn(u64, u64) + Send + Sync + 'static,
    cancel: CancelToken,
) -> Result<String> {
    if cancel.is_cancelled() {
        return Err(Error::Cancelled);
    }
    let bytes = tokio::fs::read(path).await?;
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("file")
        .to_owned();
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("bin")
        .to_owned();
    let key = file_key(kind, &ext, now_ms(), random_u64());
    let total = bytes.len() as u64;
    let token_request = pb::GetQNupTokenInput {
        r#type: kind,
        key: Some(key.clone()),
        http_method: Some(String::new()),
        query_string: Some(String::new()),
        url: Some(String::new()),
        ext: Some(r#"{"uploadDomain":""}"#.into()),
        size: Some(total.div_ceil(1024) as i64),
        ip_type: Some(0),
    };
    let reply =
        query_when_connected(inner, topic::UPLOAD_TOKEN, token_request.encode_to_vec()).await?;
    let token = pb::decode_checked::<pb::GetQNupTokenOutput>(&reply)?.token;
    let server = inner
        .upload_server()
        .ok_or_else(|| Error::Upload("navigation named no upload server".into()))?;

    let chunks: Vec<Vec<u8>> = bytes.chunks(CHUNK).map(<[u8]>::to_vec).collect();
    let mut done = 0u64;
    let stream_cancel = cancel.clone();
    let stream = futures_util::stream::iter(chunks).map(move |chunk| {
        if stream_cancel.is_cancelled() {
            return Err(std::io::Error::other("cancelled"));
        }
        done += chunk.len() as u64;
        progress(done, total);
        Ok::<_, std::io::Error>(chunk)
    });
    let part =
        reqwest::multipart::Part::stream_with_length(reqwest::Body::wrap_stream(stream), total)
            .file_name(name.clone())
            .mime_str(mime_for(&ext))?;
    let form = reqwest::multipart::Form::new()
        .text("token", token)
        .text("key", key.clone())
        .part("file", part);
    let response = inner.http.post(&server).multipart(form).send().await;
    if cancel.is_cancelled() {
        return Err(Error::Cancelled);
    }
    let status = response?.status().as_u16();
    if status != 200 && status != 204 {
        return Err(Error::Upload(format!("upload server answered {status}")));
    }
    let url_request = pb::GetDownloadUrlInput {
        r#type: kind,
        key,
        file_name: Some(name),
        ext: Some(String::new()),
        size: Some(-1),
        ip_type: Some(0),
    };
    let reply =
        query_when_connected(inner, topic::DOWNLOAD_URL, url_request.encode_to_vec()).await?;
    Ok(pb::decode_checked::<pb::GetDownloadUrlOutput>(&reply)?.download_url)
}

/// A QUERY that waits for the connection and survives a few link losses.
async fn query_when_connected(inner: &Arc<Inner>, name: &str, payload: Vec<u8>) -> Result<Vec<u8>> {
    let mut last = Error::Request(RequestError::NotConnected);
    for _ in 0..QUERY_TRIES {
        if let Err(e) = inner.wait_connected(Duration::from_secs(60)).await {
            last = e;
            if matches!(last, Error::Connection(_) | Error::Closed) {
                break;
            }
            continue;
        }
        match inner.query(name, payload.clone(), None).await {
            Err(Error::Request(
                e @ (RequestError::NotConnected
                | RequestError::ConnectionLost
                | RequestError::Timeout),
            )) => last = Error::Request(e),
            other => return other,
        }
    }
    Err(last)
}

/// Downloads `url` into `<data>/downloads/<hash>-<sanitized name>`; a cached file is
/// returned without a request.
pub(crate) async fn download(
    inner: &Inner,
    url: &str,
    file_name: &str,
    mut progress: impl FnMut(u64, Option<u64>) + Send,
    cancel: Option<CancelToken>,
) -> Result<PathBuf> {
    let dir = inner.data_dir.join("downloads");
    tokio::fs::create_dir_all(&dir).await?;
    let path = dir.join(format!(
        "{:016x}-{}",
        fnv1a(url),
        sanitize_file_name(file_name)
    ));
    if tokio::fs::try_exists(&path).await? {
        return Ok(path);
    }
    let mut response = inner.http.get(url).send().await?.error_for_status()?;
    let total = response.content_length();
    let partial = path.with_extension("part");
    let mut file = tokio::fs::File::create(&partial).await?;
    let mut done = 0u64;
    while let Some(chunk) = response.chunk().await? {
        if cancel.as_ref().is_some_and(CancelToken::is_cancelled) {
            drop(file);
            let _ = tokio::fs::remove_file(&partial).await;
            return Err(Error::Cancelled);
        }
        file.write_all(&chunk).await?;
        done += chunk.len() as u64;
        progress(done, total);
    }
    file.flush().await?;
    drop(file);
    tokio::fs::rename(&partial, &path).await?;
    Ok(path)
}

/// A file name safe on every platform: letters, digits, `.`, `-`, `_`; no leading dot.
pub fn sanitize_file_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    let cleaned = cleaned.trim_start_matches('.').to_owned();
    if cleaned.is_empty() {
        "file".into()
    } else {
        cleaned
    }
}

/// The SDK's key shape: `<type>__RC-<yyyy-mm-dd>_<0..999>_<ms><random>.<ext>`.
pub fn file_key(kind: i32, ext: &str, now_ms: i64, random: u64) -> String {
    let (y, m, d) = civil_date(now_ms.div_euclid(86_400_000));
    format!(
        "{kind}__RC-{y:04}-{m:02}-{d:02}_{}_{now_ms}{:012x}.{}",
        random % 1000,
        random >> 16,
        sanitize_file_name(ext)
    )
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian.
fn civil_date(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn mime_for(ext: &str) -> &'static str {
    match ext.to_ascii_lowercase().as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "amr" => "audio/amr",
        "aac" => "audio/aac",
        "mp3" => "audio/mpeg",
        "txt" => "text/plain",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_sanitized() {
        assert_eq!(sanitize_file_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(sanitize_file_name("我的 文件.txt"), "_____.txt");
        assert_eq!(sanitize_file_name(""), "file");
        assert_eq!(sanitize_file_name("..."), "file");
    }

    #[test]
    fn keys_look_like_the_sdks() {
        // 2026-11-25 00:00:00 UTC
        let key = file_key(4, "txt", 1_795_564_800_000, 1_234_567);
        assert!(
            key.starts_with("4__RC-2026-11-25_567_1795564800000"),
            "{key}"
        );
        assert!(key.ends_with(".txt"));
        assert_eq!(civil_date(0), (1970, 1, 1));
        assert_eq!(civil_date(-1), (1969, 12, 31));
    }
}
