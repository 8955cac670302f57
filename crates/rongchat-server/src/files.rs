//! Qiniu-compatible form upload (`POST /upload`) and download (`GET /files/<key>`, with
//! Range). Keys are names, never paths.
//!
//! Uploads: the token comes in the query (`?token=`) or as the form's first field and is
//! checked before a byte of the file is read; text fields are bounded; the temporary file
//! goes away when the upload fails or is dropped mid-way, and at start-up. A keyless upload
//! gets a random key. Downloads are never pages: `nosniff`, `CSP: sandbox`, attachments
//! for anything but images and audio, and HTML, SVG, XML or scripts only as bytes.

use crate::clock::{now_ms, random_hex};
use crate::error::Error;
use crate::reply::json_error;
use crate::shared::Shared;
use crate::store::{FileRecord, files as file_store};
use axum::body::Body;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::stream;
use sha1::{Digest, Sha1};
use std::collections::HashMap;
use std::io::SeekFrom;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

/// Longest accepted key.
const MAX_KEY_LEN: usize = 200;
/// Download chunk size.
const CHUNK: usize = 64 * 1024;
/// Longest text field of the upload form (token, key, ...).
const MAX_TEXT_FIELD: usize = 4 * 1024;
/// Prefix of temporary upload files in the files folder.
const TEMP_PREFIX: &str = ".upload-";

/// Removes temporary files an earlier run left behind (called at start-up).
pub fn remove_stale_uploads(files_dir: &std::path::Path) -> std::io::Result<usize> {
    let mut removed = 0;
    for entry in std::fs::read_dir(files_dir)? {
        let entry = entry?;
        if entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
            std::fs::remove_file(entry.path())?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// A temporary upload file, removed when dropped unless it was moved into place.
struct TempFile(Option<std::path::PathBuf>);

impl TempFile {
    fn path(&self) -> &std::path::Path {
        self.0.as_deref().unwrap_or(std::path::Path::new(""))
    }

    /// Moves it to `to`; it is no longer removed on drop.
    async fn persist(&mut self, to: &std::path::Path) -> std::io::Result<()> {
        tokio::fs::rename(self.path(), to).await?;
        self.0 = None;
        Ok(())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            // Also runs when the request is dropped mid-upload (client gone, timeout).
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Whether `key` is a plain file name we are willing to store: letters, digits and
/// `. _ - = @ +`, not starting with a dot, no `..`.
pub fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= MAX_KEY_LEN
        && !key.starts_with('.')
        && !key.contains("..")
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-=@+".contains(&b))
}

struct Received {
    temp: TempFile,
    size: u64,
    sha1: String,
    file_name: String,
    content_type: String,
}

type Refusal = (StatusCode, String);

fn unauthorized(e: Error) -> Refusal {
    match e {
        Error::TokenExpired => (StatusCode::UNAUTHORIZED, "token expired".to_owned()),
        _ => (StatusCode::UNAUTHORIZED, "bad token".to_owned()),
    }
}

pub async fn upload(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<HashMap<String, String>>,
    mut multipart: Multipart,
) -> Response {
    let mut grant = None;
    if let Some(token) = query.get("token") {
        match shared.signer.check_upload(token, now_ms()) {
            Ok(g) => grant = Some(g),
            Err(e) => return refuse(unauthorized(e)),
        }
    }
    let mut key = None;
    let mut received: Option<Received> = None;
    let outcome = loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break Ok(()),
            Err(e) => break Err((e.status(), e.body_text())),
        };
        let name = field.name().unwrap_or_default().to_owned();
        // Nothing but the token is read before the token is known good.
        if grant.is_none() && name != "token" {
            break Err((StatusCode::UNAUTHORIZED, "token missing".to_owned()));
        }
        match name.as_str() {
            "token" => match bounded_text(field).await {
                Ok(t) => match shared.signer.check_upload(&t, now_ms()) {
                    Ok(g) => grant = Some(g),
                    Err(e) => break Err(unauthorized(e)),
                },
                Err(e) => break Err(e),
            },
            "key" => match bounded_text(field).await {
                Ok(k) => key = Some(k),
                Err(e) => break Err(e),
            },
            "file" => match receive_file(&shared, field).await {
                Ok(r) => received = Some(r),
                Err(e) => break Err(e),
            },
            _ => {
                if let Err(e) = bounded_text(field).await {
                    break Err(e);
                }
            }
        }
    };
    let result = match (outcome, grant) {
        (Err(e), _) => Err(e),
        (Ok(()), None) => Err((StatusCode::UNAUTHORIZED, "token missing".to_owned())),
        (Ok(()), Some(grant)) => finish_upload(&shared, grant, key, received).await,
    };
    match result {
        Ok(reply) => reply,
        Err(refusal) => refuse(refusal),
    }
}

fn refuse((status, message): Refusal) -> Response {
    tracing::info!(status = status.as_u16(), reason = %message, "upload refused");
    json_error(status, u32::from(status.as_u16()), &message)
}

/// A text field of at most `MAX_TEXT_FIELD` bytes.
async fn bounded_text(mut field: axum::extract::multipart::Field<'_>) -> Result<String, Refusal> {
    let mut text = Vec::new();
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) => {
                if text.len() + chunk.len() > MAX_TEXT_FIELD {
                    return Err((
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "form field too large".to_owned(),
                    ));
                }
                text.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(e) => return Err((e.status(), e.body_text())),
        }
    }
    String::from_utf8(text)
        .map_err(|_| (StatusCode::BAD_REQUEST, "form field not UTF-8".to_owned()))
}

