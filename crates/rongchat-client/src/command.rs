//! What the handles (and the driver's own transfer tasks) ask of the driver task.

use crate::model::SendFailure;
use crate::session::RequestError;
use rongchat_proto::Topic;
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
    /// Stop a queued message's upload.
    CancelUpload(i64),
    /// A QUERY (target `None` = this user, as the SDK does).
    Query {
        topic: Topic,
        target: Option<String>,
        payload: Vec<u8>,
        reply: QueryReply,
    },
    /// A PUBLISH for the application (a recall); answered with the messageUId.
    Publish {
        topic: Topic,
        target: String,
        payload: Vec<u8>,
        reply: QueryReply,
    },
    /// A transfer task ended.
    UploadFinished {
        local_id: i64,
        result: Result<(), SendFailure>,
    },
    Shutdown,
}
