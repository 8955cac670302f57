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
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, post};
use rongchat_proto::{ConversationType, pb};
use serde_json::{Value, json};
use std::sync::Arc;

/// A request's form fields, in order (keys repeat).
type Pairs = [(String, String)];

/// What a call adds to `{"code": 200}`, or why it was refused.
type Outcome = Result<Value, ApiError>;

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

/// The Server API's routes (POST only).
pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/user/getToken.json", post_call(Call::GetToken))
        .route("/user/block.json", post_call(Call::Block))
        .route("/user/unblock.json", post_call(Call::Unblock))
        .route("/user/checkOnline.json", post_call(Call::CheckOnline))
        .route(
            "/message/private/publish.json",
            post_call(Call::PublishPrivate),
        )
        .route("/message/group/publish.json", post_call(Call::PublishGroup))
        .route("/group/create.json", post_call(Call::GroupJoin))
        .route("/group/join.json", post_call(Call::GroupJoin))
        .route("/group/quit.json", post_call(Call::GroupQuit))
}

fn post_call(call: Call) -> MethodRouter<Arc<Shared>> {
    post(
        move |State(shared): State<Arc<Shared>>, uri: Uri, headers: HeaderMap, body: Bytes| async move {
            handle(&shared, uri.path(), call, &headers, &body).await
        },
    )
}

async fn handle(
    shared: &Arc<Shared>,
    path: &str,
    call: Call,
    headers: &HeaderMap,
    body: &[u8],
) -> Response {
    match run(shared, call, headers, body).await {
        Ok(fields) => {
            tracing::info!(path, status = 200, "server api");
            json_ok(fields)
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

async fn run(shared: &Arc<Shared>, call: Call, headers: &HeaderMap, body: &[u8]) -> Outcome {
    let pairs = authenticate(shared, headers, body).await?;
    let pairs = pairs.as_slice();
    match call {
        Call::GetToken => get_token(shared, pairs).await,
        Call::Block => set_blocked(shared, pairs, true).await,
        Call::Unblock => set_blocked(shared, pairs, false).await,
        Call::CheckOnline => {
            let online = shared.hub.is_online(required(pairs, "userId")?);
            Ok(json!({ "status": if online { "1" } else { "0" } }))
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

fn required<'a>(pairs: &'a Pairs, key: &'static str) -> Result<&'a str, ApiError> {
    form::first(pairs, key)
        .filter(|v| !v.is_empty())
        .ok_or(ApiError::Param(key))
}

/// A required id parameter that passes [`users::check_id`].
fn id<'a>(pairs: &'a Pairs, key: &'static str) -> Result<&'a str, ApiError> {
    let value = required(pairs, key)?;
    users::check_id(value).map_err(|_| ApiError::Param(key))?;
    Ok(value)
}

/// A repeated id parameter: at least one, every one valid.
fn ids(pairs: &Pairs, key: &'static str) -> Result<Vec<String>, ApiError> {
    let values = form::all(pairs, key);
    if values.is_empty() || values.iter().any(|v| users::check_id(v).is_err()) {
        return Err(ApiError::Param(key));
    }
    Ok(values.into_iter().map(str::to_owned).collect())
}

fn flag(pairs: &Pairs, key: &str, default: bool) -> bool {
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

async fn get_token(shared: &Arc<Shared>, pairs: &Pairs) -> Outcome {
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
    Ok(json!({ "userId": user_id, "token": token }))
}

async fn set_blocked(shared: &Arc<Shared>, pairs: &Pairs, blocked: bool) -> Outcome {
    let user_id = required(pairs, "userId")?.to_owned();
    if !blocking(shared, move |s| users::set_blocked(s, &user_id, blocked)).await? {
        return Err(ApiError::Param("userId"));
    }
    Ok(json!({}))
}

/// The UpStreamMessage a Server API publish stands for.
fn api_message(pairs: &Pairs) -> Result<pb::UpStreamMessage, ApiError> {
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
    pairs: &Pairs,
    conversation: ConversationType,
    targets_key: &'static str,
) -> Outcome {
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
    Ok(json!({}))
}

async fn change_members(shared: &Arc<Shared>, pairs: &Pairs, join: bool) -> Outcome {
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
    Ok(json!({}))
}