async fn finish_upload(
    shared: &Shared,
    grant: crate::token::UploadGrant,
    key: Option<String>,
    received: Option<Received>,
) -> Result<Response, Refusal> {
    let mut received = received.ok_or((StatusCode::BAD_REQUEST, "file missing".to_owned()))?;
    // A keyless upload gets a random key: names are not guessable from the content.
    let key = key
        .filter(|k| !k.is_empty())
        .or_else(|| grant.key.clone())
        .unwrap_or_else(|| random_hex(16));
    if grant.key.as_ref().is_some_and(|k| *k != key) {
        return Err((StatusCode::FORBIDDEN, "token is for another key".to_owned()));
    }
    if !valid_key(&key) {
        return Err((StatusCode::BAD_REQUEST, "invalid key".to_owned()));
    }
    let record = FileRecord {
        key: key.clone(),
        owner: grant.user_id.clone(),
        size: i64::try_from(received.size).unwrap_or(i64::MAX),
        content_type: received.content_type.clone(),
        file_name: received.file_name.clone(),
        sha1: received.sha1.clone(),
    };
    let lookup = key.clone();
    let existing = shared
        .store
        .run(move |c| file_store::get(c, &lookup))
        .await
        .map_err(internal)?;
    if existing.is_some_and(|f| f.owner != grant.user_id) {
        return Err((
            StatusCode::FORBIDDEN,
            "key belongs to another user".to_owned(),
        ));
    }
    received
        .temp
        .persist(&shared.files_dir.join(&key))
        .await
        .map_err(|e| internal(e.into()))?;
    shared
        .store
        .run(move |c| file_store::insert(c, &record, now_ms()))
        .await
        .map_err(internal)?;
    tracing::info!(user = %grant.user_id, %key, size = received.size, "upload stored");
    Ok(axum::Json(serde_json::json!({
        "hash": received.sha1,
        "key": key,
        "name": received.file_name,
        "size": received.size,
    }))
    .into_response())
}

fn internal(e: Error) -> (StatusCode, String) {
    tracing::error!("upload failed: {e}");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal error".to_owned(),
    )
}

