//! The crate's error types: one for decoding bytes from the network, one for encoding.

/// Why a frame, string or payload could not be decoded. Every malformed input maps to one of
/// these; decoding never panics.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The input was empty: a frame has at least its header byte.
    #[error("empty frame")]
    Empty,
    /// The input ended before a field was complete.
    #[error("truncated {field}: needed {needed} more byte(s) at offset {offset}")]
    Truncated {
        /// The field being read.
        field: &'static str,
        /// Bytes missing.
        needed: usize,
        /// Where the field started.
        offset: usize,
    },
    /// The header names a command the Web transport does not use (CONNECT, 8..11, 15, 0).
    #[error("unknown or unsupported command {0}")]
    UnknownCommand(u8),
    /// A string's bytes are neither UTF-8 nor the SDK's modified UTF-8.
    #[error("invalid string at offset {offset}")]
    InvalidString {
        /// Offset of the string's first byte.
        offset: usize,
    },
    /// Bytes were left after a frame that has a fixed layout.
    #[error("{0} trailing byte(s) after the frame")]
    TrailingBytes(usize),
    /// A protobuf payload did not decode.
    #[error("malformed {message} payload: {reason}")]
    Payload {
        /// The protobuf message name.
        message: &'static str,
        /// What went wrong.
        reason: String,
    },
    /// A protobuf payload lacked a field its schema marks `required`.
    #[error("{message} payload lacks required field {field}")]
    MissingField {
        /// The protobuf message name.
        message: &'static str,
        /// The field number.
        field: u32,
    },
}

/// Why a frame could not be encoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// A string is longer than its 2-byte length prefix can say.
    #[error("{field} is {len} bytes encoded; the limit is 65535")]
    StringTooLong {
        /// The field being written.
        field: &'static str,
        /// Its encoded length.
        len: usize,
    },
}

/// Result alias for decoding.
pub type DecodeResult<T> = Result<T, DecodeError>;
