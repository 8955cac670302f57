// Search's pure parts: `node --test ui/tests`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { searchQuery, highlightParts, createSearchRunner } from '../js/searching.js';
import { LABELS } from '../js/i18n.js';
import { fakeTimers } from './fake-timers.js';


const flush = () => new Promise((resolve) => setImmediate(resolve));

test('the query is trimmed; blank means no search', () => {
  assert.equal(searchQuery('  北京 '), '北京');
  assert.equal(searchQuery(' \t '), '');
  assert.equal(searchQuery(undefined), '');
});

test('snippets split around every match, any case, and join back unchanged', () => {
  const parts = highlightParts('…明天去北京，北京见 Beijing', '北京');
  assert.deepEqual(parts, [
    { text: '…明天去', match: false },
    { text: '北京', match: true },
    { text: '，', match: false },
    { text: '北京', match: true },
    { text: '见 Beijing', match: false },
  ]);
  assert.deepEqual(highlightParts('Hello WORLD', 'world'),
    [{ text: 'Hello ', match: false }, { text: 'WORLD', match: true }]);
  const hostile = '<img src=x onerror=alert(1)> "AND" *';
  assert.equal(highlightParts(hostile, '"AND"').map((p) => p.text).join(''), hostile);
  assert.deepEqual(highlightParts('abc', ''), [{ text: 'abc', match: false }]);
  assert.deepEqual(highlightParts('', 'x'), []);
  assert.deepEqual(highlightParts('no hit here', 'zzz'), [{ text: 'no hit here', match: false }]);
});

test('the runner waits for a pause and drops answers to older queries', async () => {
  const timers = fakeTimers();
  const asked = [];
  const pending = new Map();
  const shown = [];
  const runner = createSearchRunner({
    search: (q) => { asked.push(q); return new Promise((resolve) => pending.set(q, resolve)); },
    onResults: (q, hits) => shown.push([q, hits]),
    delay: 200,
    timers,
  });
  runner.input('北');
  timers.advance(100);
  runner.input('北京');
  timers.advance(199);
  assert.deepEqual(asked, []);
  timers.advance(1);
  assert.deepEqual(asked, ['北京']);
  runner.input('北京天');
  timers.advance(200);
  pending.get('北京')(['old']);
  pending.get('北京天')(['new']);
  await flush();
  assert.deepEqual(shown, [['北京天', ['new']]]);
  runner.input('  ');
  assert.deepEqual(shown.at(-1), ['', []]);
});

test('search labels exist in both languages', () => {
  for (const key of ['searchPlaceholder', 'searchNoResults']) {
    assert.equal(LABELS[key].length, 2, key);
    assert.ok(LABELS[key].every((s) => typeof s === 'string' && s.length > 0), key);
  }
});