/// Streams the `file` field to a temporary file, enforcing the size limit.
async fn receive_file(
    shared: &Shared,
    mut field: axum::extract::multipart::Field<'_>,
) -> Result<Received, (StatusCode, String)> {
    let file_name = field.file_name().unwrap_or("file").to_owned();
    let content_type = field
        .content_type()
        .unwrap_or("application/octet-stream")
        .to_owned();
    let temp = TempFile(Some(
        shared
            .files_dir
            .join(format!("{TEMP_PREFIX}{}", random_hex(8))),
    ));
    let mut out = tokio::fs::File::create(temp.path())
        .await
        .map_err(|e| internal(e.into()))?;
    let mut size: u64 = 0;
    let mut hasher = Sha1::new();
    let limit = shared.config.max_upload_bytes;
    let result = loop {
        match field.chunk().await {
            Ok(Some(chunk)) => {
                size += chunk.len() as u64;
                if size > limit {
                    break Err((StatusCode::PAYLOAD_TOO_LARGE, "file too large".to_owned()));
                }
                hasher.update(&chunk);
                if let Err(e) = out.write_all(&chunk).await {
                    break Err(internal(e.into()));
                }
            }
            Ok(None) => break Ok(()),
            Err(e) => break Err((e.status(), e.body_text())),
        }
    };
    let flushed = out.flush().await;
    drop(out);
    // On an error the temporary file goes with `temp`.
    result.and(flushed.map_err(|e| internal(e.into())))?;
    Ok(Received {
        temp,
        size,
        sha1: hex::encode(hasher.finalize()),
        file_name,
        content_type,
    })
}

pub async fn download(
    State(shared): State<Arc<Shared>>,
    Path(key): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !valid_key(&key) {
        tracing::info!("download refused: invalid key");
        return json_error(StatusCode::BAD_REQUEST, 400, "invalid key");
    }
    let lookup = key.clone();
    let record = match shared.store.run(move |c| file_store::get(c, &lookup)).await {
        Ok(Some(r)) => r,
        Ok(None) => {
            tracing::info!(%key, "download refused: no such file");
            return json_error(StatusCode::NOT_FOUND, 404, "no such file");
        }
        Err(e) => {
            tracing::error!("download lookup failed: {e}");
            return json_error(StatusCode::INTERNAL_SERVER_ERROR, 500, "internal error");
        }
    };
    let total = u64::try_from(record.size).unwrap_or(0);
    let range = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .map(|v| parse_range(v, total));
    let (status, start, len) = match range {
        None => (StatusCode::OK, 0, total),
        Some(Some((start, end))) => (StatusCode::PARTIAL_CONTENT, start, end - start + 1),
        Some(None) => {
            tracing::info!(%key, total, "download refused: range not satisfiable");
            let mut r = StatusCode::RANGE_NOT_SATISFIABLE.into_response();
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{total}")) {
                r.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            return r;
        }
    };
    let mut file = match tokio::fs::File::open(shared.files_dir.join(&record.key)).await {
        Ok(f) => f,
        Err(_) => return json_error(StatusCode::NOT_FOUND, 404, "no such file"),
    };
    if start > 0 && file.seek(SeekFrom::Start(start)).await.is_err() {
        return json_error(StatusCode::INTERNAL_SERVER_ERROR, 500, "internal error");
    }
    let body = Body::from_stream(stream::unfold((file, len), |(mut file, left)| async move {
        if left == 0 {
            return None;
        }
        let want = usize::try_from(left).unwrap_or(CHUNK).min(CHUNK);
        let mut buf = vec![0u8; want];
        match file.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok::<_, std::io::Error>(buf), (file, left - n as u64)))
            }
            Err(e) => Some((Err(e), (file, 0))),
        }
    }));
    tracing::info!(%key, status = status.as_u16(), start, len, "download");
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let h = response.headers_mut();
    let (content_type, inline) = served_type(&record.content_type);
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    if !inline
        && let Ok(v) = HeaderValue::from_str(&format!(
            "attachment; filename=\"{}\"",
            safe_file_name(&record.file_name)
        ))
    {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if status == StatusCode::PARTIAL_CONTENT
        && let Ok(v) = HeaderValue::from_str(&format!("bytes {start}-{}/{total}", start + len - 1))
    {
        h.insert(header::CONTENT_RANGE, v);
    }
    response
}

