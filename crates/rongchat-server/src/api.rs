//! RongCloud's Server API (notes §7), form-encoded and signed:
//! `Signature = hex(SHA1(AppSecret + Nonce + Timestamp))` in headers `App-Key`, `Nonce`,
//! `Timestamp`, `Signature` (or their `rc-` spellings). Timestamps in seconds or ms, at most
//! 5 minutes off; a nonce is accepted once.

use crate::clock::now_ms;
use crate::error::{Error, Result};
use crate::routing::{self, Channel, MAX_CONTENT_BYTES, Outbound, Refused};
use crate::store::{accounts, groups};
use crate::{Shared, form};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use rongchat_proto::pb;
use sha1::{Digest, Sha1};
use std::sync::Arc;

/// How far a request's timestamp may be from the server's clock.
pub const MAX_CLOCK_SKEW_MS: i64 = 5 * 60 * 1000;
/// Timestamps above this are in ms, below it in seconds (1e11 s is the year 5138).
const MS_THRESHOLD: i64 = 100_000_000_000;

/// Why a Server API call was refused: RongCloud's code and the HTTP status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    /// 1002 / 401: the App-Key header is missing or names another app.
    #[error("invalid App-Key")]
    AppKey,
    /// 1004 / 401: a signing header is missing or the signature does not match.
    #[error("signature error")]
    Signature,
    /// 1004 / 401: the timestamp is more than 5 minutes off (or not a number).
    #[error("timestamp expired")]
    Timestamp,
    /// 1004 / 401: the nonce was used before.
    #[error("nonce reused")]
    Nonce,
    /// 1002 / 400: a parameter is missing or invalid.
    #[error("invalid parameter: {0}")]
    Param(&'static str),
    /// 1005 / 400: a parameter is too long (message content over 128 KB).
    #[error("parameter too long: {0}")]
    TooLong(&'static str),
    /// 22406 / 400: the sender is not in the group.
    #[error("not in group")]
    NotInGroup,
    /// 1000 / 500.
    #[error("internal error")]
    Internal,
}

impl ApiError {
    /// RongCloud's error code.
    pub fn code(&self) -> u32 {
        match self {
            ApiError::AppKey | ApiError::Param(_) => 1002,
            ApiError::Signature | ApiError::Timestamp | ApiError::Nonce => 1004,
            ApiError::TooLong(_) => 1005,
            ApiError::NotInGroup => 22406,
            ApiError::Internal => 1000,
        }
    }

    /// The HTTP status.
    pub fn http_status(&self) -> StatusCode {
        match self {
            ApiError::AppKey | ApiError::Signature | ApiError::Timestamp | ApiError::Nonce => {
                StatusCode::UNAUTHORIZED
            }
            ApiError::Param(_) | ApiError::TooLong(_) | ApiError::NotInGroup => {
                StatusCode::BAD_REQUEST
            }
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        tracing::error!("server api: {e}");
        ApiError::Internal
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.http_status(),
            axum::Json(
                serde_json::json!({ "code": self.code(), "errorMessage": self.to_string() }),
            ),
        )
            .into_response()
    }
}

/// The signing headers of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    /// App-Key.
    pub app_key: String,
    /// Nonce.
    pub nonce: String,
    /// Timestamp, as sent.
    pub timestamp: String,
    /// Signature, hex.
    pub signature: String,
}

fn header<'a>(headers: &'a HeaderMap, names: [&str; 2]) -> Option<&'a str> {
    names
        .iter()
        .find_map(|n| headers.get(*n))
        .and_then(|v| v.to_str().ok())
}

impl Signed {
    /// Reads the headers in either spelling (`App-Key` or `rc-app-key`, ...).
    pub fn from_headers(headers: &HeaderMap) -> Result<Self, ApiError> {
        let app_key = header(headers, ["app-key", "rc-app-key"]).ok_or(ApiError::AppKey)?;
        let get = |names| header(headers, names).ok_or(ApiError::Signature);
        Ok(Self {
            app_key: app_key.to_owned(),
            nonce: get(["nonce", "rc-nonce"])?.to_owned(),
            timestamp: get(["timestamp", "rc-timestamp"])?.to_owned(),
            signature: get(["signature", "rc-signature"])?.to_owned(),
        })
    }

