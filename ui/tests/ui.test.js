// Unit tests of the UI's pure functions: `node --test ui/tests` (scripts/test.sh runs it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatListTime, formatChatTime, msUntilNextDay } from '../js/time.js';
import { LABELS, setLanguage, t } from '../js/i18n.js';
import { createDraftSaver } from '../js/drafts.js';
import { chatIsSeen } from '../js/reading.js';
import { sortConversations, convKey } from '../js/list.js';
import { upsertMessage } from '../js/order.js';
import { fakeTimers } from './fake-timers.js';


test('list times: today, yesterday, weekday, date', () => {
  setLanguage('zh');
  const now = new Date(2026, 10, 25, 12, 0).getTime(); // a Wednesday
  assert.equal(formatListTime(new Date(2026, 10, 25, 9, 5).getTime(), now), '09:05');
  assert.equal(formatListTime(new Date(2026, 10, 24, 23, 59).getTime(), now), '昨天 23:59');
  assert.equal(formatListTime(new Date(2026, 10, 22, 8, 0).getTime(), now), '星期日');
  assert.equal(formatListTime(new Date(2026, 9, 1, 8, 0).getTime(), now), '2026/10/01');
  assert.equal(formatListTime(0, now), '');
  assert.equal(formatChatTime(new Date(2026, 9, 1, 8, 0).getTime(), now), '2026/10/01 08:00');
  setLanguage('en');
  assert.equal(formatListTime(new Date(2026, 10, 24, 7, 0).getTime(), now), 'Yesterday 07:00');
  setLanguage('zh');
});

