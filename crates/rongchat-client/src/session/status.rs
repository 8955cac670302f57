//! The connection status the application sees, and why a link was suspended.

use rongchat_proto::status::{ConnAckStatus, DisconnectStatus};
use serde::Serialize;

/// Where the connection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[non_exhaustive]
pub enum ConnectionStatus {
    /// Not started, or disconnected by the application.
    Disconnected,
    /// Navigation, socket or CONNACK in progress.
    Connecting,
    /// CONNACK accepted; requests flow.
    Connected,
    /// The link was lost; a reconnect is scheduled.
    Suspended {
        /// Why the link was lost.
        reason: SuspendReason,
    },
    /// Another login of the same user took over (DISCONNECT 1). Final: no reconnect.
    Kicked,
    /// The server does not accept the token (navi 401/403, CONNACK 4). Final.
    TokenIncorrect,
    /// The user or the app is blocked (CONNACK 8 or 9). Final.
    Blocked,
    /// Any other refusal the SDK treats as final; `code` is the SDK's error code.
    Rejected {
        /// The official SDK's error code (e.g. 31020 token expired).
        code: u32,
    },
}

impl ConnectionStatus {
    /// Whether the session stays down until the application acts.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            Self::Kicked | Self::TokenIncorrect | Self::Blocked | Self::Rejected { .. }
        )
    }

    /// The status a refused CONNACK leads to, or `None` when the refusal is retryable.
    pub fn from_connack(status: ConnAckStatus) -> Option<Self> {
        match status {
            ConnAckStatus::Accepted | ConnAckStatus::ServerUnavailable => None,
            ConnAckStatus::TokenIncorrect => Some(Self::TokenIncorrect),
            ConnAckStatus::UserBlocked | ConnAckStatus::AppBlocked => Some(Self::Blocked),
            other => Some(Self::Rejected {
                code: other.sdk_code(),
            }),
        }
    }

    /// The status a server DISCONNECT leads to, or `None` when the client should reconnect.
    pub fn from_disconnect(status: DisconnectStatus) -> Option<Self> {
        match status {
            DisconnectStatus::Kicked => Some(Self::Kicked),
            DisconnectStatus::Exception
            | DisconnectStatus::ExceptionAlt
            | DisconnectStatus::Redirected => None,
            other => Some(Self::Rejected {
                code: other.sdk_code(),
            }),
        }
    }
}

/// Why a link was suspended (all retryable).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum SuspendReason {
    /// Two pings in a row went unanswered (the SDK's RC_PING_EXCEED_LIMIT, 30012).
    PingTimeout,
    /// The socket closed or failed.
    SocketClosed,
    /// Navigation, socket or CONNACK took too long.
    ConnectTimeout,
    /// Navigation or the socket could not be reached.
    NetworkError,
    /// CONNACK said the server is unavailable (31003).
    ServerUnavailable,
    /// The server sent a retryable DISCONNECT.
    ServerDisconnect,
}
