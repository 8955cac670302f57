//! `POST /v2/navi.json`: checks the token and points the SDK at this server's WebSocket and
//! upload endpoint (fact sheet §1).

use crate::clock::now_ms;
use crate::error::Error;
use crate::form;
use crate::reply::json_error;
use crate::shared::Shared;
use crate::store::{UserState, accounts};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

pub async fn navi(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let pairs = form::parse(&body);
    let Some(token) = form::first(&pairs, "token") else {
        return json_error(StatusCode::UNAUTHORIZED, 401, "token missing");
    };
    let app_key = headers
        .get("rc-appkey")
        .or_else(|| headers.get("appid"))
        .and_then(|v| v.to_str().ok());
    if app_key.is_some_and(|k| k != shared.config.app_key) {
        return json_error(StatusCode::UNAUTHORIZED, 401, "unknown app key");
    }
    let user_id = match shared.signer.check_login(token, now_ms()) {
        Ok(user) => user,
        Err(Error::TokenExpired) => {
            return json_error(StatusCode::UNAUTHORIZED, 401, "token expired");
        }
        Err(_) => return json_error(StatusCode::UNAUTHORIZED, 401, "token incorrect"),
    };
    let lookup = user_id.clone();
    match shared
        .store
        .run(move |c| accounts::user_state(c, &lookup))
        .await
    {
        Ok(UserState::Unknown) => json_error(StatusCode::UNAUTHORIZED, 401, "token incorrect"),
        // A blocked user gets navi; the CONNACK says "blocked" (status 9).
        Ok(UserState::Active | UserState::Blocked) => axum::Json(serde_json::json!({
            "code": 200,
            "server": shared.ws_host,
            "uploadServer": format!("{}/upload", shared.base_url),
            "openAnti": 0,
            "logSwitch": 0,
            "userId": user_id,
        }))
        .into_response(),
        Err(e) => {
            tracing::error!("navi lookup failed: {e}");
            json_error(StatusCode::INTERNAL_SERVER_ERROR, 500, "internal error")
        }
    }
}
