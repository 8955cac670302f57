//! The banner's status: who we are, the client's connection status, and, when the
//! connection is down for good or could not start, the error (its kind is what the page
//! branches on: `tokenInvalid`, `kicked`, ...).

use crate::error::Error;
use crate::models::{SessionMode, StatusDto};
use rongchat_client::{Client, ConnectionStatus};
use std::sync::Arc;

/// Where status changes go (the managed state keeps the last one and emits it).
pub type OnStatus = Arc<dyn Fn(StatusDto) + Send + Sync>;

/// The user a session signs in as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// Our user id (a real account learns it at the first connect).
    pub user_id: String,
    /// Our display name (the id when we know no better).
    pub user_name: String,
    /// Demo or account.
    pub mode: SessionMode,
}

impl Identity {
    /// The status for a connection status of `client`, `synced` once the offline messages
    /// are caught up. The client is asked for the user id, since an account only learns its
    /// own at the first connect.
    pub fn status(&self, client: &Client, state: ConnectionStatus, synced: bool) -> StatusDto {
        let id = client
            .user_id()
            .filter(|id| !id.is_empty())
            .unwrap_or_else(|| self.user_id.clone());
        let name = if self.user_name.is_empty() || self.user_name == self.user_id {
            id.clone()
        } else {
            self.user_name.clone()
        };
        StatusDto {
            state,
            synced,
            error: Error::of_final_status(state).map(|e| e.to_dto()),
            user_id: Some(id).filter(|id| !id.is_empty()),
            user_name: Some(name).filter(|n| !n.is_empty()),
            mode: self.mode,
        }
    }
}

/// Signing in has begun; nobody is known yet.
pub fn starting(mode: SessionMode) -> StatusDto {
    StatusDto {
        state: ConnectionStatus::Connecting,
        synced: false,
        error: None,
        user_id: None,
        user_name: None,
        mode,
    }
}

/// Signing in could not even start (the store, the local server, the settings ...).
pub fn failed(mut last: StatusDto, error: &Error) -> StatusDto {
    last.state = ConnectionStatus::Disconnected;
    last.error = Some(error.to_dto());
    last
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_start_failure_keeps_its_kind() {
        let token = Error::of_final_status(ConnectionStatus::TokenIncorrect).unwrap();
        let status = failed(starting(SessionMode::Account), &token);
        let json = serde_json::to_value(&status).unwrap();
        assert_eq!(json["state"]["kind"], "disconnected");
        assert_eq!(json["error"]["kind"], "tokenInvalid");
        assert_eq!(json["mode"], "account");
    }
}
