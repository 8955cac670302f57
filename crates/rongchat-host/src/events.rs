//! Event names shared with `ui/js/api.js` (EVENTS). App-wide facts go out with `emit`;
//! per-call streams (upload progress, recording levels) use a `Channel` instead.

/// The connection state changed (payload: `models::StatusDto`).
pub const SESSION_STATUS: &str = "session-status";
/// Conversations were created or changed (payload: `[models::ConversationDto]`, in order).
/// One event per burst: each event is a script the webview evaluates, and a first sync
/// of 1,000 conversations sent one each.
pub const CONVERSATIONS_UPDATED: &str = "conversations-updated";
/// A conversation was removed (payload: `models::ConvRef`).
pub const CONVERSATION_REMOVED: &str = "conversation-removed";
/// The whole list may have changed; reload it (payload: [`Reset`]).
pub const CONVERSATIONS_RESET: &str = "conversations-reset";
/// Messages arrived (payload: `[models::MessageDto]`, in order; one event per burst).
pub const MESSAGES_RECEIVED: &str = "messages-received";
/// A message changed: sent, failed, heard (payload: `models::MessageDto`).
pub const MESSAGE_UPDATED: &str = "message-updated";
/// Someone started or stopped typing (payload: `models::TypingDto`).
pub const TYPING: &str = "typing";
/// Messages were deleted here (payload: `models::RemovedDto`).
pub const MESSAGES_REMOVED: &str = "messages-removed";
/// The peer of a private chat read our messages (payload: `receipts::ReadReceiptDto`).
pub const READ_RECEIPT: &str = "read-receipt";
/// Who read one of our group messages changed (payload: `receipts::GroupReceiptDto`).
pub const GROUP_RECEIPT: &str = "group-receipt";
/// A clicked notification asks the page to open its chat (payload: `models::ConvRef`).
pub const OPEN_CONVERSATION: &str = "open-conversation";
/// To the windows, from the engine: show the window (payload: the chat to open, or null),
/// as the tray or a clicked notification asked. Not for the page.
pub const SHELL_SHOW: &str = "shell-show";
/// To the windows, from the engine: the user quit; the engine stops. Not for the page.
pub const SHELL_QUIT: &str = "shell-quit";
/// Voice or music playback started or ended (payload: `models::PlaybackDto`).
pub const VOICE_PLAYBACK: &str = "voice-playback";

/// How the session reaches the page: emit an event by name with a JSON payload. A
/// closure, so the session and its forwarder run without a Tauri runtime in tests.
pub type Emit = std::sync::Arc<dyn Fn(&'static str, serde_json::Value) + Send + Sync>;

/// A payload as JSON (DTOs always serialize; `null` if one ever did not).
pub fn json<T: serde::Serialize>(value: T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or_default()
}

/// Why the list is to be reloaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase", tag = "reason")]
pub enum Reset {
    /// A new session started.
    Session,
    /// The offline messages are caught up after a connect.
    Synced,
    /// Events were lost (a slow page); the list is re-read instead.
    Lagged,
}

impl Reset {
    /// Tells the page.
    pub fn emit(self, emit: &Emit) {
        emit(CONVERSATIONS_RESET, json(self))
    }
}