/// The type a file is served as, and whether it may be shown inline: images and audio
/// keep their type and show inline; anything a browser could run as a page (HTML, SVG,
/// XML, scripts) becomes bytes; everything else keeps its type as an attachment.
fn served_type(stored: &str) -> (&str, bool) {
    let t = stored.trim().to_ascii_lowercase();
    let essence = t.split(';').next().unwrap_or_default().trim();
    let active = essence.is_empty()
        || essence.contains("html")
        || essence.contains("xml")
        || essence.contains("svg")
        || essence.contains("script")
        || !essence.contains('/');
    if active {
        return ("application/octet-stream", false);
    }
    let inline = essence.starts_with("image/") || essence.starts_with("audio/");
    (stored, inline)
}

/// A file name safe inside a quoted header parameter: ASCII letters, digits and `._-`.
fn safe_file_name(name: &str) -> String {
    let safe: String = name
        .chars()
        .take(100)
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if safe.is_empty() { "file".into() } else { safe }
}

/// A single `bytes=` range as inclusive `(start, end)` within `total`; `None` when it
/// cannot be satisfied. Multiple ranges are not supported (treated as unsatisfiable).
fn parse_range(value: &str, total: u64) -> Option<(u64, u64)> {
    let spec = value.trim().strip_prefix("bytes=")?;
    if spec.contains(',') || total == 0 {
        return None;
    }
    let (a, b) = spec.split_once('-')?;
    let (a, b) = (a.trim(), b.trim());
    if a.is_empty() {
        let suffix: u64 = b.parse().ok()?;
        if suffix == 0 {
            return None;
        }
        return Some((total.saturating_sub(suffix), total - 1));
    }
    let start: u64 = a.parse().ok()?;
    let end = if b.is_empty() {
        total - 1
    } else {
        b.parse::<u64>().ok()?.min(total - 1)
    };
    (start <= end && start < total).then_some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_names_not_paths() {
        assert!(valid_key(
            "4__RC-2026-11-25_819_1795628856437ai2a4wzm-l17c-486g-9ue6-r6akn4uhk1da.txt"
        ));
        for bad in [
            "", "../x", "a/b", "..", ".hidden", "a\\b", "a b", "x..y", "%2e%2e",
        ] {
            assert!(!valid_key(bad), "{bad:?}");
        }
    }

    #[test]
    fn only_images_and_audio_inline_and_never_pages() {
        assert_eq!(served_type("image/png"), ("image/png", true));
        assert_eq!(served_type("audio/amr"), ("audio/amr", true));
        assert_eq!(served_type("text/plain"), ("text/plain", false));
        for active in [
            "text/html",
            "image/svg+xml",
            "application/xhtml+xml",
            "text/javascript",
            "",
            "nonsense",
        ] {
            assert_eq!(
                served_type(active),
                ("application/octet-stream", false),
                "{active}"
            );
        }
        assert_eq!(safe_file_name("a\"b\r\n.txt"), "a_b__.txt");
    }

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-3", 10), Some((0, 3)));
        assert_eq!(parse_range("bytes=5-", 10), Some((5, 9)));
        assert_eq!(parse_range("bytes=-4", 10), Some((6, 9)));
        assert_eq!(parse_range("bytes=8-100", 10), Some((8, 9)));
        assert_eq!(parse_range("bytes=10-", 10), None);
        assert_eq!(parse_range("bytes=4-2", 10), None);
        assert_eq!(parse_range("bytes=0-1,3-4", 10), None);
        assert_eq!(parse_range("items=0-1", 10), None);
    }
}
