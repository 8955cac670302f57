// Read receipts' page state (receipting.js): `node --test ui/tests`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReceiptState, receiptLabel } from '../js/receipting.js';

const bob = { conversationType: 'private', targetId: 'bob' };
const team = { conversationType: 'group', targetId: 'team' };
const mine = (conv, uid, sentTime, extra = {}) => ({
  ...conv, uid, id: uid, sentTime, direction: 'send', status: 'sent', kind: 'text', ...extra,
});

test('private: our messages up to the peer read time are read, later ones unread', () => {
  const s = createReceiptState();
  assert.deepEqual(s.labelFor(mine(bob, 'a', 10)), { kind: 'unread' });
  s.load(bob, { peerReadTime: 10, asked: [] });
  assert.deepEqual(s.labelFor(mine(bob, 'a', 10)), { kind: 'read' });
  assert.deepEqual(s.labelFor(mine(bob, 'b', 11)), { kind: 'unread' });
  // Events only move the time on.
  assert.equal(s.applyRead({ conv: bob, readTime: 20 }), 'private:bob');
  s.applyRead({ conv: bob, readTime: 5 });
  assert.deepEqual(s.labelFor(mine(bob, 'b', 11)), { kind: 'read' });
});

test('nothing under received, unsent, recalled or unacked messages', () => {
  const s = createReceiptState();
  s.load(bob, { peerReadTime: 100, asked: [] });
  assert.equal(s.labelFor({ ...mine(bob, 'a', 1), direction: 'receive' }), null);
  assert.equal(s.labelFor(mine(bob, 'a', 1, { status: 'sending' })), null);
  assert.equal(s.labelFor(mine(bob, null, 1)), null);
  assert.equal(s.labelFor(mine(bob, 'a', 1, { kind: 'recalled' })), null);
  assert.equal(receiptLabel(null, undefined), null);
});

test('group: ask until asked, then the readers as they answer', () => {
  const s = createReceiptState();
  const m = mine(team, 'g1', 10);
  assert.deepEqual(s.labelFor(m), { kind: 'ask' });
  s.applyGroup({ conv: team, messageUid: 'g1', readers: [] });
  assert.deepEqual(s.labelFor(m), { kind: 'readers', readers: [] });
  const alice = { userId: 'alice', name: '爱丽丝' };
  assert.equal(s.applyGroup({ conv: team, messageUid: 'g1', readers: [alice] }), 'group:team');
  assert.deepEqual(s.labelFor(m), { kind: 'readers', readers: [alice] });
  s.load(team, { peerReadTime: 0, asked: [{ messageUid: 'g2', readers: [alice] }] });
  assert.deepEqual(s.labelFor(mine(team, 'g2', 11)).readers, [alice]);
  assert.equal(s.applyGroup({ conv: team }), null);
  s.clear();
  assert.deepEqual(s.labelFor(m), { kind: 'ask' });
});
