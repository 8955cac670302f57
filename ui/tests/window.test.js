// The virtualised list's arithmetic (ui/js/window.js): `node --test ui/tests`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { visibleRange, scrollToShow, variableRange, offsetOf, OVERSCAN } from '../js/window.js';

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

// Rows of any height (the chat's messages): ui/js/window.js's variableRange.
const sum = (a) => a.reduce((x, y) => x + y, 0);

test('rows of any height: the rows in view plus the overscan, the spacers add up', () => {
  const heights = Array.from({ length: 2000 }, (_, i) => [40, 120, 64, 30][i % 4]);
  const scrollTop = offsetOf(heights, 1000) + 5;
  const r = variableRange({ heights, scrollTop, viewportHeight: 500, overscan: 3 });
  // 1000 starts the view; the rows whose tops are above 500 px below it end it.
  let end = 1000;
  while (offsetOf(heights, end) < scrollTop + 500) end += 1;
  assert.equal(r.start, 1000 - 3);
  assert.equal(r.end, end + 3);
  assert.equal(r.before, offsetOf(heights, r.start));
  assert.equal(r.before + sum(heights.slice(r.start, r.end)) + r.after, sum(heights));
});

test('rows of any height: a short list is drawn whole, a long one at least minRows', () => {
  const short = Array(30).fill(50);
  assert.deepEqual(variableRange({ heights: short, scrollTop: 0, viewportHeight: 500, overscan: 2, minRows: 50 }),
    { start: 0, end: 30, before: 0, after: 0 });
  const long = Array(2000).fill(50);
  const top = variableRange({ heights: long, scrollTop: 0, viewportHeight: 500, overscan: 2, minRows: 50 });
  assert.deepEqual([top.start, top.end], [0, 50]);
  const mid = variableRange({ heights: long, scrollTop: 50 * 1000, viewportHeight: 500, overscan: 2, minRows: 50 });
  assert.equal(mid.end - mid.start, 50);
  assert.ok(mid.start <= 1000 && mid.end >= 1010, `${mid.start}..${mid.end} holds the view`);
});

test('rows of any height: at the bottom the last row is drawn; past the end too', () => {
  const heights = Array.from({ length: 500 }, (_, i) => 30 + (i % 7) * 10);
  const total = sum(heights);
  for (const scrollTop of [total - 400, total, total + 1000]) {
    const r = variableRange({ heights, scrollTop, viewportHeight: 400, overscan: 4 });
    assert.equal(r.end, 500, `scrollTop ${scrollTop}`);
    assert.equal(r.after, 0);
    assert.ok(r.end - r.start < 40, `${r.end - r.start} rows`);
  }
});

test('rows of any height: nothing to draw, and zero-height rows, are no trouble', () => {
  assert.deepEqual(variableRange({ heights: [], scrollTop: 10, viewportHeight: 400 }),
    { start: 0, end: 0, before: 0, after: 0 });
  const r = variableRange({ heights: [0, 0, 0], scrollTop: 0, viewportHeight: 400, overscan: 0 });
  assert.ok(r.end <= 3 && r.start <= r.end);
  assert.equal(offsetOf([10, 20, 30], 2), 30);
  assert.equal(offsetOf([10, 20, 30], 9), 60);
});
