// The only file that talks to the Rust side (invoke, listen, Channel). Every command the
// UI uses is a function here, so the rest of the UI never names a command or an event.
const tauri = window.__TAURI__;
const { invoke, Channel } = tauri.core;
const { listen } = tauri.event;

/** Event names, the same constants as crates/rongchat-host/src/events.rs. */
export const EVENTS = Object.freeze({
  status: 'session-status',
  conversationsUpdated: 'conversations-updated',
  conversationRemoved: 'conversation-removed',
  conversationsReset: 'conversations-reset',
  messagesReceived: 'messages-received',
  messageUpdated: 'message-updated',
  voicePlayback: 'voice-playback',
  openConversation: 'open-conversation',
  typing: 'typing',
  messagesRemoved: 'messages-removed',
  readReceipt: 'read-receipt',
  groupReceipt: 'group-receipt',
});

/** Errors arrive as {kind, message}; keep them as real Errors with the kind attached. */
async function call(cmd, args, options) {
  try {
    return await invoke(cmd, args, options);
  } catch (e) {
    const err = new Error(e && e.message ? e.message : String(e));
    err.kind = e && e.kind ? e.kind : 'unknown';
    if (e && e.code !== undefined) err.code = e.code;
    if (e && e.reason) err.reason = e.reason;
    throw err;
  }
}

function channel(onMessage) {
  const ch = new Channel();
  ch.onmessage = onMessage;
  return ch;
}

export function on(name, handler) {
  return listen(name, (event) => handler(event.payload));
}

// session
export const sessionGet = () => call('session_get');
export const sessionReconnect = () => call('session_reconnect');
export const sessionLogout = (deleteData) => call('session_logout', { deleteData });

// conversations
export const conversationList = () => call('conversation_list');
export const conversationOpen = (conv) => call('conversation_open', { conv });
export const conversationMarkRead = (conv) => call('conversation_mark_read', { conv });
export const conversationSetPinned = (conv, pinned) => call('conversation_set_pinned', { conv, pinned });
export const conversationSetMuted = (conv, muted) => call('conversation_set_muted', { conv, muted });
export const conversationRemove = (conv) => call('conversation_remove', { conv });
export const conversationSetDraft = (conv, draft) => call('conversation_set_draft', { conv, draft });
export const conversationStart = (conv) => call('conversation_start', { conv });
// typing status: reported on input (the backend throttles), shown from EVENTS.typing
export const conversationTyping = (conv) => call('conversation_typing', { conv });
// read receipts: a chat's state, asking a group who read ours; changes come as
// EVENTS.readReceipt / EVENTS.groupReceipt (ui/js/receipts.js)
export const receiptState = (conv) => call('receipt_state', { conv });
// profiles: a group's members [{id, name, avatar}] (the 群成员 panel, the @ picker)
export const groupMembers = (conv) => call('group_members', { conv });
export const messageRequestReceipt = (id) => call('message_request_receipt', { id });

// messages
export const messageHistory = (conv, before) => call('message_history', { conv, before: before ?? null });
// mention: { all, userIds } in a group, or none.
export const messageSendText = (conv, text, mention = null) => call('message_send_text', { conv, text, mention });
export const messageSendMusic = (conv, musicId) => call('message_send_music', { conv, musicId });
// a resent file reports its new upload to onProgress, as a first send does
export const messageResend = (id, onProgress) => call('message_resend', { id, progress: channel(onProgress) });
export const messageCancelUpload = (id) => call('message_cancel_upload', { id });
export const messageRecall = (id) => call('message_recall', { id });
// links in messages open in the system browser (http and https only)
export const linkOpen = (url) => call('link_open', { url });
// reply, forward, delete (scope 'me' | 'both'), clear history: ui/js/actions.js
export const messageReply = (id, text) => call('message_reply', { id, text });
export const messageForward = (id, to) => call('message_forward', { id, to });
export const messageDelete = (ids, scope) => call('message_delete', { ids, scope });
export const conversationClearHistory = (conv, remote = true) => call('conversation_clear_history', { conv, remote });
export const messageSearch = (query, offset) => call('message_search', { query, offset: offset ?? null });
export const messageAround = (id, older, newer) => call('message_around', { id, older, newer });

// dropped and pasted files: the page hands their bytes and name (never a path), then sends
// the staged file by the id it got back
export const fileStage = async (file) => call('file_stage', new Uint8Array(await file.arrayBuffer()),
  { headers: { 'x-file-name': encodeURIComponent(file.name || '') } });
export const fileSendStaged = (conv, staged, onProgress) =>
  call('file_send_staged', { conv, staged, progress: channel(onProgress) });
// files: the Rust side shows the picker, so the page never hands a path to the backend.
export const fileSendPicked = (conv, kind, onProgress) =>
  call('file_send_picked', { conv, kind, progress: channel(onProgress) });
export const fileOpen = (id) => call('file_open', { id });
export const fileImageFull = (id) => call('file_image_full', { id });
export const fileMusicPoster = (id) => call('file_music_poster', { id });

// voice
export const voiceRecordStart = (conv, onLevel) => call('voice_record_start', { conv, levels: channel(onLevel) });
export const voiceRecordStop = (send) => call('voice_record_stop', { send });
export const voicePlay = (id) => call('voice_play', { id });
export const voiceStop = () => call('voice_stop');
export const voiceSpeedGet = () => call('voice_speed_get');
export const voiceSpeedSet = (speed) => call('voice_speed_set', { speed });

// music
export const musicList = () => call('music_list');
export const musicPlay = (id) => call('music_play', { id });

// the app outside the page (window title, tray), read back by the E2E
export const shellBadge = () => call('shell_badge');
// the chat shown (null: none), which a window built again after a close to the tray opens
export const shellChatShown = (conv) => call('shell_chat_shown', {
  conv: conv && { conversationType: conv.conversationType, targetId: conv.targetId },
});
/** Once the first list is in: the chat to open now (a clicked notification's), or null. */
export const shellChatToOpen = () => call('shell_chat_to_open', {});

// settings
export const settingsGet = () => call('settings_get');
export const settingsSave = (settings) => call('settings_save', { settings });
export const settingsUseDemo = () => call('settings_use_demo');
