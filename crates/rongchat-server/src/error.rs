//! The crate's error type.

/// Everything that can go wrong inside the server.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file or socket operation failed.
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    /// The database could not be opened or migrated.
    #[error("could not open or migrate the database: {0}")]
    Open(String),
    /// A query against the database failed at run time.
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The group commit holding this message failed; nothing of its batch was stored.
    #[error("message batch not committed: {0}")]
    Batch(String),
    /// A blocking database task was cancelled or panicked.
    #[error("database task failed: {0}")]
    Task(String),
    /// The caller passed something we refuse (bad id, empty name, ...).
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// A token (login or upload) is malformed, forged or for another app.
    #[error("invalid token")]
    InvalidToken,
    /// A token was valid once but its expiry is past.
    #[error("token expired")]
    TokenExpired,
    /// A frame or payload from the network did not decode.
    #[error("decode: {0}")]
    Decode(#[from] rongchat_proto::DecodeError),
    /// A frame could not be encoded.
    #[error("encode: {0}")]
    Encode(#[from] rongchat_proto::EncodeError),
}

/// Result alias for this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
