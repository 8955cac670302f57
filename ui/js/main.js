// Wires the views together and keeps the page's state in step with the backend's events.
import { $, toast, shownMessages } from './dom.js';
import { setLanguage, applyStaticLabels, errorText } from './i18n.js';
import { convKey, renderList } from './list.js';
import { createChat } from './chat.js';
import { createComposer } from './composer.js';
import { createBanner } from './banner.js';
import { createSettings } from './settings.js';
import { formatListTime } from './time.js';
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
};

const app = $('app');
const setPage = (page) => { app.dataset.page = page; };

const listHandlers = {
  onOpen: (conv) => openConversation(conv),
  onPin: (conv, pinned) => api.conversationSetPinned(conv, pinned).catch((e) => toast(errorText(e))),
  onMute: (conv, muted) => api.conversationSetMuted(conv, muted).catch((e) => toast(errorText(e))),
};
// Many events can arrive in one burst (a first sync of 1,000 conversations): render the
// list at most once per frame.
let listFrame = 0;
const refreshList = () => {
  if (listFrame) return;
  listFrame = requestAnimationFrame(() => {
    listFrame = 0;
    renderList(state, listHandlers);
  });
};

const chat = createChat(state, refreshList);
const composer = createComposer(state, chat);
const settings = createSettings({
  onLanguage: () => { refreshList(); chat.render(); banner.update(state.status); },
  onClose: () => setPage(state.currentKey ? 'chat' : 'list'),
});
const openSettings = async () => {
  setPage('settings');
  try { await settings.load(); } catch (e) { toast(errorText(e)); }
};
const banner = createBanner({ openSettings });

async function openConversation(conv) {
  state.currentKey = convKey(conv);
  setPage('chat');
  composer.load(conv);
  refreshList();
  try {
    // Opening reads the conversation: the unread count goes to zero here and on the server.
    const updated = await api.conversationOpen(conv);
    if (updated) state.conversations.set(convKey(updated), updated);
  } catch (e) {
    toast(errorText(e));
  }
  refreshList();
  await chat.open(state.conversations.get(state.currentKey) || conv);
  composer.focus();
}

function closeChat() {
  state.currentKey = null;
  chat.close();
  setPage('list');
  refreshList();
}

async function reloadConversations() {
  const synced = Boolean(state.status && state.status.synced);
  let list;
  try {
    list = await api.conversationList();
  } catch (e) {
    // Still signing in: the backend sends conversations-reset once it is.
    if (e.kind === 'notSignedIn') return;
    throw e;
  }
  state.conversations = new Map(list.map((c) => [convKey(c), c]));
  if (state.currentKey && !state.conversations.has(state.currentKey)) closeChat();
  refreshList();
  if (synced) state.listSynced = true;
}

function showMe(status) {
  $('me-name').textContent = status && status.userName ? status.userName : '';
}

async function start() {
  const s = await api.settingsGet().catch(() => ({ language: 'zh' }));
  setLanguage(s.language);
  applyStaticLabels();

  await api.on(api.EVENTS.status, (status) => {
    state.status = status;
    banner.update(status);
    showMe(status);
  });
  await api.on(api.EVENTS.conversationUpdated, (conv) => {
    const key = convKey(conv);
    // An open chat reads what arrives: clear the count as soon as it shows up.
    if (key === state.currentKey && conv.unread > 0 && document.visibilityState !== 'hidden') {
      conv.unread = 0;
      api.conversationMarkRead(conv).catch(() => {});
    }
    state.conversations.set(key, conv);
    refreshList();
  });
  await api.on(api.EVENTS.conversationRemoved, (conv) => {
    state.conversations.delete(convKey(conv));
    if (convKey(conv) === state.currentKey) closeChat();
    refreshList();
  });
  await api.on(api.EVENTS.conversationsReset, () => reloadConversations().catch((e) => toast(errorText(e))));
  await api.on(api.EVENTS.messageReceived, (msg) => chat.onMessage(msg));
  await api.on(api.EVENTS.messageUpdated, (msg) => chat.onMessage(msg));
  await api.on(api.EVENTS.voicePlayback, (p) => { if (p.state === 'ended') chat.onPlaybackEnded(p.messageId); });

  $('chat-back').addEventListener('click', closeChat);
  $('open-settings').addEventListener('click', openSettings);
  $('settings-back').addEventListener('click', () => setPage(state.currentKey ? 'chat' : 'list'));

  const status = await api.sessionGet();
  state.status = status;
  banner.update(status);
  showMe(status);
  await reloadConversations().catch((e) => toast(errorText(e)));
  // Relative times ("昨天") move on with the clock.
  setInterval(refreshList, 60 * 1000);
  document.body.dataset.ready = 'true';
}

// Hooks for the end-to-end tests (read-only helpers; no backend access beyond api.js).
window.__rongchat = Object.freeze({ formatListTime, state, shownMessages });

start().catch((e) => {
  document.body.dataset.ready = 'error';
  toast(errorText(e));
});
