//! Plain HTTP transfers, with progress and cancel: the upload form POST the engine asks
//! for (fact sheet §10) and downloads into a cache.

use crate::error::{Error, Result};
use crate::model::SendFailure;
use futures_util::StreamExt;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::io::AsyncWriteExt;

/// An HTTP form upload for the driver to run (then report with
/// `Engine::upload_finished`).
#[derive(Clone, PartialEq, Eq)]
pub struct UploadJob {
    /// The message it belongs to.
    pub local_id: i64,
    /// The upload server (navigation's `uploadServer`).
    pub server: String,
    /// The form's `token` (secret: never logged).
    pub token: String,
    /// The storage key.
    pub key: String,
    /// The local file.
    pub path: PathBuf,
    /// The file name sent in the form.
    pub file_name: String,
}

impl std::fmt::Debug for UploadJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UploadJob")
            .field("local_id", &self.local_id)
            .field("key", &self.key)
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// Upload chunk size: progress is reported once per chunk.
const CHUNK: usize = 64 * 1024;

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

/// Runs one upload the engine asked for: the Qiniu-style form POST of the file, chunked
/// so progress is reported (done, total) and a cancel stops it at the next chunk.
pub(crate) async fn upload(
    http: &reqwest::Client,
    job: &UploadJob,
    progress: impl Fn(u64, u64) + Send + Sync + 'static,
    cancel: CancelToken,
) -> Result<()> {
    if cancel.is_cancelled() {
        return Err(Error::Cancelled);
    }
    let bytes = tokio::fs::read(&job.path).await?;
    let ext = job
        .path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("bin");
    let total = bytes.len() as u64;
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
            .file_name(job.file_name.clone())
            .mime_str(&mime_for(ext))?;
    let form = reqwest::multipart::Form::new()
        .text("token", job.token.clone())
        .text("key", job.key.clone())
        .part("file", part);
    let response = http.post(&job.server).multipart(form).send().await;
    if cancel.is_cancelled() {
        return Err(Error::Cancelled);
    }
    let status = response?.status().as_u16();
    if status != 200 && status != 204 {
        return Err(Error::Upload(format!("upload server answered {status}")));
    }
    Ok(())
}

/// How an upload error reads on the failed message.
pub(crate) fn failure_of(error: Error) -> SendFailure {
    match error {
        Error::Cancelled => SendFailure::Cancelled,
        Error::Io(e) => SendFailure::Io {
            detail: e.to_string(),
        },
        other => SendFailure::Upload {
            detail: other.to_string(),
        },
    }
}

/// Downloads `url` into `<data>/downloads/<hash>-<sanitized name>`; a cached file is
/// returned without a request.
/// At most `max_bytes` are fetched: a bigger announced length is refused before the body,
/// a body that grows past it is cut off; a failed download leaves no partial file.
pub(crate) async fn download(
    http: &reqwest::Client,
    data_dir: &std::path::Path,
    max_bytes: u64,
    url: &str,
    file_name: &str,
    progress: impl FnMut(u64, Option<u64>) + Send,
    cancel: Option<CancelToken>,
) -> Result<PathBuf> {
    let dir = data_dir.join("downloads");
    tokio::fs::create_dir_all(&dir).await?;
    let path = dir.join(format!(
        "{:016x}-{}",
        fnv1a(url),
        sanitize_file_name(file_name)
    ));
    if tokio::fs::try_exists(&path).await? {
        return Ok(path);
    }
    let partial = Partial(path.with_extension("part"));
    fetch_into(http, url, &partial.0, max_bytes, progress, cancel).await?;
    tokio::fs::rename(&partial.0, &path).await?;
    Ok(path)
}

/// A download's file until it is complete. Removed when dropped (after the rename there
/// is nothing left to remove): on an error, and also when the caller gives up on the
/// download (a timeout drops it mid-way), so no partial file is ever left behind.
struct Partial(std::path::PathBuf);

impl Drop for Partial {
    fn drop(&mut self) {
        if let Err(e) = std::fs::remove_file(&self.0)
            && e.kind() != std::io::ErrorKind::NotFound
        {
            tracing::warn!(error = %e, "partial download left behind");
        }
    }
}

async fn fetch_into(
    http: &reqwest::Client,
    url: &str,
    partial: &std::path::Path,
    max_bytes: u64,
    mut progress: impl FnMut(u64, Option<u64>) + Send,
    cancel: Option<CancelToken>,
) -> Result<()> {
    let too_large = |size: u64| Error::TooLarge {
        size: usize::try_from(size).unwrap_or(usize::MAX),
        limit: usize::try_from(max_bytes).unwrap_or(usize::MAX),
    };
    let mut response = http.get(url).send().await?.error_for_status()?;
    let total = response.content_length();
    if let Some(total) = total.filter(|&t| t > max_bytes) {
        return Err(too_large(total));
    }
    let mut file = tokio::fs::File::create(partial).await?;
    let mut done = 0u64;
    while let Some(chunk) = response.chunk().await? {
        if cancel.as_ref().is_some_and(CancelToken::is_cancelled) {
            return Err(Error::Cancelled);
        }
        done += chunk.len() as u64;
        if done > max_bytes {
            return Err(too_large(done));
        }
        file.write_all(&chunk).await?;
        progress(done, total);
    }
    file.flush().await?;
    Ok(())
}

/// A file name safe on every platform, in Unicode (我的报告.pdf stays 我的报告.pdf): path
/// separators, control and reserved characters and Windows device names go (the
/// `sanitize-filename` crate), as does a leading dot; at most 100 characters.
pub fn sanitize_file_name(name: &str) -> String {
    if name.trim().trim_matches('.').is_empty() {
        return "file".into();
    }
    let options = sanitize_filename::Options {
        windows: true,
        truncate: true,
        replacement: "_",
    };
    let cleaned = sanitize_filename::sanitize_with_options(name, options);
    let cleaned: String = cleaned.trim_start_matches('.').chars().take(100).collect();
    if cleaned.trim().is_empty() {
        "file".into()
    } else {
        cleaned
    }
}

fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The upload's content type, from its extension: `mime_guess`'s table, plus AMR (a voice
/// clip's format, which that table lacks).
fn mime_for(ext: &str) -> String {
    if ext.eq_ignore_ascii_case("amr") {
        return "audio/amr".into();
    }
    mime_guess::from_ext(ext)
        .first_or_octet_stream()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploads_are_typed_by_extension() {
        for (ext, mime) in [
            ("jpg", "image/jpeg"),
            ("PNG", "image/png"),
            ("webp", "image/webp"),
            ("amr", "audio/amr"),
            ("mp3", "audio/mpeg"),
            ("pdf", "application/pdf"),
            (
                "docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ),
            ("no-such-ext", "application/octet-stream"),
        ] {
            assert_eq!(mime_for(ext), mime, "{ext}");
        }
    }

    #[test]
    fn names_are_sanitized() {
        assert_eq!(sanitize_file_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(sanitize_file_name("我的报告.pdf"), "我的报告.pdf");
        assert_eq!(sanitize_file_name("我的 文件.txt"), "我的 文件.txt");
        assert_eq!(sanitize_file_name("a\\b:c*?.txt"), "a_b_c__.txt");
        assert_ne!(
            sanitize_file_name("CON.txt"),
            "CON.txt",
            "a Windows device name"
        );
        assert_eq!(sanitize_file_name(""), "file");
        assert_eq!(sanitize_file_name("..."), "file");
    }
}
