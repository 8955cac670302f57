//! Qiniu-compatible form upload (`POST /upload`) and download (`GET /files/<key>`, with
//! Range). Keys are names, never paths.

use crate::clock::{now_ms, random_hex};
use crate::error::Error;
use crate::reply::json_error;
use crate::shared::Shared;
use crate::store::{FileRecord, files as file_store};
use axum::body::Body;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::stream;
use sha1::{Digest, Sha1};
use std::io::SeekFrom;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

/// Longest accepted key.
const MAX_KEY_LEN: usize = 200;
/// Download chunk size.
const CHUNK: usize = 64 * 1024;

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
    temp: std::path::PathBuf,
    size: u64,
    sha1: String,
    file_name: String,
    content_type: String,
}

pub async fn upload(State(shared): State<Arc<Shared>>, mut multipart: Multipart) -> Response {
    let mut token = None;
    let mut key = None;
    let mut received: Option<Received> = None;
    let outcome = loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break Ok(()),
            Err(e) => break Err((e.status(), e.body_text())),
        };
        match field.name().unwrap_or_default() {
            "token" => match field.text().await {
                Ok(t) => token = Some(t),
                Err(e) => break Err((e.status(), e.body_text())),
            },
            "key" => match field.text().await {
                Ok(k) => key = Some(k),
                Err(e) => break Err((e.status(), e.body_text())),
            },
            "file" => match receive_file(&shared, field).await {
                Ok(r) => {
                    if let Some(old) = received.replace(r) {
                        let _ = tokio::fs::remove_file(old.temp).await;
                    }
                }
                Err(e) => break Err(e),
            },
            _ => {}
        }
    };
    let result = finish_upload(&shared, outcome, token, key, received.as_ref()).await;
    if let Some(r) = &received {
        // Gone already when it was moved into place.
        let _ = tokio::fs::remove_file(&r.temp).await;
    }
    match result {
        Ok(reply) => reply,
        Err((status, message)) => {
            tracing::info!(status = status.as_u16(), reason = %message, "upload refused");
            json_error(status, u32::from(status.as_u16()), &message)
        }
    }
}

async fn finish_upload(
    shared: &Shared,
    outcome: Result<(), (StatusCode, String)>,
    token: Option<String>,
    key: Option<String>,
    received: Option<&Received>,
) -> Result<Response, (StatusCode, String)> {
    outcome?;
    let token = token.ok_or((StatusCode::UNAUTHORIZED, "token missing".to_owned()))?;
    let grant = shared
        .signer
        .check_upload(&token, now_ms())
        .map_err(|e| match e {
            Error::TokenExpired => (StatusCode::UNAUTHORIZED, "token expired".to_owned()),
            _ => (StatusCode::UNAUTHORIZED, "bad token".to_owned()),
        })?;
    let received = received.ok_or((StatusCode::BAD_REQUEST, "file missing".to_owned()))?;
    let key = key
        .filter(|k| !k.is_empty())
        .or_else(|| grant.key.clone())
        .unwrap_or_else(|| received.sha1.clone());
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
    tokio::fs::rename(&received.temp, shared.files_dir.join(&key))
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
    let temp = shared.files_dir.join(format!(".upload-{}", random_hex(8)));
    let mut out = tokio::fs::File::create(&temp)
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
    if let Err(e) = result.and(flushed.map_err(|e| internal(e.into()))) {
        let _ = tokio::fs::remove_file(&temp).await;
        return Err(e);
    }
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
    let content_type = if record.content_type.is_empty() {
        "application/octet-stream"
    } else {
        &record.content_type
    };
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, v);
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
