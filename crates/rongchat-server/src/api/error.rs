//! Why a Server API call was refused, as RongCloud reports it.

use crate::error::Error;
use crate::reply::json_error;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

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
    /// 22408 / 400: the sender is gagged in the group.
    #[error("gagged in group")]
    Gagged,
    /// 25101 / 400: the message cannot be recalled (already recalled).
    #[error("recall failed")]
    Recall,
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
            ApiError::Param(_)
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

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_error(self.http_status(), self.code(), &self.to_string())
    }
}
