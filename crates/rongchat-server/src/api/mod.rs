//! RongCloud's Server API (notes §7): form-encoded calls signed with the app secret (see
//! [`Signed`]); a nonce is accepted once. Every call goes through one handler that checks
//! the signature, runs the call and logs its path and outcome.

mod error;
mod signed;

pub use error::ApiError;
pub use signed::{MAX_CLOCK_SKEW_MS, Signed, sign};

use crate::clock::now_ms;
use crate::reply::json_ok;
use crate::routing::{self, MAX_CONTENT_BYTES, Outbound, Refused};
use crate::shared::Shared;
use crate::store::{accounts, groups};
use crate::{form, users};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use rongchat_proto::{ConversationType, pb};
use std::sync::Arc;

/// The calls this server answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Call {
    /// `userId`, `name`, `portraitUri` -> a login token.
    GetToken,
    /// `userId` (the `minute` duration is not modelled: blocked until unblocked). Closes
    /// the user's connections; new ones get CONNACK 9.
    Block,
    /// `userId`.
    Unblock,
    /// `userId` -> `{"status": "1" | "0"}`.
    CheckOnline,
    /// `fromUserId`, `toUserId` (repeated), `objectName`, `content`, ...
    PublishPrivate,
    /// `fromUserId`, `toGroupId` (repeated), ...
    PublishGroup,
    /// `userId` (repeated), `groupId`, `groupName`. Creating is joining a group that does
    /// not exist yet.
    GroupJoin,
    /// `userId` (repeated), `groupId`.
    GroupQuit,
}

/// Each path and its call.
const CALLS: &[(&str, Call)] = &[
    ("/user/getToken.json", Call::GetToken),
    ("/user/block.json", Call::Block),
    ("/user/unblock.json", Call::Unblock),
    ("/user/checkOnline.json", Call::CheckOnline),
    ("/message/private/publish.json", Call::PublishPrivate),
    ("/message/group/publish.json", Call::PublishGroup),
    ("/group/create.json", Call::GroupJoin),
    ("/group/join.json", Call::GroupJoin),
    ("/group/quit.json", Call::GroupQuit),
];

/// The Server API's routes (POST only).
pub(crate) fn router() -> Router<Arc<Shared>> {
    CALLS.iter().fold(Router::new(), |router, &(path, call)| {
        router.route(
            path,
            post(
                move |State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes| async move {
                    handle(&shared, path, call, &headers, &body).await
                },
            ),
        )
    })
}

async fn handle(
    shared: &Arc<Shared>,
    path: &'static str,
    call: Call,
    headers: &HeaderMap,
    body: &[u8],
) -> Response {
    match run(shared, call, headers, body).await {
        Ok(response) => {
            tracing::info!(path, status = response.status().as_u16(), "server api");
            response
        }
        Err(e) => {
            tracing::warn!(
                path,
                status = e.http_status().as_u16(),
                code = e.code(),
                error = %e,
                "server api refused"
            );
            e.into_response()
        }
    }
}

