//! RongCloud's Server API (notes §7): form or JSON calls signed with the app secret (see
//! [`Signed`]); a nonce is accepted once. Every call goes through one handler that checks
//! the signature, reads the parameters, runs the call and logs its path and outcome. One
//! module per family: `user`, `message`, `group`, `conversation`.

mod conversation;
mod error;
mod group;
mod message;
mod params;
mod signed;
mod time;
mod user;

pub use error::ApiError;
pub use params::Params;
pub use signed::{MAX_CLOCK_SKEW_MS, Signed, sign};

use crate::clock::now_ms;
use crate::reply::json_ok;
use crate::shared::Shared;
use crate::store::accounts;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use axum::routing::{MethodRouter, post};
use rongchat_proto::ConversationType;
use serde_json::Value;
use std::sync::Arc;

/// What a call adds to `{"code": 200}`, or why it was refused.
type Outcome = Result<Value, ApiError>;

/// The calls this server answers (the README's table lists them with their parameters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Call {
    GetToken,
    UserRefresh,
    UserInfo,
    CheckOnline,
    Block,
    Unblock,
    BlockQuery,
    BlacklistAdd,
    BlacklistRemove,
    BlacklistQuery,
    PublishPrivate,
    PublishGroup,
    PublishSystem,
    StatusPrivate,
    StatusGroup,
    Recall,
    GroupJoin,
    GroupQuit,
    GroupDismiss,
    GroupRefresh,
    GroupSync,
    GroupMembers,
    UserGroups,
    GagAdd,
    GagRollback,
    GagList,
    MuteSet,
    MuteGet,
}

/// Path (without `.json`) -> call.
const ROUTES: &[(&str, Call)] = &[
    ("/user/getToken", Call::GetToken),
    ("/user/refresh", Call::UserRefresh),
    ("/user/info", Call::UserInfo),
    ("/user/checkOnline", Call::CheckOnline),
    ("/user/block", Call::Block),
    ("/user/unblock", Call::Unblock),
    ("/user/block/query", Call::BlockQuery),
    ("/user/blacklist/add", Call::BlacklistAdd),
    ("/user/blacklist/remove", Call::BlacklistRemove),
    ("/user/blacklist/query", Call::BlacklistQuery),
    ("/message/private/publish", Call::PublishPrivate),
    ("/message/group/publish", Call::PublishGroup),
    ("/message/system/publish", Call::PublishSystem),
    ("/statusmessage/private/publish", Call::StatusPrivate),
    ("/statusmessage/group/publish", Call::StatusGroup),
    ("/message/recall", Call::Recall),
    ("/group/create", Call::GroupJoin),
    ("/group/join", Call::GroupJoin),
    ("/group/quit", Call::GroupQuit),
    ("/group/dismiss", Call::GroupDismiss),
    ("/group/refresh", Call::GroupRefresh),
    ("/group/sync", Call::GroupSync),
    ("/group/user/query", Call::GroupMembers),
    ("/user/group/query", Call::UserGroups),
    ("/group/user/gag/add", Call::GagAdd),
    ("/group/user/gag/rollback", Call::GagRollback),
    ("/group/user/gag/list", Call::GagList),
    ("/conversation/notification/set", Call::MuteSet),
    ("/conversation/notification/get", Call::MuteGet),
];

/// The Server API's routes (POST only), each at `<path>.json`.
pub(crate) fn router() -> Router<Arc<Shared>> {
    ROUTES.iter().fold(Router::new(), |router, (path, call)| {
        router.route(&format!("{path}.json"), post_call(*call))
    })
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
            e.reply(path)
        }
    }
}

async fn run(shared: &Arc<Shared>, call: Call, headers: &HeaderMap, body: &[u8]) -> Outcome {
    authenticate(shared, headers).await?;
    let p = &Params::parse(headers, body)?;
    match call {
        Call::GetToken => user::get_token(shared, p).await,
        Call::UserRefresh => user::refresh(shared, p).await,
        Call::UserInfo => user::info(shared, p).await,
        Call::CheckOnline => user::check_online(shared, p),
        Call::Block => user::block(shared, p).await,
        Call::Unblock => user::unblock(shared, p).await,
        Call::BlockQuery => user::block_query(shared).await,
        Call::BlacklistAdd => user::blacklist_change(shared, p, true).await,
        Call::BlacklistRemove => user::blacklist_change(shared, p, false).await,
        Call::BlacklistQuery => user::blacklist_query(shared, p).await,
        Call::PublishPrivate => message::publish(shared, p, ConversationType::Private).await,
        Call::PublishGroup => message::publish(shared, p, ConversationType::Group).await,
        Call::PublishSystem => message::publish(shared, p, ConversationType::System).await,
        Call::StatusPrivate => message::publish_status(shared, p, ConversationType::Private).await,
        Call::StatusGroup => message::publish_status(shared, p, ConversationType::Group).await,
        Call::Recall => message::recall(shared, p).await,
        Call::GroupJoin => group::join(shared, p).await,
        Call::GroupQuit => group::quit(shared, p).await,
        Call::GroupDismiss => group::dismiss(shared, p).await,
        Call::GroupRefresh => group::refresh(shared, p).await,
        Call::GroupSync => group::sync(shared, p).await,
        Call::GroupMembers => group::members(shared, p).await,
        Call::UserGroups => group::of_user(shared, p).await,
        Call::GagAdd => group::gag(shared, p, true).await,
        Call::GagRollback => group::gag(shared, p, false).await,
        Call::GagList => group::gag_list(shared, p).await,
        Call::MuteSet => conversation::set(shared, p).await,
        Call::MuteGet => conversation::get(shared, p).await,
    }
}

/// Verifies a request's signing headers and claims its nonce.
async fn authenticate(shared: &Shared, headers: &HeaderMap) -> Result<(), ApiError> {
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
    Ok(())
}

/// The time `minutes` Server API minutes from now (a minute is `config.api_minute`).
fn minutes_from_now(shared: &Shared, minutes: i64) -> i64 {
    let minute_ms = i64::try_from(shared.config.api_minute.as_millis()).unwrap_or(60_000);
    now_ms().saturating_add(minutes.saturating_mul(minute_ms))
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
