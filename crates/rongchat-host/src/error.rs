//! The one error type of the app. It keeps the client's error as it is and reaches the UI as
//! `{kind, message, code?}`: the page branches on the kind (never on the message, which
//! is only shown), and a refusal carries the server's code.

use rongchat_client::ConnectionStatus;
use rongchat_client::session::RequestError;
use serde::Serialize;

/// Everything a command can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No session yet (still starting, or signed out).
    #[error("not signed in")]
    NotSignedIn,
    /// The page sent something we do not accept (bad conversation, empty text, ...).
    #[error("invalid input: {0}")]
    Invalid(String),
    /// Too big to send or show.
    #[error("too large: {size} bytes (the limit is {limit})")]
    TooLarge {
        /// Its size in bytes.
        size: u64,
        /// The most we take.
        limit: u64,
    },
    /// The referenced message or conversation does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    /// The user closed a picker without choosing.
    #[error("cancelled")]
    Cancelled,
    /// Reading or writing a local file failed.
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
    /// The settings file could not be read or written.
    #[error("settings error: {0}")]
    Settings(String),
    /// The account form has a field the user must correct.
    #[error("{0}")]
    Form(FormProblem),
    /// A received file we will not open: it could run, or its name hides what it is.
    #[error("{}", unsafe_text(*.0))]
    UnsafeFile(crate::file_safety::Risk),
    /// The client engine failed; kept typed so [`Error::kind`] can tell why.
    #[error(transparent)]
    Client(#[from] rongchat_client::Error),
    /// The message has no media of the asked kind.
    #[error(transparent)]
    Media(#[from] rongchat_client::media::MediaError),
    /// The embedded local server failed to start or answer.
    #[error("local server error: {0}")]
    Server(String),
    /// Recording or playback failed.
    #[error("voice error: {0}")]
    Voice(String),
}

/// What is wrong in the account form: the page names it in the user's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FormProblem {
    /// No AppKey.
    #[error("AppKey is empty")]
    AppKeyEmpty,
    /// No token, and none stored.
    #[error("the token is empty")]
    TokenEmpty,
    /// A navigation URL that is not http(s).
    #[error("the navigation URL must start with http:// or https://")]
    NaviUrlScheme,
}

impl FormProblem {
    /// The name the page looks its label up by.
    pub fn reason(self) -> &'static str {
        match self {
            Self::AppKeyEmpty => "appKeyEmpty",
            Self::TokenEmpty => "tokenEmpty",
            Self::NaviUrlScheme => "naviUrlScheme",
        }
    }
}

fn unsafe_text(risk: crate::file_safety::Risk) -> &'static str {
    match risk {
        crate::file_safety::Risk::Runs => "this file could run as a program; it is not opened",
        crate::file_safety::Risk::DisguisedName => {
            "the file name hides characters; it is not opened"
        }
    }
}

/// The app's result alias.
pub type Result<T> = std::result::Result<T, Error>;

/// An error as the page receives it (also inside the banner's status).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorDto {
    /// What to branch on: see [`Error::kind`].
    pub kind: &'static str,
    /// For people; never parsed.
    pub message: String,
    /// The server's code, for `refused` and `rejected`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<u32>,
    /// Which field of the account form (`form`), or why a file is not opened
    /// (`unsafeFile`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
}

impl Error {
    /// The error a connection that ended for good stands for (`None` while it may recover).
    pub fn of_final_status(status: ConnectionStatus) -> Option<Self> {
        status
            .is_final()
            .then_some(Self::Client(rongchat_client::Error::Connection(status)))
    }

    /// A stable camelCase name the UI branches on.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::NotSignedIn => "notSignedIn",
            Self::Invalid(_) | Self::Media(_) => "invalid",
            Self::TooLarge { .. } => "tooLarge",
            Self::NotFound(_) => "notFound",
            Self::Cancelled => "cancelled",
            Self::Io(_) => "io",
            Self::Settings(_) => "settings",
            Self::Form(_) => "form",
            Self::UnsafeFile(_) => "unsafeFile",
            Self::Client(e) => client_kind(e),
            Self::Server(_) => "server",
            Self::Voice(_) => "voice",
        }
    }

    /// The server's code behind a refusal, if this is one.
    pub fn code(&self) -> Option<u32> {
        use rongchat_client::Error as C;
        match self {
            Self::Client(C::Request(RequestError::Refused(status))) => Some(status.sdk_code()),
            Self::Client(C::Connection(ConnectionStatus::Rejected { code })) => Some(*code),
            _ => None,
        }
    }

    /// What the page receives.
    pub fn to_dto(&self) -> ErrorDto {
        ErrorDto {
            kind: self.kind(),
            message: self.to_string(),
            code: self.code(),
            reason: match self {
                Self::Form(problem) => Some(problem.reason()),
                Self::UnsafeFile(crate::file_safety::Risk::Runs) => Some("runs"),
                Self::UnsafeFile(crate::file_safety::Risk::DisguisedName) => Some("disguisedName"),
                _ => None,
            },
        }
    }
}

