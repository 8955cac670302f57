// The conversation list: avatar, title, last-message preview, time, unread badge, pin, mute.
import { el, $, avatarNode } from './dom.js';
import { t } from './i18n.js';
import { formatListTime } from './time.js';

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

function conversationItem(conv, active, handlers) {
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
      onclick: (e) => { e.stopPropagation(); handlers.onPin(conv, !conv.pinned); },
    }),
    el('button', {
      class: 'mini-button mute-button', type: 'button', text: conv.muted ? t('unmute') : t('mute'),
      onclick: (e) => { e.stopPropagation(); handlers.onMute(conv, !conv.muted); },
    }));
  const item = el('li', {
    class: `conversation${active ? ' active' : ''}${conv.pinned ? ' pinned' : ''}`,
    dataset: { key, targetId: conv.targetId, type: typeName(conv.conversationType) },
    title: isOpenable(conv) ? null : t('unsupportedConversation'),
    onclick: () => (isOpenable(conv) ? handlers.onOpen(conv) : handlers.onUnsupported(conv)),
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

export function renderList(state, handlers) {
  const list = $('conversation-list');
  const sorted = sortConversations(state.conversations.values());
  const items = sorted.map((c) => conversationItem(c, convKey(c) === state.currentKey, handlers));
  list.replaceChildren(...items);
  $('list-empty').hidden = sorted.length > 0;
}
