// Wires the views together and keeps the page's state in step with the backend's events.
import { $, toast, shownMessages } from './dom.js';
import { setLanguage, applyStaticLabels, errorText, t } from './i18n.js';
import { convKey, renderList, revealConversation } from './list.js';
import { chatIsSeen } from './reading.js';
import { createChat } from './chat.js';
import { createComposer } from './composer.js';
import { createAttach } from './attach.js';
import { createActions } from './actions.js';
import { createMembers } from './members.js';
import { createReceipts } from './receipts.js';
import { createBanner } from './banner.js';
import { createSettings } from './settings.js';
import { createSearch } from './search.js';
import { createSpeedToggle } from './voice.js';
import { formatListTime, msUntilNextDay } from './time.js';
import * as api from './api.js';

const state = {
  status: null,
  conversations: new Map(),
  currentKey: null,
  messages: [],
  hasMore: true,
  loadingHistory: false,
  progress: new Map(),
  musics: [],
  listSynced: false, // a list read after the catch-up sync (the E2E waits on it)
  // When a list of this many conversations was first on the screen (performance.now() at
  // the next frame): the page's own clock for the start and reopen benchmarks.
  listDrawn: null,
};

const app = $('app');
const setPage = (page) => { app.dataset.page = page; };

const listHandlers = {
  onOpen: (conv) => openConversation(conv),
  onPin: (conv, pinned) => api.conversationSetPinned(conv, pinned).catch((e) => toast(errorText(e))),
  onMute: (conv, muted) => api.conversationSetMuted(conv, muted).catch((e) => toast(errorText(e))),
  onUnsupported: () => toast(t('unsupportedConversation')),
};

/** Whether the user can see the open chat now (see reading.js). */
const seen = () => chatIsSeen({
  focused: document.hasFocus(), visibility: document.visibilityState, page: app.dataset.page,
});

/** Marks the open chat read when it has unread messages and the user can see it. */
function readIfSeen() {
  const conv = state.conversations.get(state.currentKey);
  if (!conv || conv.unread <= 0 || !seen()) return;
  conv.unread = 0;
  api.conversationMarkRead(conv).catch(() => {});
  refreshList();
}
// Many events can arrive in one burst (a first sync of 1,000 conversations): render the
// list at most once per frame.
let listFrame = 0;
const refreshList = () => {
  if (listFrame) return;
  listFrame = requestAnimationFrame(() => {
    listFrame = 0;
    renderList(state, listHandlers);
    noteListDrawn(state.conversations.size);
  });
};

let listDrawnSize = 0;
function noteListDrawn(conversations) {
  if (!conversations || conversations === listDrawnSize) return;
  listDrawnSize = conversations;
  // The frame after this one starts once this one, with the rows, is painted.
  requestAnimationFrame(() => { state.listDrawn = { conversations, at: performance.now() }; });
}

const chat = createChat(state, refreshList);
const composer = createComposer(state, chat);
createAttach(state, chat);
const actions = createActions(state, chat);
const members = createMembers();
const receipts = createReceipts(chat, state);
const settings = createSettings({
  onLanguage: () => { refreshList(); chat.render(); banner.update(state.status); actions.relabel(); members.relabel(); },
  onClose: closeSettings,
});
/** Back from the settings: the chat under them is seen again, so it is read now. */
function closeSettings() {
  setPage(state.currentKey ? 'chat' : 'list');
  readIfSeen();
}
const openSettings = async () => {
  setPage('settings');
  try { await settings.load(); } catch (e) { toast(errorText(e)); }
};
const banner = createBanner({ openSettings });
createSearch(state, { onOpen: (conv, messageId) => openConversation(conv, messageId) });

/** Opens `conv`; at `messageId` (a search hit) with the history around it. */
async function openConversation(conv, messageId = null) {
  composer.leave();
  actions.reset();
  state.currentKey = convKey(conv);
  setPage('chat');
  tellChatShown(conv);
  composer.load(conv);
  refreshList();
  try {
    // Opening reads the conversation: the unread count goes to zero here and on the server.
    // A chat started by id has nothing to read (and no row yet: reading it would remove it).
    const updated = conv.latestTime ? await api.conversationOpen(conv) : null;
    if (updated) state.conversations.set(convKey(updated), updated);
  } catch (e) {
    toast(errorText(e));
  }
  refreshList();
  const open = state.conversations.get(state.currentKey) || conv;
  members.update(open);
  await (messageId ? chat.openAt(open, messageId) : chat.open(open));
  composer.focus();
}

/** Opens a chat the backend asked for (it names the chat only; its row has the rest). */
function openAsked(conv) {
  return openConversation(state.conversations.get(convKey(conv)) || conv);
}

/** Tells the backend which chat is shown: a window built again opens it again. */
function tellChatShown(conv) {
  // Only a convenience for the next window: a failure is logged, not shown.
  api.shellChatShown(conv).catch((e) => console.warn('shell_chat_shown', e));
}

function refreshAtMidnight() {
  // A second past midnight, so the new day has begun by any clock's rounding.
  setTimeout(() => { refreshList(); refreshAtMidnight(); }, msUntilNextDay(Date.now()) + 1000);
}

function closeChat() {
  composer.leave();
  actions.reset();
  members.update(null);
  state.currentKey = null;
  chat.close();
  setPage('list');
  tellChatShown(null);
  refreshList();
}

// Conversation changes that arrive while a full list is on its way, per reload in flight:
// the list was read before them, so they are applied on top of it, in order (otherwise a
// chat whose first message lands during a reload would vanish from the list).
const reloadsInFlight = new Set();

