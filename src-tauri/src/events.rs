//! Event names shared with `ui/js/api.js` (EVENTS). App-wide facts go out with `emit`;
//! per-call streams (upload progress, recording levels) use a `Channel` instead.

/// The connection state changed (payload: `models::StatusDto`).
pub const SESSION_STATUS: &str = "session-status";
/// A conversation was created or changed (payload: `models::ConversationDto`).
pub const CONVERSATION_UPDATED: &str = "conversation-updated";
/// A conversation was removed (payload: `models::ConvRef`).
pub const CONVERSATION_REMOVED: &str = "conversation-removed";
/// The whole list changed (new session); reload it (no payload).
pub const CONVERSATIONS_RESET: &str = "conversations-reset";
/// A message arrived (payload: `models::MessageDto`).
pub const MESSAGE_RECEIVED: &str = "message-received";
/// A message changed: sent, failed, heard (payload: `models::MessageDto`).
pub const MESSAGE_UPDATED: &str = "message-updated";
/// Voice or music playback started or ended (payload: `models::PlaybackDto`).
pub const VOICE_PLAYBACK: &str = "voice-playback";
