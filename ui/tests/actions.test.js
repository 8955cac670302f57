// The message menu's choices (js/menu.js): `node --test ui/tests`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { menuActions, quotePreview, moveFocus, RECALL_LIMIT_MS } from '../js/menu.js';

const NOW = 1_800_000_000_000;
const msg = (over) => ({
  id: '1', uid: 'U-1', kind: 'text', text: 'hi', direction: 'receive', status: 'received',
  sentTime: NOW - 1000, ...over,
});

test('a received text: copy, reply, forward, delete for me', () => {
  assert.deepEqual(menuActions(msg({}), NOW), ['copy', 'reply', 'forward', 'deleteForMe']);
});

test('own messages: recall and delete for both sides only within the recall limit', () => {
  const own = msg({ direction: 'send', status: 'sent' });
  assert.deepEqual(menuActions(own, NOW),
    ['copy', 'reply', 'forward', 'recall', 'deleteForMe', 'deleteForBoth']);
  const old = { ...own, sentTime: NOW - RECALL_LIMIT_MS - 1 };
  assert.deepEqual(menuActions(old, NOW), ['copy', 'reply', 'forward', 'deleteForMe']);
});

test('unsent, failed, recalled and unsupported messages offer less', () => {
  // Not yet sent: nothing on the server to quote, forward or recall.
  assert.deepEqual(menuActions(msg({ uid: null, direction: 'send', status: 'sending' }), NOW),
    ['copy', 'deleteForMe']);
  assert.deepEqual(menuActions(msg({ direction: 'send', status: 'failed' }), NOW),
    ['copy', 'reply', 'forward', 'deleteForMe']);
  assert.deepEqual(menuActions(msg({ kind: 'recalled' }), NOW), []);
  assert.deepEqual(menuActions(msg({ kind: 'unsupported', text: undefined }), NOW), ['deleteForMe']);
  assert.deepEqual(menuActions(msg({ kind: 'image', text: undefined }), NOW),
    ['reply', 'forward', 'deleteForMe']);
  assert.deepEqual(menuActions(null, NOW), []);
});

test('quote previews are the text, or a label for other kinds', () => {
  assert.deepEqual(quotePreview(msg({ text: '<b>x</b>' })), { text: '<b>x</b>' });
  assert.deepEqual(quotePreview(msg({ kind: 'file' })), { label: 'previewFile' });
  assert.deepEqual(quotePreview(msg({ kind: 'whatever' })), { label: 'previewUnsupported' });
});

test('arrow keys move through the menu and wrap', () => {
  assert.equal(moveFocus(0, 'ArrowDown', 3), 1);
  assert.equal(moveFocus(2, 'ArrowDown', 3), 0);
  assert.equal(moveFocus(0, 'ArrowUp', 3), 2);
  assert.equal(moveFocus(1, 'End', 3), 2);
  assert.equal(moveFocus(1, 'Home', 3), 0);
  assert.equal(moveFocus(1, 'x', 3), 1);
  assert.equal(moveFocus(0, 'ArrowDown', 0), -1);
});

test('the list previews a recall as its notice and a deletion for both sides as nothing', async () => {
  const { previewText } = await import('../js/list.js');
  const { setLanguage } = await import('../js/i18n.js');
  setLanguage('zh');
  assert.equal(previewText({ kind: 'recalled', direction: 'send' }), '你撤回了一条消息');
  assert.equal(previewText({ kind: 'recalled', direction: 'receive' }), '对方撤回了一条消息');
  assert.equal(previewText({ kind: 'recalled', direction: 'send', deleted: true }), '');
});
