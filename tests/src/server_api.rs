//! Signed Server API calls to a [`TestServer`] over a plain TCP socket (form bodies), as an
//! app server makes them: `App-Key`, `Nonce`, `Timestamp`, `Signature`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;

use crate::TestServer;

/// The form body of `pairs`, each key and value form-encoded.
pub fn form(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// POSTs `form` (already URL-encoded, see [`form`]) to `path` (e.g. `/conversation/notification/get.json`)
/// within `within`; returns the HTTP status and the JSON reply.
pub async fn call(
    server: &TestServer,
    path: &str,
    form: &str,
    within: Duration,
) -> Result<(u16, Value), String> {
    tokio::time::timeout(within, call_inner(server, path, form))
        .await
        .map_err(|_| format!("POST {path}: no response within {within:?}"))?
}

async fn call_inner(server: &TestServer, path: &str, form: &str) -> Result<(u16, Value), String> {
    static NONCE: AtomicU64 = AtomicU64::new(1);
    let s = server.server();
    let nonce = format!("rt{}", NONCE.fetch_add(1, Ordering::Relaxed));
    let timestamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|e| e.to_string())?
        .as_millis()
        .to_string();
    let signature = rongchat_server::api::sign(s.app_secret(), &nonce, &timestamp);
    let authority = s.local_addr().to_string();
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\
         App-Key: {}\r\nNonce: {nonce}\r\nTimestamp: {timestamp}\r\nSignature: {signature}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
        s.app_key(),
        form.len()
    );
    let response = crate::http::exchange(&authority, &request).await?;
    let json = serde_json::from_slice(&response.body)
        .map_err(|e| format!("{path}: reply not JSON ({e})"))?;
    Ok((response.status, json))
}
