// The message menu (right-click on a message, or Enter / the menu key / Shift+F10 on a
// focused one): copy, reply, forward, recall, delete; the reply bar above the composer;
// the quote block above a reply; "clear history" in the chat header. All text as text.
import { el, $, toast } from './dom.js';
import { t, errorText } from './i18n.js';
import { convKey } from './list.js';
import { menuActions, quotePreview, moveFocus } from './menu.js';
import * as api from './api.js';

/** The message being replied to, with its conversation key; taken by the composer. */
let replying = null;
let replyBar = null;

function hideReplyBar() {
  replying = null;
  if (replyBar) replyBar.hidden = true;
}

/** For the composer: the message the text replies to (if still this chat's), once. */
export function takeReply(currentKey) {
  const taken = replying && replying.key === currentKey ? replying.msg : null;
  hideReplyBar();
  return taken;
}

/** The quoted message above a reply's text: who, and the quoted text (or a label). */
export function quoteBlock(quote) {
  const text = typeof quote.text === 'string' ? quote.text : t('previewUnsupported');
  return el('div', { class: 'quote' },
    el('span', { class: 'quote-sender', text: quote.senderName || quote.senderId || '' }),
    el('span', { class: 'quote-text', text }));
}

function previewText(msg) {
  const p = quotePreview(msg);
  return p.text !== undefined ? p.text : t(p.label);
}

/** A small in-page dialog (a native confirm() is not dependable in every webview). */
function dialog(title, buildBody) {
  const previous = document.activeElement;
  const card = el('div', { class: 'dialog-card', role: 'dialog', 'aria-label': title },
    el('h3', { class: 'dialog-title', text: title }));
  const overlay = el('div', { class: 'dialog-overlay' }, card);
  const close = () => {
    overlay.remove();
    if (previous && previous.focus) previous.focus();
  };
  overlay.addEventListener('click', (e) => { if (e.target === overlay) close(); });
  overlay.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') { e.preventDefault(); close(); }
  });
  card.append(buildBody(close));
  document.body.append(overlay);
  const first = card.querySelector('button');
  if (first) first.focus();
  return close;
}

function confirmDialog(text, onConfirm, title = t('clearHistory')) {
  dialog(title, (close) => el('div', { class: 'dialog-body' },
    el('p', { class: 'dialog-text', text }),
    el('div', { class: 'dialog-actions' },
      el('button', { type: 'button', class: 'dialog-cancel', text: t('cancel'), onclick: close }),
      el('button', {
        type: 'button', class: 'dialog-confirm', text: t('confirm'),
        onclick: () => { close(); onConfirm(); },
      }))));
}

/**
 * 清空聊天记录's confirmation: here only, or here and in this user's cloud history (the
 * default; the other side keeps theirs either way). `onConfirm(remote)`.
 */
function clearDialog(onConfirm) {
  const remote = el('input', { type: 'checkbox', id: 'clear-remote', checked: true });
  dialog(t('clearHistory'), (close) => el('div', { class: 'dialog-body' },
    el('p', { class: 'dialog-text', text: t('clearHistoryAsk') }),
    el('label', { class: 'dialog-option' }, remote, el('span', { text: t('clearHistoryCloud') })),
    el('div', { class: 'dialog-actions' },
      el('button', { type: 'button', class: 'dialog-cancel', text: t('cancel'), onclick: close }),
      el('button', {
        type: 'button', class: 'dialog-confirm', text: t('confirm'),
        onclick: () => { close(); onConfirm(remote.checked); },
      }))));
}

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // No clipboard permission in this webview: the selection way.
    const area = el('textarea', { class: 'copy-buffer' });
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
  toast(t('copied'));
}

