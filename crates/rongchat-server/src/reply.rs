//! JSON replies of the HTTP endpoints, RongCloud's shape: `{"code": .., ...}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// A JSON reply `{"code": code, "errorMessage": message}` with an HTTP status.
pub fn json_error(status: StatusCode, code: u32, message: &str) -> Response {
    (
        status,
        axum::Json(serde_json::json!({ "code": code, "errorMessage": message })),
    )
        .into_response()
}

/// `{"code": 200}` plus the fields of `extra`.
pub fn json_ok(extra: serde_json::Value) -> Response {
    let mut body = serde_json::json!({ "code": 200 });
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    axum::Json(body).into_response()
}
