// The conversation list: avatar, title, last-message preview, time, unread badge, pin, mute.
// Virtualised: only the rows in view (window.js) are in the DOM; rows are kept while their
// conversation is unchanged, and the list is a roving-tabindex widget (arrows, Home/End,
// PageUp/PageDown move the focus, scrolling as they go; Enter opens).
import { el, $, avatarNode } from './dom.js';
import { t } from './i18n.js';
import { formatListTime } from './time.js';
import { visibleRange, scrollToShow } from './window.js';

/** A conversation type's name: `private`, `group`, ... (unknown ones arrive as `{other: n}`). */
export const typeName = (type) =>
  (typeof type === 'string' ? type : `other-${type && type.other !== undefined ? type.other : '?'}`);
/** Only these can be opened; others show as a row that says so (and are not lost). */
export const isOpenable = (c) => ['private', 'group', 'chatroom', 'system'].includes(c.conversationType);
/** A conversation's key: its type by name and its target. */
export const convKey = (c) => `${typeName(c.conversationType)}:${c.targetId}`;

/** The demo's order: pinned first, then the newest message first. */
export function sortConversations(list) {
  return [...list].sort((a, b) =>
    (Number(b.pinned) - Number(a.pinned)) || ((b.latestTime || 0) - (a.latestTime || 0)));
}

/** One line of preview text for the latest message, by kind. */
export function previewText(latest) {
  if (!latest) return '';
  switch (latest.kind) {
    case 'text': return latest.text || '';
    case 'image': return t('previewImage');
    case 'voice': return t('previewVoice');
    case 'file': return t('previewFile');
    case 'music': return t('previewMusic');
    // Deleted for both sides shows nothing; a recall its notice.
    case 'recalled':
      if (latest.deleted) return '';
      return t(latest.direction === 'send' ? 'recalledByMe' : 'recalledByPeer');
    default: return t('previewUnsupported');
  }
}

/** The conversation a drawn row stands for now (a kept row's may have been replaced). */
const convOf = new WeakMap();

function conversationItem(conv, active, handlers) {
  const now = () => convOf.get(item) || conv;
  const key = convKey(conv);
  const latest = conv.latest;
  let preview = previewText(latest);
  if (latest && conv.conversationType === 'group' && latest.senderName && latest.direction === 'receive') {
    preview = `${latest.senderName}: ${preview}`;
  }
  const previewNode = el('span', { class: 'conversation-preview' });
  if (conv.draft && !active) {
    previewNode.append(el('span', { class: 'draft', text: t('draft') }), ' ', conv.draft);
  } else if (conv.mentioned) {
    // Until the chat is read (the backend clears it), as WeChat shows it.
    previewNode.append(el('span', { class: 'mentioned', text: t('mentionedMe') }), ' ', preview);
  } else {
    previewNode.textContent = preview;
  }
  const actions = el('span', { class: 'conversation-actions' },
    el('button', {
      class: 'mini-button pin-button', type: 'button', text: conv.pinned ? t('unpin') : t('pin'),
      onclick: (e) => { e.stopPropagation(); handlers.onPin(now(), !now().pinned); },
    }),
    el('button', {
      class: 'mini-button mute-button', type: 'button', text: conv.muted ? t('unmute') : t('mute'),
      onclick: (e) => { e.stopPropagation(); handlers.onMute(now(), !now().muted); },
    }));
  const item = el('li', {
    class: `conversation${active ? ' active' : ''}${conv.pinned ? ' pinned' : ''}`,
    dataset: { key, targetId: conv.targetId, type: typeName(conv.conversationType) },
    title: isOpenable(conv) ? null : t('unsupportedConversation'),
    onclick: () => (isOpenable(now()) ? handlers.onOpen(now()) : handlers.onUnsupported(now())),
  },
  avatarNode(conv.avatar, conv.title),
  el('div', { class: 'conversation-main' },
    el('div', { class: 'conversation-top' },
      el('span', { class: 'conversation-title', text: conv.title }),
      el('span', { class: 'conversation-time', text: formatListTime(conv.latestTime) })),
    el('div', { class: 'conversation-bottom' },
      previewNode,
      conv.muted ? el('span', { class: 'mute-icon', title: t('unmute'), text: '🔕' }) : null,
      actions)));
  if (conv.unread > 0) {
    item.append(el('span', {
      class: conv.muted ? 'badge muted' : 'badge',
      text: conv.unread > 99 ? '99+' : String(conv.unread),
    }));
  }
  return item;
}

/** A row's height before one is measured (the css gives `.conversation` a fixed height). */
const ROW_GUESS = 65;

const view = {
  sorted: [],
  state: null,
  handlers: null,
  rowHeight: ROW_GUESS,
  rows: new Map(), // key -> { sig, node } of the rows drawn now
  focusKey: null, // the row the keyboard is on (the roving tabindex)
  shownKey: null, // the open chat the list last scrolled to
  frame: 0,
  above: null, // spacers for the rows above and below the window (made on the first draw)
  below: null,
};

/**
 * Everything a row shows: a row is redrawn when this changes (conversations are mostly
 * replaced, but some fields are set in place: `unread` when read, `draft` when saved).
 */
function signature(conv, active) {
  const l = conv.latest;
  return JSON.stringify([active, t('pin'), formatListTime(conv.latestTime), conv.title, conv.avatar,
    conv.unread, conv.pinned, conv.muted, conv.mentioned, conv.draft || '',
    l ? [l.kind, l.text, l.senderName, l.direction, l.deleted] : null]);
}