/// `TooLarge` when `size` bytes exceed `limit`.
pub fn check_size(size: usize, limit: u64) -> Result<()> {
    let size = u64::try_from(size).unwrap_or(u64::MAX);
    if size > limit {
        return Err(Error::TooLarge { size, limit });
    }
    Ok(())
}

fn client_kind(e: &rongchat_client::Error) -> &'static str {
    use rongchat_client::Error as C;
    match e {
        C::Request(RequestError::NotConnected | RequestError::ConnectionLost) | C::Closed => {
            "notConnected"
        }
        C::Request(RequestError::Timeout) => "timeout",
        C::Request(RequestError::Refused(_)) => "refused",
        C::Connection(status) => match status {
            ConnectionStatus::TokenIncorrect => "tokenInvalid",
            ConnectionStatus::Kicked => "kicked",
            ConnectionStatus::Blocked => "blocked",
            ConnectionStatus::Rejected { .. } => "rejected",
            _ => "notConnected",
        },
        C::Cancelled => "cancelled",
        C::TooLarge { .. } => "tooLarge",
        C::Io(_) => "io",
        C::Http(_) | C::Navi(_) => "network",
        C::Upload(_) => "upload",
        C::InvalidArgument(_) | C::Image(_) => "invalid",
        C::NotFound(_) => "notFound",
        C::Store(_) | C::StoreOpen { .. } => "store",
        _ => "client",
    }
}

impl Serialize for Error {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        // Every command error crosses the bridge here, once: the one place to log it.
        tracing::warn!(kind = self.kind(), "command failed: {self}");
        self.to_dto().serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rongchat_proto::status::AckStatus;

    #[test]
    fn serializes_as_kind_and_message() {
        let json = serde_json::to_value(Error::Invalid("empty text".into())).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "invalid", "message": "invalid input: empty text"})
        );
        let json = serde_json::to_value(Error::NotSignedIn).unwrap();
        assert_eq!(json["kind"], "notSignedIn");
        // A form problem names its field, so the page can say it in the user's language.
        let json = serde_json::to_value(Error::Form(FormProblem::NaviUrlScheme)).unwrap();
        assert_eq!(
            (json["kind"].as_str(), json["reason"].as_str()),
            (Some("form"), Some("naviUrlScheme"))
        );
    }

    #[test]
    fn client_errors_keep_their_kind_and_code() {
        let refused = Error::from(rongchat_client::Error::Request(RequestError::Refused(
            AckStatus::from_code(22406),
        )));
        let json = serde_json::to_value(&refused).unwrap();
        assert_eq!(json["kind"], "refused");
        assert_eq!(json["code"], 22406);

        let cases = [
            (rongchat_client::Error::Cancelled, "cancelled"),
            (
                rongchat_client::Error::Request(RequestError::NotConnected),
                "notConnected",
            ),
            (
                rongchat_client::Error::Io(std::io::Error::other("disk")),
                "io",
            ),
            (
                rongchat_client::Error::TooLarge { size: 2, limit: 1 },
                "tooLarge",
            ),
            (
                rongchat_client::Error::Connection(ConnectionStatus::TokenIncorrect),
                "tokenInvalid",
            ),
        ];
        for (e, kind) in cases {
            assert_eq!(Error::from(e).kind(), kind);
        }
    }

    #[test]
    fn final_states_are_errors() {
        let e = Error::of_final_status(ConnectionStatus::TokenIncorrect).unwrap();
        assert_eq!(e.to_dto().kind, "tokenInvalid");
        let e = Error::of_final_status(ConnectionStatus::Rejected { code: 31020 }).unwrap();
        assert_eq!((e.kind(), e.code()), ("rejected", Some(31020)));
        assert!(Error::of_final_status(ConnectionStatus::Connected).is_none());
    }
}
