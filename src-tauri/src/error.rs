//! The one error type of the app. It reaches the UI as `{kind, message}` so the page can
//! branch on the kind (e.g. `notSignedIn`, `cancelled`) and show the message.

use serde::ser::{Serialize, SerializeStruct, Serializer};

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
    /// The client engine failed (network, store, protocol).
    #[error("{0}")]
    Client(String),
    /// The embedded local server failed to start or answer.
    #[error("local server error: {0}")]
    Server(String),
    /// Recording or playback failed.
    #[error("voice error: {0}")]
    Voice(String),
}

/// The app's result alias.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// A stable camelCase name the UI can branch on.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::NotSignedIn => "notSignedIn",
            Self::Invalid(_) => "invalid",
            Self::NotFound(_) => "notFound",
            Self::Cancelled => "cancelled",
            Self::Io(_) => "io",
            Self::Settings(_) => "settings",
            Self::Client(_) => "client",
            Self::Server(_) => "server",
            Self::Voice(_) => "voice",
        }
    }
}

impl Serialize for Error {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Error", 2)?;
        s.serialize_field("kind", self.kind())?;
        s.serialize_field("message", &self.to_string())?;
        s.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_as_kind_and_message() {
        let json = serde_json::to_value(Error::Invalid("empty text".into())).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "invalid", "message": "invalid input: empty text"})
        );
        let json = serde_json::to_value(Error::NotSignedIn).unwrap();
        assert_eq!(json["kind"], "notSignedIn");
    }
}
