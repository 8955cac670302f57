// Read receipts in the chat: 已读 / 未读 under our sent messages in a private chat, and
// under our group messages "请求回执" (ask who read it) or, once asked, "N 人已读",
// which opens the readers' names. The state is receipting.js; everything is text only.
import { el, toast } from './dom.js';
import { t, errorText } from './i18n.js';
import { convKey } from './list.js';
import * as api from './api.js';
import { createReceiptState } from './receipting.js';

/** Wires receipts into `chat` (its ctx.receiptLine, drawn by messages.js). */
export function createReceipts(chat, state) {
  const receipts = createReceiptState();
  const loaded = new Set(); // conversation keys whose receipt_state was asked for
  const shown = new Set(); // message uids whose readers are listed

  const rerender = (key) => { if (key && key === state.currentKey) chat.render(); };

  function load(msg) {
    const key = convKey(msg);
    if (loaded.has(key)) return;
    loaded.add(key);
    const conv = { conversationType: msg.conversationType, targetId: msg.targetId };
    api.receiptState(conv)
      .then((dto) => rerender(receipts.load(conv, dto)))
      .catch(() => {});
  }

  async function ask(msg) {
    try {
      rerender(receipts.applyGroup(await api.messageRequestReceipt(msg.id)));
    } catch (e) {
      toast(errorText(e));
    }
  }

  function readersLine(msg, readers) {
    const open = shown.has(msg.uid);
    const toggle = el('button', {
      class: 'receipt-count',
      type: 'button',
      text: t('receiptReaders', readers.length),
      'aria-expanded': open ? 'true' : 'false',
      onclick: () => {
        if (shown.has(msg.uid)) shown.delete(msg.uid);
        else shown.add(msg.uid);
        chat.render();
      },
    });
    const list = open
      ? el('ul', { class: 'receipt-readers' },
        readers.length ? readers.map((r) => el('li', { text: r.name || r.userId })) : el('li', { text: t('receiptNobody') }))
      : null;
    return el('div', { class: 'receipt readers' }, toggle, list);
  }

  /** What the line under `msg` shows (its row is drawn again when this changes). */
  chat.ctx.receiptSignature = (msg) => {
    if (msg.direction !== 'send') return null;
    return JSON.stringify([receipts.labelFor(msg), shown.has(msg.uid)]);
  };

  chat.ctx.receiptLine = (msg) => {
    if (msg.direction !== 'send') return null;
    load(msg);
    const label = receipts.labelFor(msg);
    if (!label) return null;
    switch (label.kind) {
      case 'read': return el('div', { class: 'receipt read', text: t('receiptRead') });
      case 'unread': return el('div', { class: 'receipt unread', text: t('receiptUnread') });
      case 'ask':
        return el('div', { class: 'receipt' },
          el('button', { class: 'receipt-ask', type: 'button', text: t('receiptAsk'), onclick: () => ask(msg) }));
      case 'readers': return readersLine(msg, label.readers);
      default: return null;
    }
  };

  return {
    /** The backend's `read-receipt` event. */
    onRead(event) { rerender(receipts.applyRead(event)); },
    /** The backend's `group-receipt` event. */
    onGroup(event) { rerender(receipts.applyGroup(event)); },
    /** A new session: nothing known. */
    clear() { receipts.clear(); loaded.clear(); shown.clear(); },
  };
}
