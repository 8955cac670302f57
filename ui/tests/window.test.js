// The virtualised list's arithmetic (ui/js/window.js): `node --test ui/tests`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { visibleRange, scrollToShow, OVERSCAN } from '../js/window.js';

test('at the top, the rows in view and the overscan below are drawn', () => {
  const r = visibleRange({ count: 1000, rowHeight: 65, scrollTop: 0, viewportHeight: 650 });
  assert.deepEqual(r, { start: 0, end: 11 + OVERSCAN, before: 0, after: (1000 - 11 - OVERSCAN) * 65 });
});

test('mid-list, overscan on both sides; the padding and rows add up to the whole height', () => {
  const r = visibleRange({ count: 1000, rowHeight: 65, scrollTop: 65 * 500 + 10, viewportHeight: 650, overscan: 4 });
  assert.equal(r.start, 496);
  assert.equal(r.end, 500 + 11 + 4);
  assert.equal(r.before + (r.end - r.start) * 65 + r.after, 1000 * 65);
});

test('at the bottom the last row is drawn and nothing beyond it', () => {
  const r = visibleRange({ count: 1000, rowHeight: 65, scrollTop: 1000 * 65 - 650, viewportHeight: 650 });
  assert.equal(r.end, 1000);
  assert.equal(r.after, 0);
  assert.ok(r.end - r.start <= 11 + 2 * OVERSCAN);
});

test('offsets past either end, empty lists and nonsense are clamped, never thrown', () => {
  assert.deepEqual(visibleRange({ count: 0, rowHeight: 65, scrollTop: 0, viewportHeight: 600 }),
    { start: 0, end: 0, before: 0, after: 0 });
  assert.deepEqual(visibleRange({ count: 5, rowHeight: 0, scrollTop: 0, viewportHeight: 600 }),
    { start: 0, end: 0, before: 0, after: 0 });
  const past = visibleRange({ count: 3, rowHeight: 65, scrollTop: 1e9, viewportHeight: 600 });
  assert.deepEqual([past.start, past.end, past.after], [0, 3, 0]);
  const up = visibleRange({ count: 100, rowHeight: 65, scrollTop: -500, viewportHeight: NaN });
  assert.deepEqual([up.start, up.end, up.before], [0, 1 + OVERSCAN, 0]);
});

test('scrolling to show a row moves only as far as needed', () => {
  const v = { rowHeight: 65, viewportHeight: 650 };
  assert.equal(scrollToShow({ ...v, index: 3, scrollTop: 0 }), 0, 'already in view');
  assert.equal(scrollToShow({ ...v, index: 999, scrollTop: 0 }), 1000 * 65 - 650, 'below: to the bottom edge');
  assert.equal(scrollToShow({ ...v, index: 10, scrollTop: 5000 }), 650, 'above: to the top edge');
});
