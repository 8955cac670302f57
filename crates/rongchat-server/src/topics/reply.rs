//! What the topic handlers share: the reply type and the payload and error mappings.

use crate::routing::INTERNAL_ERROR;
use rongchat_proto::pb::{Required, decode_checked};
use rongchat_proto::status::AckStatus;

/// The bytes a reply's listed messages may take: the reply budget less room for the
/// reply's own fields (cursors, flags).
pub(crate) const LIST_BYTES: usize = crate::config::MAX_REPLY_BYTES - 1024;

/// What a query handler returns: a protobuf reply, or an error status.
pub(crate) type Reply = Result<Vec<u8>, AckStatus>;

/// Decodes a payload, mapping any defect (bad bytes, missing required field) to 26010.
pub(crate) fn decode<M: Required>(payload: &[u8]) -> Result<M, AckStatus> {
    decode_checked::<M>(payload).map_err(|e| {
        tracing::debug!("bad payload: {e}");
        AckStatus::ParameterInvalid
    })
}

/// Logs a store failure and maps it to the internal-error status.
pub(crate) fn internal(e: crate::Error) -> AckStatus {
    tracing::error!("query failed: {e}");
    AckStatus::Other(INTERNAL_ERROR)
}
