// Read receipts' state for the page, from `receipt_state` and the backend's
// `read-receipt` / `group-receipt` events; and what to show under one of our messages.
// Pure: no DOM, no backend; unit-tested in ui/tests.
import { convKey } from './list.js';

/** Per conversation key: the peer's read time (private) and our asked messages' readers. */
export function createReceiptState() {
  const convs = new Map(); // key -> { peerReadTime, asked: Map(messageUid -> readers) }
  const entry = (key) => {
    let e = convs.get(key);
    if (!e) convs.set(key, (e = { peerReadTime: 0, asked: new Map() }));
    return e;
  };
  return {
    /** Whether `receipt_state` was loaded for this key. */
    has(key) { return convs.has(key); },
    /** The loaded `receipt_state` of `conv`; later events keep it current. */
    load(conv, dto) {
      const e = entry(convKey(conv));
      e.peerReadTime = Math.max(e.peerReadTime, dto.peerReadTime || 0);
      for (const r of dto.asked || []) e.asked.set(r.messageUid, r.readers || []);
      return convKey(conv);
    },
    /** A `read-receipt` event; returns its conversation key. */
    applyRead(event) {
      if (!event || !event.conv) return null;
      const e = entry(convKey(event.conv));
      e.peerReadTime = Math.max(e.peerReadTime, event.readTime || 0);
      return convKey(event.conv);
    },
    /** A `group-receipt` event (the whole readers list); returns its key. */
    applyGroup(event) {
      if (!event || !event.conv || !event.messageUid) return null;
      entry(convKey(event.conv)).asked.set(event.messageUid, event.readers || []);
      return convKey(event.conv);
    },
    /** What to show under `msg` (see receiptLabel). */
    labelFor(msg) {
      return receiptLabel(msg, convs.get(convKey(msg)));
    },
    clear() { convs.clear(); },
  };
}

/**
 * What goes under one message: null (nothing: received, not sent yet, not ours),
 * {kind: 'read' | 'unread'} for a private chat, {kind: 'readers', readers} for a group
 * message that asked, {kind: 'ask'} for one of ours that has not.
 */
export function receiptLabel(msg, state) {
  if (!msg || msg.direction !== 'send' || msg.status !== 'sent' || !msg.uid) return null;
  if (msg.kind === 'recalled') return null;
  if (msg.conversationType === 'private') {
    const read = state && state.peerReadTime >= msg.sentTime;
    return { kind: read ? 'read' : 'unread' };
  }
  if (msg.conversationType === 'group') {
    const readers = state && state.asked.get(msg.uid);
    return readers ? { kind: 'readers', readers } : { kind: 'ask' };
  }
  return null;
}
