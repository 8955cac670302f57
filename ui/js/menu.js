// Which actions a message's menu offers (pure, node-tested): copy, reply, forward, recall,
// delete for me, delete for both sides. actions.js draws the menu and runs them.

/** How long after sending one may still recall (or delete for both sides) a message:
 * RongCloud IMKit's default recall limit, 2 minutes (the server does not enforce one). */
export const RECALL_LIMIT_MS = 2 * 60 * 1000;

/** Kinds whose content can be sent again elsewhere. */
const FORWARDABLE = new Set(['text', 'image', 'voice', 'file', 'music']);

/** The menu's entries for `msg` at `now` (ms), in order. */
export function menuActions(msg, now) {
  if (!msg || msg.kind === 'recalled') return [];
  const actions = [];
  const sent = Boolean(msg.uid);
  if (msg.kind === 'text' && typeof msg.text === 'string') actions.push('copy');
  if (sent && msg.kind !== 'unsupported') actions.push('reply');
  if (sent && FORWARDABLE.has(msg.kind)) actions.push('forward');
  const own = msg.direction === 'send' && msg.status === 'sent' && sent;
  const fresh = own && now - msg.sentTime <= RECALL_LIMIT_MS;
  if (fresh) actions.push('recall');
  actions.push('deleteForMe');
  if (fresh) actions.push('deleteForBoth');
  return actions;
}

/** The short text the reply bar and a quote show for `msg` (text only; else a label key). */
export function quotePreview(msg) {
  if (msg.kind === 'text') return { text: msg.text ?? '' };
  const labels = { image: 'previewImage', voice: 'previewVoice', file: 'previewFile', music: 'previewMusic' };
  return { label: labels[msg.kind] || 'previewUnsupported' };
}

/** The next index when moving through `count` menu entries with a key (wraps). */
export function moveFocus(index, key, count) {
  if (count <= 0) return -1;
  if (key === 'ArrowDown') return (index + 1) % count;
  if (key === 'ArrowUp') return (index - 1 + count) % count;
  if (key === 'Home') return 0;
  if (key === 'End') return count - 1;
  return index;
}
