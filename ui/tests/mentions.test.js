// The @ picker's pure logic (mentioning.js): `node --test ui/tests`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ALL, MAX_SHOWN, mentionQuery, pickerEntries, insertMention, mentionFor, moveHighlight,
  mentionParts,
} from '../js/mentioning.js';

const members = [
  { id: 'daqiao', name: '大乔' },
  { id: 'xiaoqiao', name: '小乔' },
  { id: 'zhouyu', name: 'Zhou Yu' },
];

test('an @ at the start or after a space opens a query up to the caret', () => {
  assert.deepEqual(mentionQuery('@', 1), { start: 0, query: '' });
  assert.deepEqual(mentionQuery('hi @小', 5), { start: 3, query: '小' });
  assert.equal(mentionQuery('mail@example', 12), null, 'inside a word');
  assert.equal(mentionQuery('@小乔 done', 8), null, 'a space ended it');
  assert.equal(mentionQuery('no at', 5), null);
  assert.deepEqual(mentionQuery('@a @b', 2), { start: 0, query: 'a' }, 'only up to the caret');
});

test('the picker offers 所有人 and the members matching, never ourselves', () => {
  const all = pickerEntries(members, '', 'daqiao', '所有人');
  assert.deepEqual(all.map((e) => e.id), [ALL, 'xiaoqiao', 'zhouyu']);
  assert.deepEqual(pickerEntries(members, '小', 'daqiao', '所有人').map((e) => e.id), ['xiaoqiao']);
  assert.deepEqual(pickerEntries(members, 'zhou', 'daqiao', '所有人').map((e) => e.id), ['zhouyu'], 'case-folded');
  assert.deepEqual(pickerEntries(members, 'XIAO', 'daqiao', '所有人').map((e) => e.id), ['xiaoqiao'], 'by id too');
  assert.deepEqual(pickerEntries(members, '所', 'daqiao', '所有人').map((e) => e.id), [ALL]);
  assert.deepEqual(pickerEntries([{ id: 'x' }, null, { name: 'no id' }], '', 'me', 'All'),
    [{ id: ALL, name: 'All' }, { id: 'x', name: 'x' }], 'a nameless member shows its id; odd rows skipped');
  const many = Array.from({ length: 50 }, (_, i) => ({ id: `u${i}`, name: `用户${i}` }));
  assert.equal(pickerEntries(many, '', 'me', '所有人').length, MAX_SHOWN);
});

test('a pick replaces the query with "@name " and puts the caret after it', () => {
  assert.deepEqual(insertMention('hi @小 there', 3, 5, '小乔'), { text: 'hi @小乔  there', caret: 7 });
  assert.deepEqual(insertMention('@', 0, 1, '所有人'), { text: '@所有人 ', caret: 5 });
});

test('a send mentions the picks still in the text; 所有人 wins', () => {
  const xiao = { id: 'xiaoqiao', name: '小乔' };
  const zhou = { id: 'zhouyu', name: 'Zhou Yu' };
  assert.deepEqual(mentionFor('@小乔 来', [xiao]), { all: false, userIds: ['xiaoqiao'] });
  assert.deepEqual(mentionFor('@小乔 @Zhou Yu @小乔', [xiao, zhou, xiao]),
    { all: false, userIds: ['xiaoqiao', 'zhouyu'] });
  assert.equal(mentionFor('deleted it', [xiao]), null, 'the user erased the mention');
  assert.equal(mentionFor('plain', []), null);
  assert.deepEqual(mentionFor('@所有人 @小乔', [{ id: ALL, name: '所有人' }, xiao]), { all: true, userIds: [] });
});

test('arrow keys wrap around the entries', () => {
  assert.equal(moveHighlight(0, -1, 3), 2);
  assert.equal(moveHighlight(2, 1, 3), 0);
  assert.equal(moveHighlight(1, 1, 0), 0);
});

test('bubbles: the @name of us is its own part, only when the message mentions us', () => {
  const me = { userId: 'xiaoqiao', userName: '小乔' };
  const us = { all: false, userIds: ['daqiao', 'xiaoqiao'] };
  const marked = (parts) => parts.filter((p) => p.mention).map((p) => p.text);
  const joined = (parts) => parts.map((p) => p.text).join('');
  const text = '@大乔 @小乔 你好，@xiaoqiao 也看看';
  const parts = mentionParts(text, us, me, '所有人');
  assert.equal(joined(parts), text);
  assert.deepEqual(marked(parts), ['@小乔', '@xiaoqiao']);
  assert.deepEqual(parts[0], { text: '@大乔 ', mention: false });
  // Someone else mentioned, or no mention at all: nothing marked, text whole.
  assert.deepEqual(mentionParts('@小乔 hi', { all: false, userIds: ['daqiao'] }, me, '所有人'),
    [{ text: '@小乔 hi', mention: false }]);
  assert.deepEqual(mentionParts('@小乔 hi', null, me, '所有人'), [{ text: '@小乔 hi', mention: false }]);
  assert.deepEqual(mentionParts('', us, me, '所有人'), []);
  // Everyone: "@所有人" and our own name.
  assert.deepEqual(marked(mentionParts('@所有人 开会，@小乔 带电脑', { all: true, userIds: [] }, me, '所有人')),
    ['@所有人', '@小乔']);
  // "@所有人" is not marked when the message does not mention everyone.
  assert.deepEqual(marked(mentionParts('@所有人 @小乔', us, me, '所有人')), ['@小乔']);
});

test('bubbles: a Latin name does not match inside a longer word; markup stays text', () => {
  const me = { userId: 'al', userName: 'Al' };
  const us = { all: false, userIds: ['al'] };
  const marked = (text) => mentionParts(text, us, me, '所有人').filter((p) => p.mention).map((p) => p.text);
  assert.deepEqual(marked('@Alice and @Al, @al_x @al'), ['@Al', '@al']);
  assert.deepEqual(marked('mail@Al.com'), []);
  assert.deepEqual(marked('你好@Al'), ['@Al']);
  const hostile = { userId: 'x', userName: '<b>x</b>' };
  const parts = mentionParts('hi @<b>x</b>!', { all: false, userIds: ['x'] }, hostile, '所有人');
  assert.deepEqual(parts, [
    { text: 'hi ', mention: false }, { text: '@<b>x</b>', mention: true }, { text: '!', mention: false },
  ]);
  // The longest of two names that start alike wins.
  const long = { userId: 'zhou', userName: 'zhou yu' };
  assert.deepEqual(mentionParts('@zhou yu!', { all: true, userIds: [] }, long, '所有人')
    .filter((p) => p.mention).map((p) => p.text), ['@zhou yu']);
});
