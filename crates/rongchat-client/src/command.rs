//! What the handles (and the driver's own transfer tasks) ask of the driver task.

use crate::engine::AppRequest;
use crate::model::SendFailure;
use crate::session::RequestError;
use tokio::sync::oneshot;

/// Where a query's answer goes.
pub(crate) type QueryReply = oneshot::Sender<Result<Vec<u8>, RequestError>>;

/// One request to the driver.
#[derive(Debug)]
pub(crate) enum Command {
    Connect,
    Disconnect,
    NetworkHint,
    /// The outbox has new entries (a send, a retry).
    OutboxChanged,
    /// A read state was queued for the server and the other devices.
    ReadsChanged,
    /// This user types in a conversation (the engine throttles the reports).
    Typing(crate::model::ConversationId),
    /// This user pinned or muted a conversation (queued in the store): tell the server.
    StatusesChanged,
    /// Stop a queued message's upload.
    CancelUpload(i64),
    /// A request of the application's own.
    Ask {
        request: AppRequest,
        reply: QueryReply,
    },
    /// A transfer task ended.
    UploadFinished {
        local_id: i64,
        result: Result<(), SendFailure>,
    },
    Shutdown,
}