export function createActions(state, chat) {
  const list = $('message-list');
  let menu = null;

  const run = async (work) => {
    try {
      await work();
    } catch (e) {
      toast(errorText(e));
    }
  };

  function startReply(msg) {
    if (!replyBar) {
      replyBar = el('div', { id: 'reply-bar', class: 'reply-bar' });
      const composer = $('composer');
      composer.insertBefore(replyBar, composer.firstChild);
    }
    replying = { msg, key: state.currentKey };
    replyBar.replaceChildren(
      el('div', { class: 'reply-bar-info' },
        el('span', { class: 'reply-bar-title', text: t('replyingTo', msg.senderName || msg.senderId || '') }),
        el('span', { class: 'reply-bar-text', text: previewText(msg) })),
      el('button', {
        type: 'button', class: 'reply-cancel icon-button', title: t('cancelReply'),
        'aria-label': t('cancelReply'), text: '✕', onclick: () => { hideReplyBar(); $('composer-text').focus(); },
      }));
    replyBar.hidden = false;
    $('composer-text').focus();
  }

  function forward(msg) {
    const targets = [...state.conversations.values()];
    dialog(t('forwardTo'), (close) => el('ul', { class: 'forward-list' },
      targets.map((conv) => el('li', {},
        el('button', {
          type: 'button', class: 'forward-target',
          dataset: { targetId: conv.targetId, conversationType: conv.conversationType },
          text: conv.title || conv.targetId,
          onclick: () => {
            close();
            run(async () => {
              await api.messageForward(msg.id, { conversationType: conv.conversationType, targetId: conv.targetId });
              toast(t('forwarded'));
            });
          },
        })))));
  }

  const ACTIONS = {
    copy: (msg) => copyText(msg.text ?? ''),
    reply: (msg) => startReply(msg),
    forward: (msg) => forward(msg),
    recall: (msg) => run(() => api.messageRecall(msg.id)),
    deleteForMe: (msg) => run(() => api.messageDelete([msg.id], 'me')),
    deleteForBoth: (msg) => run(() => api.messageDelete([msg.id], 'both')),
  };

  function closeMenu(refocus) {
    if (!menu) return;
    const { node, item } = menu;
    menu = null;
    node.remove();
    if (refocus && item.isConnected) item.focus();
  }

  function openMenu(item, x, y) {
    closeMenu(false);
    const msg = state.messages.find((m) => m.id === item.dataset.id);
    const actions = msg ? menuActions(msg, Date.now()) : [];
    if (!actions.length) return;
    const buttons = actions.map((action) => el('button', {
      type: 'button', role: 'menuitem', class: `menu-item menu-${action}`, dataset: { action },
      text: t(action),
      onclick: () => { closeMenu(action !== 'reply' && action !== 'forward'); ACTIONS[action](msg); },
    }));
    const node = el('div', { class: 'message-menu', role: 'menu', 'aria-label': t('messageMenu') }, buttons);
    node.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' || e.key === 'Tab') { e.preventDefault(); closeMenu(true); return; }
      const index = buttons.indexOf(document.activeElement);
      const next = moveFocus(index, e.key, buttons.length);
      if (next !== index) { e.preventDefault(); buttons[next].focus(); }
    });
    document.body.append(node);
    // Inside the window, at the pointer (or the message's corner from the keyboard).
    const width = node.offsetWidth;
    const height = node.offsetHeight;
    node.style.left = `${Math.max(0, Math.min(x, window.innerWidth - width - 4))}px`;
    node.style.top = `${Math.max(0, Math.min(y, window.innerHeight - height - 4))}px`;
    menu = { node, item };
    buttons[0].focus();
  }

  const messageOf = (target) => target.closest && target.closest('li.message');

  list.addEventListener('contextmenu', (e) => {
    const item = messageOf(e.target);
    if (!item) return;
    e.preventDefault();
    // The menu key and Shift+F10 fire this too, with no pointer position.
    if (e.clientX === 0 && e.clientY === 0) {
      const box = item.getBoundingClientRect();
      openMenu(item, box.left + 24, box.top + 24);
    } else {
      openMenu(item, e.clientX, e.clientY);
    }
  });
  list.addEventListener('keydown', (e) => {
    const item = messageOf(e.target);
    if (!item || e.target !== item) return;
    if (e.key === 'Enter' || e.key === 'ContextMenu' || (e.key === 'F10' && e.shiftKey)) {
      e.preventDefault();
      const box = item.getBoundingClientRect();
      openMenu(item, box.left + 24, box.top + 24);
    }
  });
  document.addEventListener('mousedown', (e) => {
    if (menu && !menu.node.contains(e.target)) closeMenu(false);
  });
  $('message-scroll').addEventListener('scroll', () => closeMenu(false));

  // "Clear history" in the chat header, behind a confirmation.
  const clearButton = el('button', {
    id: 'clear-history', type: 'button', class: 'icon-button clear-history',
    title: t('clearHistory'), 'aria-label': t('clearHistory'), text: '🗑',
    onclick: () => {
      const conv = state.conversations.get(state.currentKey) || state.openConv;
      if (!conv) return;
      clearDialog((remote) => run(() => api.conversationClearHistory({
        conversationType: conv.conversationType, targetId: conv.targetId,
      }, remote)));
    },
  });
  $('voice-speed').before(clearButton);

  return {
    /** Leaving or switching chats drops a pending reply and an open menu. */
    reset() {
      hideReplyBar();
      closeMenu(false);
    },
    /** Labels after a language change. */
    relabel() {
      clearButton.title = t('clearHistory');
      clearButton.setAttribute('aria-label', t('clearHistory'));
    },
    /** Messages deleted here (the backend's `messages-removed` event). */
    onRemoved(event) {
      if (convKey(event.conv) !== state.currentKey) return;
      const gone = new Set(event.ids);
      if (replying && gone.has(replying.msg.id)) hideReplyBar();
      if (menu && gone.has(menu.item.dataset.id)) closeMenu(false);
      const before = state.messages.length;
      state.messages = state.messages.filter((m) => !gone.has(m.id));
      if (state.messages.length !== before) chat.render({ anchor: 'keep' });
    },
  };
}

/** Asks before `onConfirm` (opening a received file, say): the in-page dialog above. */
export function askFirst(title, text, onConfirm) {
  confirmDialog(text, onConfirm, title);
}
