// The chat page: message list with history on scroll-up, media actions, send status.
// The list is virtualised (messagewindow.js): only the rows in view are in the DOM.
import { el, $, toast } from './dom.js';
import { t, errorText } from './i18n.js';
import { formatChatTime } from './time.js';
import { messageItem, openFileWithFeedback } from './messages.js';
import { convKey } from './list.js';
import { upsertMessage } from './order.js';
import * as api from './api.js';
import { createTypingState, chatTitle } from './typing.js';
import { trackUpload, settleUpload } from './uploads.js';
import { createMessageWindow } from './messagewindow.js';

const PAGE_GAP_MS = 5 * 60 * 1000; // a time divider when messages are 5 minutes apart
const AROUND = 20; // messages loaded on each side of a search hit, and per newer page

export function createChat(state, onChange) {
  const scroll = $('message-scroll');
  const list = $('message-list');
  const historyStatus = $('history-status');
  const typing = createTypingState();

  /** The title: the peer's name, or "typing…" while someone types there (text only). */
  function renderTitle() {
    const conv = state.conversations.get(state.currentKey) || state.openConv;
    if (!conv) return;
    $('chat-title').textContent = chatTitle(conv.title, typing.isTyping(state.currentKey), t('peerTyping'));
  }

  const ctx = {
    progress: state.progress,
    playingId: null,
    showSenderNames: false,
    me: () => state.status, // { userId, userName }: whose @mentions are highlighted
    posterCache: new Map(),
    openImage: async (msg) => {
      const viewer = $('image-viewer');
      const img = $('image-viewer-img');
      img.src = msg.thumbnail || '';
      viewer.hidden = false;
      try {
        img.src = await api.fileImageFull(msg.id);
      } catch (e) {
        toast(errorText(e));
      }
    },
    openFile: (msg) => openFileWithFeedback(msg),
    toggleVoice: (msg) => togglePlay(msg, () => { msg.heard = true; return api.voicePlay(msg.id); }),
    toggleMusic: (msg) => togglePlay(msg, () => api.musicPlay(msg.id)),
    loadPoster: (msg, img) => {
      const cached = ctx.posterCache.get(msg.id);
      if (cached) { img.src = cached; return; }
      if (cached === null) return;
      ctx.posterCache.set(msg.id, null);
      api.fileMusicPoster(msg.id).then((url) => {
        if (!url) return;
        ctx.posterCache.set(msg.id, url);
        img.src = url;
      }).catch(() => {});
    },
    resend: async (msg) => {
      try {
        await api.messageResend(msg.id, trackUpload(state.progress, () => render()));
      } catch (e) {
        toast(errorText(e));
      }
    },
    cancelUpload: (msg) => api.messageCancelUpload(msg.id).catch((e) => toast(errorText(e))),
    recall: async (msg) => {
      try {
        await api.messageRecall(msg.id);
      } catch (e) {
        toast(errorText(e));
      }
    },
  };

  /** Stops what plays when it is `msg`, else starts `msg` with `play`. */
  async function togglePlay(msg, play) {
    try {
      if (ctx.playingId === msg.id) {
        await api.voiceStop();
        ctx.playingId = null;
      } else {
        ctx.playingId = msg.id;
        const started = play();
        render();
        await started;
      }
    } catch (e) {
      ctx.playingId = null;
      toast(errorText(e));
    }
    render();
  }

  /** The rows to show: each message not deleted, with a time divider above it when it
   * comes 5 minutes after the one before. */
  function rowsOf() {
    const rows = [];
    let lastTime = 0;
    for (const msg of state.messages) {
      // Deleted for both sides (a recall with isDelete): nothing to show.
      if (msg.deleted) continue;
      const divider = msg.sentTime - lastTime > PAGE_GAP_MS ? formatChatTime(msg.sentTime) : null;
      lastTime = msg.sentTime;
      rows.push({ key: msg.id, msg, divider });
    }
    return rows;
  }

  function buildRow({ msg, divider }) {
    const item = messageItem(msg, ctx);
    // The search hit stays marked through re-renders (a receipt or an update redraws).
    if (msg.id === state.searchTarget) item.classList.add('search-target');
    return divider ? [el('li', { class: 'time-divider', text: divider }), item] : [item];
  }

  /** Everything a row shows: it is drawn again when this changes (some fields, like
   * `heard`, are set in place). */
  function rowSignature({ msg, divider }) {
    const me = ctx.me();
    return JSON.stringify([msg, divider, ctx.playingId === msg.id, ctx.progress.get(msg.id) ?? null,
      state.searchTarget === msg.id, ctx.showSenderNames, t('recall'), me ? me.userId : null,
      ctx.receiptSignature ? ctx.receiptSignature(msg) : null]);
  }

  /** A row's height before it is drawn (px, roughly; it is measured once drawn). */
  function guessHeight({ msg, divider }) {
    const base = { image: 0, voice: 50, file: 74, music: 82, recalled: 30 }[msg.kind] ?? 50;
    let h = base + (divider ? 30 : 0) + (msg.direction === 'send' && msg.kind !== 'recalled' ? 18 : 0);
    if (msg.kind === 'image') {
      const side = Math.max(msg.imageWidth || 0, msg.imageHeight || 0);
      h += side ? Math.round((msg.imageHeight || 0) * Math.min(1, 200 / side)) + 12 : 112;
    }
    if (msg.kind === 'text') h += 21 * Math.floor(String(msg.text || '').length / 40);
    return h;
  }

  const view = createMessageWindow({ scroll, list, build: buildRow, signature: rowSignature, guess: guessHeight });

  /** Draws the messages: kept at the bottom if there (or `keepBottom`), `centre` (an id)
   * in the middle, else the row in view stays in place (`anchor` is that, said aloud). */
  function render({ keepBottom = false, anchor = null, centre = null } = {}) {
    const conv = state.conversations.get(state.currentKey);
    ctx.showSenderNames = conv ? conv.conversationType !== 'private' : false;
    view.show(rowsOf(), { bottom: keepBottom && !anchor, centre, keep: Boolean(anchor) });
    renderTitle();
    if (state.loadingHistory) historyStatus.textContent = t('loading');
    else historyStatus.textContent = state.hasMore || state.historyRetry ? '' : t('noMore');
  }

  const upsert = (msg) => upsertMessage(state.messages, msg);

  async function loadOlder() {
    if (state.loadingHistory || !state.hasMore || !state.currentKey) return;
    const conv = state.conversations.get(state.currentKey);
    if (!conv) return;
    state.loadingHistory = true;
    render();
    const key = state.currentKey;
    const first = state.messages[0];
    try {
      const page = await api.messageHistory(conv, first ? first.id : null);
      if (key !== state.currentKey) return;
      for (const msg of page.messages) upsert(msg);
      // Offline, a short page is only what is stored here: ask again once connected.
      const online = Boolean(state.status && state.status.state && state.status.state.kind === 'connected');
      state.hasMore = page.hasMore;
      state.historyRetry = !page.hasMore && !online;
    } catch (e) {
      toast(errorText(e));
    } finally {
      state.loadingHistory = false;
    }
    render({ anchor: first ? 'prepend' : null, keepBottom: !first });
    // Fill the screen: keep loading while there is no scroll bar yet.
    if (state.hasMore && scroll.scrollHeight <= scroll.clientHeight) loadOlder();
  }

  /** Opened at a search hit: the messages after the newest one shown (search.js). */
  async function loadNewer() {
    const last = state.messages[state.messages.length - 1];
    if (state.loadingHistory || !state.hasNewer || !last) return;
    state.loadingHistory = true;
    const key = state.currentKey;
    try {
      const page = await api.messageAround(last.id, 0, AROUND);
      if (key !== state.currentKey) return;
      for (const msg of page.messages) upsert(msg);
      state.hasNewer = page.hasNewer;
    } catch (e) {
      toast(errorText(e));
    } finally {
      state.loadingHistory = false;
    }
    render({ anchor: 'keep' });
  }

  scroll.addEventListener('scroll', () => {
    if (scroll.scrollTop < 60) loadOlder();
    else if (scroll.scrollHeight - scroll.scrollTop - scroll.clientHeight < 60) loadNewer();
  });
  $('image-viewer').addEventListener('click', () => { $('image-viewer').hidden = true; });

  return {
    ctx,
    render,
    async open(conv) {
      view.reset();
      state.messages = [];
      state.hasMore = true;
      state.hasNewer = false;
      state.loadingHistory = false;
      state.searchTarget = null;
      state.openConv = conv;
      renderTitle();
      $('chat').hidden = false;
      $('chat-placeholder').hidden = true;
      render({ keepBottom: true });
      await loadOlder();
      render({ keepBottom: true });
      onChange();
    },
    /** Opens `conv` at message `id` (a search hit): it, centred and marked, with older
     * and newer history around it; scrolling loads more either way. */
    async openAt(conv, id) {
      view.reset();
      state.searchTarget = id;
      state.messages = [];
      state.hasMore = true;
      state.hasNewer = false;
      // Loading: a scroll meanwhile (the emptied list's) must not load a page of its own.
      state.loadingHistory = true;
      state.openConv = conv;
      $('chat').hidden = false;
      $('chat-placeholder').hidden = true;
      try {
        const page = await api.messageAround(id, AROUND, AROUND);
        for (const msg of page.messages) upsert(msg);
        state.hasNewer = page.hasNewer;
      } catch (e) {
        toast(errorText(e));
      } finally {
        state.loadingHistory = false;
      }
      render({ centre: id });
      onChange();
    },
    close() {
      view.reset();
      $('chat').hidden = true;
      $('chat-placeholder').hidden = false;
      state.messages = [];
      state.openConv = null;
    },
    /** Connected again: fetch the history an offline page could not give. */
    onOnline() {
      if (!state.historyRetry || !state.currentKey) return;
      state.historyRetry = false;
      state.hasMore = true;
      loadOlder();
    },
    /** The event stream lagged: read the open chat again, newest first, back to the oldest
     * message shown, so no lost message leaves a gap (a burst can be longer than a page). */
    async resync() {
      const conv = state.conversations.get(state.currentKey);
      if (!conv) return;
      const key = state.currentKey;
      const oldest = state.messages[0];
      try {
        let page = await api.messageHistory(conv, null);
        for (;;) {
          if (key !== state.currentKey) return;
          for (const msg of page.messages) upsert(msg);
          const first = page.messages[0];
          if (!page.hasMore || !first || !oldest || first.sentTime <= oldest.sentTime) break;
          page = await api.messageHistory(conv, first.id);
        }
      } catch (e) {
        toast(errorText(e));
      }
      render();
    },
    /** A new or changed message from the backend. */
    onMessage(msg) {
      settleUpload(state.progress, msg);
      if (convKey(msg) !== state.currentKey) return false;
      upsert(msg);
      render({ keepBottom: msg.direction === 'send' });
      return true;
    },
    /** Someone started or stopped typing (the backend's `typing` event). */
    onTyping(event) {
      if (typing.apply(event) === state.currentKey) renderTitle();
    },
    /** A clip started (clicked, or the next unheard one after a clip ended). */
    onPlaybackStarted(id) {
      if (ctx.playingId === id) return;
      ctx.playingId = id;
      render();
    },
    onPlaybackEnded(id) {
      if (ctx.playingId === id || id === null) {
        ctx.playingId = null;
        render();
      }
    },
  };
}
