//! Why a Server API call was refused, as RongCloud reports it: the body is
//! `{"url":"/user/getToken.json","code":1002,"errorMessage":"..."}`, RongCloud's own field
//! order (its replies as the SDKs' docs and test logs print them).

use crate::error::Error;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// Why a Server API call was refused: RongCloud's code and the HTTP status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    /// 1002 / 401: the App-Key header is missing or names another app (RongCloud's text).
    #[error("invalid App-Key.")]
    AppKey,
    /// 1004 / 401: a signing header is missing or the signature does not match.
    #[error("signature error.")]
    Signature,
    /// 1004 / 401: the timestamp is more than 5 minutes off (or not a number).
    #[error("timestamp expired.")]
    Timestamp,
    /// 1004 / 401: the nonce was used before.
    #[error("nonce reused.")]
    Nonce,
    /// 1002 / 400: a required parameter is absent or empty.
    #[error("{0} is required.")]
    Missing(&'static str),
    /// 1002 / 400: a parameter is invalid (wrong type, out of range, unknown id).
    #[error("{0} is invalid.")]
    Param(&'static str),
    /// 1005 / 400: a parameter is too long (message content over 128 KB, a name over 128
    /// bytes...).
    #[error("{0} is too long.")]
    TooLong(&'static str),
    /// 22406 / 400: the sender is not in the group.
    #[error("not in group.")]
    NotInGroup,
    /// 22408 / 400: the sender is gagged in the group.
    #[error("gagged in group.")]
    Gagged,
    /// 25101 / 400: the message cannot be recalled (already recalled).
    #[error("recall failed.")]
    Recall,
    /// 1000 / 500.
    #[error("internal error.")]
    Internal,
}

impl ApiError {
    /// RongCloud's error code.
    pub fn code(&self) -> u32 {
        match self {
            ApiError::AppKey | ApiError::Missing(_) | ApiError::Param(_) => 1002,
            ApiError::Signature | ApiError::Timestamp | ApiError::Nonce => 1004,
            ApiError::TooLong(_) => 1005,
            ApiError::NotInGroup => 22406,
            ApiError::Gagged => 22408,
            ApiError::Recall => 25101,
            ApiError::Internal => 1000,
        }
    }

    /// The HTTP status.
    pub fn http_status(&self) -> StatusCode {
        match self {
            ApiError::AppKey | ApiError::Signature | ApiError::Timestamp | ApiError::Nonce => {
                StatusCode::UNAUTHORIZED
            }
            ApiError::Missing(_)
            | ApiError::Param(_)
            | ApiError::TooLong(_)
            | ApiError::NotInGroup
            | ApiError::Gagged
            | ApiError::Recall => StatusCode::BAD_REQUEST,
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

/// A refusal body: serialised in this field order.
#[derive(serde::Serialize)]
struct Refusal<'a> {
    url: &'a str,
    code: u32,
    #[serde(rename = "errorMessage")]
    error_message: String,
}

impl ApiError {
    /// The reply to a call of `path` (as requested, `.json` included).
    pub fn reply(&self, path: &str) -> Response {
        let body = Refusal {
            url: path,
            code: self.code(),
            error_message: self.to_string(),
        };
        (self.http_status(), axum::Json(body)).into_response()
    }
}