async fn run(
    shared: &Arc<Shared>,
    call: Call,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Response, ApiError> {
    let pairs = authenticate(shared, headers, body).await?;
    let pairs = pairs.as_slice();
    match call {
        Call::GetToken => get_token(shared, pairs).await,
        Call::Block => set_blocked(shared, pairs, true).await,
        Call::Unblock => set_blocked(shared, pairs, false).await,
        Call::CheckOnline => {
            let online = shared.hub.is_online(required(pairs, "userId")?);
            Ok(json_ok(
                serde_json::json!({ "status": if online { "1" } else { "0" } }),
            ))
        }
        Call::PublishPrivate => publish(shared, pairs, ConversationType::Private, "toUserId").await,
        Call::PublishGroup => publish(shared, pairs, ConversationType::Group, "toGroupId").await,
        Call::GroupJoin => change_members(shared, pairs, true).await,
        Call::GroupQuit => change_members(shared, pairs, false).await,
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

/// A required id parameter that passes [`users::check_id`].
fn id<'a>(pairs: &'a [(String, String)], key: &'static str) -> Result<&'a str, ApiError> {
    let value = required(pairs, key)?;
    users::check_id(value).map_err(|_| ApiError::Param(key))?;
    Ok(value)
}

/// A repeated id parameter: at least one, every one valid.
fn ids(pairs: &[(String, String)], key: &'static str) -> Result<Vec<String>, ApiError> {
    let values = form::all(pairs, key);
    if values.is_empty() || values.iter().any(|v| users::check_id(v).is_err()) {
        return Err(ApiError::Param(key));
    }
    Ok(values.into_iter().map(str::to_owned).collect())
}

fn flag(pairs: &[(String, String)], key: &str, default: bool) -> bool {
    match form::first(pairs, key) {
        Some(v) => v == "1" || v.eq_ignore_ascii_case("true"),
        None => default,
    }
}

/// Runs a synchronous store-and-hub operation on the blocking pool.
async fn blocking<T: Send + 'static>(
    shared: &Arc<Shared>,
    f: impl FnOnce(&Shared) -> crate::Result<T> + Send + 'static,
) -> Result<T, ApiError> {
    let shared = shared.clone();
    Ok(tokio::task::spawn_blocking(move || f(&shared))
        .await
        .map_err(|_| ApiError::Internal)??)
}

async fn get_token(shared: &Arc<Shared>, pairs: &[(String, String)]) -> Result<Response, ApiError> {
    let user_id = id(pairs, "userId")?.to_owned();
    let name = form::first(pairs, "name").unwrap_or_default().to_owned();
    if name.len() > 128 {
        return Err(ApiError::TooLong("name"));
    }
    let expires = now_ms().saturating_add(shared.token_ttl_ms());
    let user = user_id.clone();
    let token = blocking(shared, move |s| {
        users::issue_token(s, &user, &name, expires)
    })
    .await?;
    Ok(json_ok(
        serde_json::json!({ "userId": user_id, "token": token }),
    ))
}

async fn set_blocked(
    shared: &Arc<Shared>,
    pairs: &[(String, String)],
    blocked: bool,
) -> Result<Response, ApiError> {
    let user_id = required(pairs, "userId")?.to_owned();
    if !blocking(shared, move |s| users::set_blocked(s, &user_id, blocked)).await? {
        return Err(ApiError::Param("userId"));
    }
    Ok(json_ok(serde_json::json!({})))
}

/// The UpStreamMessage a Server API publish stands for.
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

/// Sends the message to each target in turn; every target is checked before any is sent.
async fn publish(
    shared: &Arc<Shared>,
    pairs: &[(String, String)],
    conversation: ConversationType,
    targets_key: &'static str,
) -> Result<Response, ApiError> {
    let from = id(pairs, "fromUserId")?;
    if form::all(pairs, targets_key).is_empty() {
        return Err(ApiError::Param(targets_key));
    }
    let message = api_message(pairs)?;
    let targets = ids(pairs, targets_key)?;
    let notify_sender = flag(pairs, "isIncludeSender", false);
    for target in targets {
        let out = Outbound {
            from: from.to_owned(),
            conversation,
            target,
            message: message.clone(),
            origin: None,
            notify_sender,
        };
        routing::send(shared, out).await.map_err(|e| match e {
            Refused::Invalid(what) => ApiError::Param(what),
            Refused::NotInGroup => ApiError::NotInGroup,
            Refused::Internal(e) => e.into(),
        })?;
    }
    Ok(json_ok(serde_json::json!({})))
}

async fn change_members(
    shared: &Arc<Shared>,
    pairs: &[(String, String)],
    join: bool,
) -> Result<Response, ApiError> {
    let group_id = id(pairs, "groupId")?.to_owned();
    let members = ids(pairs, "userId")?;
    let name = form::first(pairs, "groupName")
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
    Ok(json_ok(serde_json::json!({})))
}
