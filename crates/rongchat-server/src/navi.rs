//! `POST /v2/navi.json`: checks the token and points the SDK at this server's WebSocket and
//! upload endpoint (fact sheet §1).

use crate::form;
use crate::login::{self, Refusal};
use crate::reply::{json_error, json_ok};
use crate::shared::Shared;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use std::sync::Arc;

pub async fn navi(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let pairs = form::parse(&body);
    let app_key = headers
        .get("rc-appkey")
        .or_else(|| headers.get("appid"))
        .and_then(|v| v.to_str().ok());
    // A blocked user gets navi; the CONNACK says "blocked" (status 9).
    match login::check(&shared, app_key, form::first(&pairs, "token")).await {
        Ok(login) => json_ok(serde_json::json!({
            "server": shared.ws_host,
            "uploadServer": format!("{}/upload", shared.base_url),
            "openAnti": 0,
            "logSwitch": 0,
            // Information hosting on: the SDK's getUserProfiles / getGroupsInfo /
            // getGroupMembers / getJoinedGroups refuse to run without it.
            "userProfile": 1,
            "userId": login.user_id,
        })),
        Err(Refusal::Internal) => {
            json_error(StatusCode::INTERNAL_SERVER_ERROR, 500, "internal error")
        }
        Err(refusal) => {
            tracing::info!(?refusal, "navi refused");
            let message = match refusal {
                Refusal::AppKey => "unknown app key",
                Refusal::TokenMissing => "token missing",
                Refusal::TokenExpired => "token expired",
                _ => "token incorrect",
            };
            json_error(StatusCode::UNAUTHORIZED, 401, message)
        }
    }
}