    /// Checks app key, signature and timestamp against `now_ms` (the nonce is checked
    /// separately, against the store).
    pub fn verify(&self, app_key: &str, secret: &str, now_ms: i64) -> Result<(), ApiError> {
        if self.app_key != app_key {
            return Err(ApiError::AppKey);
        }
        let expected = sign(secret, &self.nonce, &self.timestamp);
        if !constant_time_eq(
            expected.as_bytes(),
            self.signature.to_ascii_lowercase().as_bytes(),
        ) {
            return Err(ApiError::Signature);
        }
        let ts: i64 = self
            .timestamp
            .trim()
            .parse()
            .map_err(|_| ApiError::Timestamp)?;
        let ts_ms = if ts >= MS_THRESHOLD {
            ts
        } else {
            ts.saturating_mul(1000)
        };
        if (now_ms - ts_ms).abs() > MAX_CLOCK_SKEW_MS {
            return Err(ApiError::Timestamp);
        }
        Ok(())
    }
}

/// `hex(SHA1(secret + nonce + timestamp))`, lowercase.
pub fn sign(secret: &str, nonce: &str, timestamp: &str) -> String {
    let mut hasher = Sha1::new();
    hasher.update(secret.as_bytes());
    hasher.update(nonce.as_bytes());
    hasher.update(timestamp.as_bytes());
    hex::encode(hasher.finalize())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether `id` is a valid user or group id: 1..=64 bytes of letters, digits and
/// `+ | = - _` (RongCloud's rule) plus `.` and `@`.
pub fn check_id(id: &str) -> Result<()> {
    let ok = !id.is_empty()
        && id.len() <= routing::MAX_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+|=-_.@".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidInput(format!("invalid id {id:?}")))
    }
}