test('i18n: every label has both languages, and every label the UI asks for exists', async () => {
  const { readFileSync, readdirSync } = await import('node:fs');
  for (const [key, entry] of Object.entries(LABELS)) {
    assert.equal(entry.length, 2, key);
    assert.ok(entry.every((value) => value !== undefined), key);
  }
  const ui = new URL('../', import.meta.url);
  const sources = [
    readFileSync(new URL('index.html', ui), 'utf8'),
    ...readdirSync(new URL('js/', ui)).map((f) => readFileSync(new URL(`js/${f}`, ui), 'utf8')),
  ].join('\n');
  const asked = [
    ...sources.matchAll(/\bt\('(\w+)'/g),
    ...sources.matchAll(/data-i18n(?:-title|-placeholder)?="(\w+)"/g),
  ].map((m) => m[1]);
  assert.ok(asked.length > 20, `${asked.length} labels found`);
  assert.deepEqual(asked.filter((key) => !(key in LABELS)), []);
  setLanguage('en');
  assert.equal(t('send'), 'Send');
  setLanguage('zh');
  assert.equal(t('send'), '发送');
  assert.equal(t('no-such-key'), 'no-such-key');
});

test('conversations sort pinned first, then newest', () => {
  const list = [
    { targetId: 'a', conversationType: 'private', latestTime: 1, pinned: false },
    { targetId: 'b', conversationType: 'private', latestTime: 3, pinned: false },
    { targetId: 'c', conversationType: 'group', latestTime: 2, pinned: true },
    { targetId: 'd', conversationType: { other: 9 }, latestTime: 0, pinned: false },
  ];
  assert.deepEqual(sortConversations(list).map((c) => c.targetId), ['c', 'b', 'a', 'd']);
  assert.equal(convKey(list[3]), 'other-9:d');
});

test('a draft typed in one chat is saved to that chat after a quick switch', () => {
  const timers = fakeTimers();
  const saved = [];
  const drafts = createDraftSaver((conv, text) => saved.push([conv.id, text]), 800, timers);
  const a = { id: 'a' };
  const b = { id: 'b' };
  drafts.changed(a, 'hello A');
  timers.advance(300);
  drafts.flush(); // switching to b within the 800 ms
  drafts.changed(b, 'hi B');
  timers.advance(800);
  assert.deepEqual(saved, [['a', 'hello A'], ['b', 'hi B']]);
  drafts.changed(a, 'typed then sent');
  drafts.drop();
  timers.advance(1000);
  assert.equal(saved.length, 2);
});

test('a chat counts as read only when focused, visible and on screen', () => {
  assert.equal(chatIsSeen({ focused: true, visibility: 'visible', page: 'chat' }), true);
  assert.equal(chatIsSeen({ focused: false, visibility: 'visible', page: 'chat' }), false);
  assert.equal(chatIsSeen({ focused: true, visibility: 'hidden', page: 'chat' }), false);
  assert.equal(chatIsSeen({ focused: true, visibility: 'visible', page: 'settings' }), false);
});

test('an updated message moves to its new place', () => {
  const list = [{ id: '1', sentTime: 10 }, { id: '2', sentTime: 20 }];
  upsertMessage(list, { id: '1', sentTime: 30 }); // the server's time after the ack
  assert.deepEqual(list.map((m) => m.id), ['2', '1']);
  upsertMessage(list, { id: '3', sentTime: 25 });
  assert.deepEqual(list.map((m) => m.id), ['2', '3', '1']);
});

test('typing: a start shows the label, a stop by every typer restores the title', async () => {
  const { createTypingState, chatTitle, createTypingNotifier } = await import('../js/typing.js');
  const state = createTypingState();
  const alice = { conversationType: 'private', targetId: 'alice' };
  const group = { conversationType: 'group', targetId: 'g1' };
  assert.equal(state.apply({ conv: alice, userId: 'alice', typing: true }), 'private:alice');
  assert.ok(state.isTyping('private:alice'));
  assert.ok(!state.isTyping('group:g1'));
  setLanguage('zh');
  assert.equal(chatTitle('Alice', state.isTyping('private:alice'), t('peerTyping')), '对方正在输入…');
  setLanguage('en');
  assert.equal(chatTitle('Alice', true, t('peerTyping')), 'typing…');
  state.apply({ conv: group, userId: 'a', typing: true });
  state.apply({ conv: group, userId: 'b', typing: true });
  state.apply({ conv: group, userId: 'a', typing: false });
  assert.ok(state.isTyping('group:g1'));
  state.apply({ conv: group, userId: 'b', typing: false });
  assert.ok(!state.isTyping('group:g1'));
  state.apply({ conv: alice, userId: 'alice', typing: false });
  assert.equal(chatTitle('Alice', state.isTyping('private:alice'), t('peerTyping')), 'Alice');
  assert.equal(state.apply(null), null);
  state.apply({ conv: alice, userId: 'alice', typing: true });
  state.clear();
  assert.ok(!state.isTyping('private:alice'));

  // The composer's calls: at most one per interval.
  let now = 0;
  const calls = [];
  const notify = createTypingNotifier((c) => calls.push(c), 1000, () => now);
  notify(alice); notify(alice); now = 999; notify(alice);
  assert.equal(calls.length, 1);
  now = 1000; notify(alice); notify(null);
  assert.equal(calls.length, 2);
});

test('errors: every kind and form problem the backend names has words in both languages', async () => {
  const { readFileSync } = await import('node:fs');
  const { ERROR_LABELS, REASON_LABELS, errorText } = await import('../js/i18n.js');
  const rust = readFileSync(new URL('../../crates/rongchat-host/src/error.rs', import.meta.url), 'utf8');
  const named = [...rust.matchAll(/=>\s*\{?\s*(?:Some\()?"(\w+)"/g)].map((m) => m[1]);
  assert.ok(named.includes('invalid') && named.includes('naviUrlScheme') && named.includes('runs'),
    'read the kinds');
  for (const name of named) {
    const key = ERROR_LABELS[name] ?? REASON_LABELS[name];
    assert.ok(key && LABELS[key], `no words for the backend's "${name}"`);
  }
  setLanguage('zh');
  assert.equal(errorText({ kind: 'form', reason: 'tokenEmpty', message: 'the token is empty' }), '请填写 Token');
  assert.equal(errorText({ kind: 'refused', code: 22406 }), '服务器拒绝了请求（22406）');
  assert.equal(errorText({ kind: 'unsafeFile', reason: 'runs' }), '文件可能是程序，不会打开');
  setLanguage('en');
  assert.equal(errorText({ kind: 'blocked', message: 'x' }), 'This account is blocked');
  setLanguage('zh');
});

test('the day labels are redrawn at the next local midnight, not on a ticking timer', () => {
  const evening = new Date(2026, 10, 25, 23, 59, 30).getTime();
  assert.equal(msUntilNextDay(evening), 30 * 1000);
  const morning = new Date(2026, 10, 25, 0, 0, 0).getTime();
  assert.equal(msUntilNextDay(morning), 24 * 60 * 60 * 1000);
  // What was "today" at the evening reads "昨天" once that wait is over.
  setLanguage('zh');
  const sent = new Date(2026, 10, 25, 9, 5).getTime();
  assert.equal(formatListTime(sent, evening), '09:05');
  assert.equal(formatListTime(sent, evening + msUntilNextDay(evening)), '昨天 09:05');
});