/** Makes `parent`'s children `nodes` moving as few as possible (a moved node loses focus). */
function patchChildren(parent, nodes) {
  const keep = new Set(nodes);
  for (const child of [...parent.children]) if (!keep.has(child)) child.remove();
  nodes.forEach((node, i) => {
    const at = parent.children[i];
    if (at !== node) parent.insertBefore(node, at || null);
  });
}

const viewportOf = (list) => list.clientHeight || window.innerHeight;

/** Draws the rows in view of the last sorted list. */
function drawWindow() {
  const list = $('conversation-list');
  const { sorted, state } = view;
  const range = visibleRange({
    count: sorted.length, rowHeight: view.rowHeight, scrollTop: list.scrollTop, viewportHeight: viewportOf(list),
  });
  const focused = list.contains(document.activeElement) ? document.activeElement : null;
  const focusedRow = focused && focused.closest('li.conversation');
  const focusedClass = focused && focused !== focusedRow ? focused.classList[focused.classList.length - 1] : null;
  const keys = new Set(sorted.map(convKey));
  let tabKey = [view.focusKey, state.currentKey].find((k) => k && keys.has(k)) || null;
  const rows = new Map();
  const nodes = [];
  for (let i = range.start; i < range.end; i += 1) {
    const conv = sorted[i];
    const key = convKey(conv);
    const active = key === state.currentKey;
    const sig = signature(conv, active);
    const old = view.rows.get(key);
    const node = old && old.sig === sig ? old.node : conversationItem(conv, active, view.handlers);
    convOf.set(node, conv);
    rows.set(key, { sig, node });
    nodes.push(node);
  }
  if (!rows.has(tabKey) && nodes.length) tabKey = nodes[0].dataset.key;
  for (const node of nodes) node.tabIndex = node.dataset.key === tabKey ? 0 : -1;
  view.rows = rows;
  // The rows out of view are two spacers' heights (not padding: that would grow the list).
  view.above.style.height = `${range.before}px`;
  view.below.style.height = `${range.after}px`;
  patchChildren(list, [view.above, ...nodes, view.below]);
  // A row moved or redrawn under the keyboard keeps it.
  if (focusedRow && !list.contains(document.activeElement)) {
    const row = rows.get(focusedRow.dataset.key);
    const target = row && (focusedClass ? row.node.querySelector(`.${focusedClass}`) : row.node);
    if (target) target.focus({ preventScroll: true });
  }
  const measured = nodes.length ? nodes[0].offsetHeight : 0;
  if (measured > 0 && measured !== view.rowHeight) {
    view.rowHeight = measured;
    scheduleDraw();
  }
}

function scheduleDraw() {
  if (view.frame) return;
  view.frame = requestAnimationFrame(() => {
    view.frame = 0;
    drawWindow();
  });
}

/** Scrolls row `index` into view and draws now. */
function showIndex(index) {
  const list = $('conversation-list');
  list.scrollTop = scrollToShow({
    index, rowHeight: view.rowHeight, scrollTop: list.scrollTop, viewportHeight: viewportOf(list),
  });
  drawWindow();
}

/** Moves the keyboard to row `index`. */
function focusIndex(index) {
  const i = Math.max(0, Math.min(view.sorted.length - 1, index));
  const conv = view.sorted[i];
  if (!conv) return;
  view.focusKey = convKey(conv);
  showIndex(i);
  const row = view.rows.get(view.focusKey);
  if (row) row.node.focus({ preventScroll: true });
}

function onKey(e) {
  const row = e.target.closest && e.target.closest('li.conversation');
  if (!row || e.target !== row) return; // the pin and mute buttons keep their own keys
  const index = view.sorted.findIndex((c) => convKey(c) === row.dataset.key);
  const page = Math.max(1, Math.floor(viewportOf($('conversation-list')) / view.rowHeight) - 1);
  const moves = {
    ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: view.sorted.length - 1,
    PageDown: index + page, PageUp: index - page,
  };
  if (e.key === 'Enter' || e.key === ' ') {
    e.preventDefault();
    row.click();
  } else if (e.key in moves) {
    e.preventDefault();
    focusIndex(moves[e.key]);
  }
}

let bound = false;
function bind(list) {
  if (bound) return;
  bound = true;
  view.above = el('li', { class: 'list-spacer', 'aria-hidden': 'true' });
  view.below = el('li', { class: 'list-spacer', 'aria-hidden': 'true' });
  list.addEventListener('scroll', scheduleDraw, { passive: true });
  list.addEventListener('keydown', onKey);
  list.addEventListener('focusin', (e) => {
    const row = e.target.closest('li.conversation');
    if (row) view.focusKey = row.dataset.key;
  });
  // A new size (the window's, or the list shown again after a search) draws what is in view.
  new ResizeObserver(scheduleDraw).observe(list);
}

/** Scrolls the first conversation with `targetId` into view (the E2E's way to a row). */
export function revealConversation(targetId) {
  const index = view.sorted.findIndex((c) => c.targetId === targetId);
  if (index >= 0) showIndex(index);
  return index >= 0;
}

export function renderList(state, handlers) {
  const list = $('conversation-list');
  bind(list);
  view.sorted = sortConversations(state.conversations.values());
  view.state = state;
  view.handlers = handlers;
  const index = state.currentKey && state.currentKey !== view.shownKey
    ? view.sorted.findIndex((c) => convKey(c) === state.currentKey) : -1;
  view.shownKey = state.currentKey;
  // A chat opened from elsewhere (search, a notification) shows its row.
  if (index >= 0) showIndex(index);
  else drawWindow();
  $('list-empty').hidden = view.sorted.length > 0;
}