/// Verifies a request and returns its form fields.
async fn authenticate(
    shared: &Shared,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Vec<(String, String)>, ApiError> {
    let signed = Signed::from_headers(headers)?;
    let now = now_ms();
    signed.verify(&shared.config.app_key, &shared.config.app_secret, now)?;
    let nonce = signed.nonce.clone();
    let fresh = shared
        .store
        .run(move |c| accounts::claim_nonce(c, &nonce, now))
        .await?;
    if !fresh {
        return Err(ApiError::Nonce);
    }
    Ok(form::parse(body))
}

fn required<'a>(pairs: &'a [(String, String)], key: &'static str) -> Result<&'a str, ApiError> {
    form::first(pairs, key)
        .filter(|v| !v.is_empty())
        .ok_or(ApiError::Param(key))
}

fn flag(pairs: &[(String, String)], key: &str, default: bool) -> bool {
    match form::first(pairs, key) {
        Some(v) => v == "1" || v.eq_ignore_ascii_case("true"),
        None => default,
    }
}

fn ok(extra: serde_json::Value) -> Response {
    let mut body = serde_json::json!({ "code": 200 });
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    axum::Json(body).into_response()
}

fn reply(result: Result<Response, ApiError>) -> Response {
    result.unwrap_or_else(IntoResponse::into_response)
}

/// `POST /user/getToken.json`: `userId`, `name`, `portraitUri`.
pub(crate) async fn get_token(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    reply(
        async {
            let pairs = authenticate(&shared, &headers, &body).await?;
            let user_id = required(&pairs, "userId")?.to_owned();
            check_id(&user_id).map_err(|_| ApiError::Param("userId"))?;
            let name = form::first(&pairs, "name").unwrap_or_default().to_owned();
            if name.len() > 128 {
                return Err(ApiError::TooLong("name"));
            }
            let ttl = i64::try_from(shared.config.token_ttl.as_millis()).unwrap_or(i64::MAX);
            let expires = now_ms().saturating_add(ttl);
            let inner = shared.clone();
            let id = user_id.clone();
            let token = tokio::task::spawn_blocking(move || {
                crate::issue_token(&inner, &id, &name, expires)
            })
            .await
            .map_err(|_| ApiError::Internal)??;
            Ok(ok(serde_json::json!({ "userId": user_id, "token": token })))
        }
        .await,
    )
}

async fn user_flag(
    shared: &Arc<Shared>,
    headers: &HeaderMap,
    body: &[u8],
    blocked: bool,
) -> Result<Response, ApiError> {
    let pairs = authenticate(shared, headers, body).await?;
    let user_id = required(&pairs, "userId")?.to_owned();
    let lookup = user_id.clone();
    let found = shared
        .store
        .run(move |c| accounts::set_blocked(c, &lookup, blocked))
        .await?;
    if !found {
        return Err(ApiError::Param("userId"));
    }
    if blocked {
        shared.hub.close_user(&user_id);
    }
    Ok(ok(serde_json::json!({})))
}

/// `POST /user/block.json`: `userId` (the `minute` duration is not modelled: blocked until
/// unblocked). Closes the user's connections; new ones get CONNACK 9.
pub(crate) async fn user_block(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    reply(user_flag(&shared, &headers, &body, true).await)
}

/// `POST /user/unblock.json`: `userId`.
pub(crate) async fn user_unblock(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    reply(user_flag(&shared, &headers, &body, false).await)
}

/// `POST /user/checkOnline.json`: `userId` -> `{"code":200,"status":"1"|"0"}`.
pub(crate) async fn user_check_online(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    reply(
        async {
            let pairs = authenticate(&shared, &headers, &body).await?;
            let user_id = required(&pairs, "userId")?;
            let online = shared.hub.is_online(user_id);
            Ok(ok(
                serde_json::json!({ "status": if online { "1" } else { "0" } }),
            ))
        }
        .await,
    )
}

/// Builds the UpStreamMessage a Server API publish stands for.
fn api_message(pairs: &[(String, String)]) -> Result<pb::UpStreamMessage, ApiError> {
    let classname = required(pairs, "objectName")?.to_owned();
    let content = required(pairs, "content")?.to_owned();
    if content.len() > MAX_CONTENT_BYTES {
        return Err(ApiError::TooLong("content"));
    }
    let persisted = flag(pairs, "isPersisted", true);
    let counted = flag(pairs, "isCounted", true);
    Ok(pb::UpStreamMessage {
        session_id: i32::from(persisted) | (i32::from(persisted && counted) << 1),
        classname,
        content,
        push_text: form::first(pairs, "pushContent").map(str::to_owned),
        extra_content: form::first(pairs, "extraContent").map(str::to_owned),
        ..Default::default()
    })
}

async fn publish(
    shared: &Arc<Shared>,
    headers: &HeaderMap,
    body: &[u8],
    channel: Channel,
    targets_key: &'static str,
) -> Result<Response, ApiError> {
    let pairs = authenticate(shared, headers, body).await?;
    let from = required(&pairs, "fromUserId")?.to_owned();
    check_id(&from).map_err(|_| ApiError::Param("fromUserId"))?;
    let targets = form::all(&pairs, targets_key);
    if targets.is_empty() {
        return Err(ApiError::Param(targets_key));
    }
    let message = api_message(&pairs)?;
    let include_sender = flag(&pairs, "isIncludeSender", false);
    for target in targets {
        check_id(target).map_err(|_| ApiError::Param(targets_key))?;
        let out = Outbound {
            from: from.clone(),
            channel,
            target: target.to_owned(),
            message: message.clone(),
            origin: None,
            notify_sender: include_sender,
        };
        routing::send(shared, out).await.map_err(|e| match e {
            Refused::Invalid(what) => ApiError::Param(what),
            Refused::NotInGroup => ApiError::NotInGroup,
            Refused::Internal(e) => e.into(),
        })?;
    }
    Ok(ok(serde_json::json!({})))
}

/// `POST /message/private/publish.json`.
pub(crate) async fn publish_private(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    reply(publish(&shared, &headers, &body, Channel::Private, "toUserId").await)
}

/// `POST /message/group/publish.json`.
pub(crate) async fn publish_group(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    reply(publish(&shared, &headers, &body, Channel::Group, "toGroupId").await)
}

async fn group_members_change(
    shared: &Arc<Shared>,
    headers: &HeaderMap,
    body: &[u8],
    join: bool,
) -> Result<Response, ApiError> {
    let pairs = authenticate(shared, headers, body).await?;
    let group_id = required(&pairs, "groupId")?.to_owned();
    check_id(&group_id).map_err(|_| ApiError::Param("groupId"))?;
    let members: Vec<String> = form::all(&pairs, "userId")
        .into_iter()
        .map(str::to_owned)
        .collect();
    if members.is_empty() {
        return Err(ApiError::Param("userId"));
    }
    for m in &members {
        check_id(m).map_err(|_| ApiError::Param("userId"))?;
    }
    let name = form::first(&pairs, "groupName")
        .unwrap_or_default()
        .to_owned();
    shared
        .store
        .run(move |c| {
            let refs: Vec<&str> = members.iter().map(String::as_str).collect();
            if join {
                groups::join(c, &group_id, &name, &refs, now_ms())
            } else {
                groups::quit(c, &group_id, &refs)
            }
        })
        .await?;
    Ok(ok(serde_json::json!({})))
}

/// `POST /group/create.json` and `/group/join.json`: `userId` (repeated), `groupId`,
/// `groupName`. Creating is joining a group that does not exist yet.
pub(crate) async fn group_join(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    reply(group_members_change(&shared, &headers, &body, true).await)
}

/// `POST /group/quit.json`.
pub(crate) async fn group_quit(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    reply(group_members_change(&shared, &headers, &body, false).await)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed(ts: &str, secret: &str) -> Signed {
        Signed {
            app_key: "k".into(),
            nonce: "n1".into(),
            timestamp: ts.into(),
            signature: sign(secret, "n1", ts),
        }
    }

    const NOW: i64 = 1_795_628_855_000;

    #[test]
    fn seconds_and_milliseconds_are_both_accepted() {
        assert_eq!(signed("1795628855", "s").verify("k", "s", NOW), Ok(()));
        assert_eq!(signed("1795628855000", "s").verify("k", "s", NOW), Ok(()));
    }

    #[test]
    fn stale_timestamps_are_refused() {
        assert_eq!(
            signed("1795628554", "s").verify("k", "s", NOW),
            Err(ApiError::Timestamp)
        );
        assert_eq!(
            signed("1795629156000", "s").verify("k", "s", NOW),
            Err(ApiError::Timestamp)
        );
        assert_eq!(signed("1795628556", "s").verify("k", "s", NOW), Ok(()));
        assert_eq!(
            signed("soon", "s").verify("k", "s", NOW),
            Err(ApiError::Timestamp)
        );
    }

    #[test]
    fn wrong_secret_or_key_is_refused() {
        assert_eq!(
            signed("1795628855", "other").verify("k", "s", NOW),
            Err(ApiError::Signature)
        );
        assert_eq!(
            signed("1795628855", "s").verify("k2", "s", NOW),
            Err(ApiError::AppKey)
        );
        let mut upper = signed("1795628855", "s");
        upper.signature = upper.signature.to_ascii_uppercase();
        assert_eq!(upper.verify("k", "s", NOW), Ok(()));
    }

    #[test]
    fn known_signature() {
        // sha1("secret" + "nonce" + "1") computed independently.
        assert_eq!(sign("secret", "nonce", "1").len(), 40);
        assert_eq!(sign("", "", ""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    }
}