function noteConversationChange(key, conv) {
  for (const changes of reloadsInFlight) changes.push([key, conv]);
}

async function reloadConversations() {
  const synced = Boolean(state.status && state.status.synced);
  const changes = [];
  reloadsInFlight.add(changes);
  let list;
  try {
    list = await api.conversationList();
  } catch (e) {
    // Still signing in: the backend sends conversations-reset once it is.
    if (e.kind === 'notSignedIn') return;
    throw e;
  } finally {
    reloadsInFlight.delete(changes);
  }
  const open = state.conversations.get(state.currentKey);
  state.conversations = new Map(list.map((c) => [convKey(c), c]));
  for (const [key, conv] of changes) {
    if (conv) state.conversations.set(key, conv);
    else state.conversations.delete(key);
  }
  // A chat started by id is stored with its first message: keep it open until then.
  if (open && !open.latestTime && !state.conversations.has(state.currentKey)) {
    state.conversations.set(state.currentKey, open);
  }
  if (state.currentKey && !state.conversations.has(state.currentKey)) closeChat();
  refreshList();
  if (synced) state.listSynced = true;
}

function showMe(status) {
  $('me-name').textContent = status && status.userName ? status.userName : '';
}

/** Registers every backend event's listener, all at once (each is an IPC round trip). */
function listenToBackend() {
  return Promise.all([
    api.on(api.EVENTS.status, (status) => {
      state.status = status;
      banner.update(status);
      showMe(status);
      if (status.state && status.state.kind === 'connected') chat.onOnline();
    }),
    // A burst of rows in one event (a first sync brings 1,000).
    api.on(api.EVENTS.conversationsUpdated, (convs) => {
      for (const conv of convs) {
        state.conversations.set(convKey(conv), conv);
        noteConversationChange(convKey(conv), conv);
      }
      // An open chat the user can see reads what arrives; otherwise when they come back.
      readIfSeen();
      refreshList();
    }),
    api.on(api.EVENTS.conversationRemoved, (conv) => {
      state.conversations.delete(convKey(conv));
      noteConversationChange(convKey(conv), null);
      if (convKey(conv) === state.currentKey) closeChat();
      refreshList();
    }),
    api.on(api.EVENTS.conversationsReset, (reset) => {
      reloadConversations().catch((e) => toast(errorText(e)));
      // Lost events may include the open chat's messages.
      if (reset && reset.reason === 'lagged') chat.resync();
      // Another account: its receipts are read afresh.
      if (reset && reset.reason === 'session') receipts.clear();
    }),
    api.on(api.EVENTS.messagesReceived, (msgs) => { for (const msg of msgs) chat.onMessage(msg); }),
    api.on(api.EVENTS.messageUpdated, (msg) => chat.onMessage(msg)),
    api.on(api.EVENTS.typing, (event) => chat.onTyping(event)),
    api.on(api.EVENTS.readReceipt, (event) => receipts.onRead(event)),
    api.on(api.EVENTS.groupReceipt, (event) => receipts.onGroup(event)),
    api.on(api.EVENTS.messagesRemoved, (event) => actions.onRemoved(event)),
    // A clicked notification once the page has started (before, `start` asks for it).
    api.on(api.EVENTS.openConversation, (conv) => openAsked(conv)),
    api.on(api.EVENTS.voicePlayback, (p) => {
      if (p.state === 'ended') chat.onPlaybackEnded(p.messageId);
      // Also the next unheard clip the backend plays by itself after one ends.
      if (p.state === 'playing') chat.onPlaybackStarted(p.messageId);
    }),
  ]);
}

async function start() {
  // Nothing here waits for anything it does not need: a window built again (a reopen
  // from the tray) shows its list only after all of it.
  const settingsIn = api.settingsGet().catch(() => ({ language: 'zh' }));
  const listening = listenToBackend();
  const s = await settingsIn;
  setLanguage(s.language);
  applyStaticLabels();
  window.addEventListener('focus', readIfSeen);
  document.addEventListener('visibilitychange', readIfSeen);
  createSpeedToggle({ button: $('voice-speed') });

  $('chat-back').addEventListener('click', closeChat);
  $('start-chat-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const targetId = $('start-chat-id').value.trim();
    if (!targetId) return;
    try {
      const conv = await api.conversationStart({ conversationType: $('start-chat-type').value, targetId });
      $('start-chat-id').value = '';
      state.conversations.set(convKey(conv), conv);
      await openConversation(conv);
    } catch (err) {
      toast(errorText(err));
    }
  });
  $('open-settings').addEventListener('click', openSettings);
  $('settings-back').addEventListener('click', closeSettings);

  // Every listener is in place before the first reads: nothing sent meanwhile is missed.
  await listening;
  const status = await api.sessionGet();
  state.status = status;
  banner.update(status);
  showMe(status);
  await reloadConversations().catch((e) => toast(errorText(e)));
  // The first list is in: a chat asked for meanwhile (a clicked notification), or the one
  // a window closed to the tray showed, opens now. Later ones come as events.
  api.shellChatToOpen()
    .then((conv) => conv && openAsked(conv))
    .catch((e) => console.warn('shell_chat_to_open', e));
  // The day labels ("昨天", weekdays) move on at midnight; no timer ticks in between.
  refreshAtMidnight();
  window.addEventListener('focus', refreshList);
  document.body.dataset.ready = 'true';
}

// Hooks for the end-to-end tests (read-only helpers; no backend access beyond api.js).
window.__rongchat = Object.freeze({ formatListTime, state, shownMessages, revealConversation });

start().catch((e) => {
  document.body.dataset.ready = 'error';
  toast(errorText(e));
});
