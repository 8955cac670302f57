//! The crate's error type.

use crate::session::RequestError;

/// Everything that can go wrong in the client engine.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The local store could not be opened or migrated.
    #[error("cannot open the store at {path}: {source}")]
    StoreOpen {
        /// The database file.
        path: String,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// A query on the local store failed.
    #[error("store: {0}")]
    Store(#[from] rusqlite::Error),
    /// A request to the server got no successful answer.
    #[error("request failed: {0}")]
    Request(#[from] RequestError),
    /// The server sent bytes we could not decode.
    #[error("bad data from the server: {0}")]
    Decode(#[from] rongchat_proto::DecodeError),
    /// A frame could not be encoded (a string too long).
    #[error("cannot encode: {0}")]
    Encode(#[from] rongchat_proto::EncodeError),
    /// Navigation failed.
    #[error("navigation failed: {0}")]
    Navi(String),
    /// An HTTP transfer (upload, download, navigation) failed. The URL is stripped: a
    /// download URL may carry a token.
    #[error("http: {0}")]
    Http(reqwest::Error),
    /// A local file could not be read or written.
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    /// An image could not be decoded or its thumbnail encoded.
    #[error("image: {0}")]
    Image(#[from] image::ImageError),
    /// The transfer was cancelled by the caller.
    #[error("cancelled")]
    Cancelled,
    /// The connection ended in a final state (kicked, token incorrect, blocked ...).
    #[error("connection refused: {0:?}")]
    Connection(crate::session::ConnectionStatus),
    /// An upload could not be done (no upload server, HTTP status, bad reply).
    #[error("upload failed: {0}")]
    Upload(String),
    /// A batch of writes was not committed (the store said why).
    #[error("not stored: {0}")]
    NotStored(String),
    /// The client's background task has stopped.
    #[error("the client has shut down")]
    Closed,
    /// The caller passed something unusable.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// A message content over the wire's limit (the server would refuse it).
    #[error("too large: {size} bytes, the limit is {limit}")]
    TooLarge {
        /// Its size, bytes.
        size: usize,
        /// The most allowed.
        limit: usize,
    },
    /// No such message or conversation.
    #[error("not found: {0}")]
    NotFound(String),
}

impl From<reqwest::Error> for Error {
    fn from(e: reqwest::Error) -> Self {
        Self::Http(e.without_url())
    }
}

/// Result alias for the client engine.
pub type Result<T, E = Error> = std::result::Result<T, E>;
