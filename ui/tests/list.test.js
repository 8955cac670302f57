// The conversation list's keys and kinds (ui/js/list.js): `node --test ui/tests`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convKey, isOpenable } from '../js/list.js';

test('a conversation of an unknown type has a key of its own and cannot be opened', () => {
  const unknown = { conversationType: { other: 99 }, targetId: 'kefu' };
  assert.equal(convKey(unknown), 'other-99:kefu');
  assert.equal(isOpenable(unknown), false);
  assert.equal(isOpenable({ conversationType: 'private', targetId: 'bob' }), true);
});
