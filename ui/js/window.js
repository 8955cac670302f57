// Which rows of a list are drawn for a scroll offset: the conversation list (rows of equal
// height) and the chat's messages (rows of any height, measured once drawn) keep only
// those (plus an overscan each side) in the DOM, with the space of the others in two
// spacers. Pure arithmetic, no DOM: `node --test ui/tests`.

/** Rows drawn beyond each edge of the viewport, so a short scroll shows no gap. */
export const OVERSCAN = 8;

/**
 * The rows [start, end) to draw, and the space above and below them (px).
 * @param {{count: number, rowHeight: number, scrollTop: number, viewportHeight: number, overscan?: number}} v
 */
export function visibleRange({ count, rowHeight, scrollTop, viewportHeight, overscan = OVERSCAN }) {
  const n = Math.max(0, Math.floor(Number(count) || 0));
  const h = Number(rowHeight) || 0;
  if (n === 0 || h <= 0) return { start: 0, end: 0, before: 0, after: 0 };
  const top = Math.min(Math.max(0, Number(scrollTop) || 0), n * h);
  const first = Math.min(n - 1, Math.floor(top / h));
  const inView = Math.ceil(Math.max(0, Number(viewportHeight) || 0) / h) + 1;
  const start = Math.max(0, first - overscan);
  const end = Math.min(n, first + inView + overscan);
  return { start, end, before: start * h, after: (n - end) * h };
}

/** The scroll offset that shows row `index` whole: unchanged when it already is. */
export function scrollToShow({ index, rowHeight, scrollTop, viewportHeight }) {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewportHeight) return Math.max(0, bottom - viewportHeight);
  return scrollTop;
}

/** The offset of row `index` (px): the heights of the rows above it. */
export function offsetOf(heights, index) {
  let top = 0;
  for (let i = 0; i < Math.min(index, heights.length); i += 1) top += Math.max(0, Number(heights[i]) || 0);
  return top;
}

/**
 * The rows [start, end) of a list of rows of the given heights to draw for a scroll
 * offset: those in view plus `overscan` each side, widened to `minRows` (so a short list
 * is drawn whole), and the space above and below them (px).
 * @param {{heights: number[], scrollTop: number, viewportHeight: number, overscan?: number, minRows?: number}} v
 */
export function variableRange({ heights, scrollTop, viewportHeight, overscan = OVERSCAN, minRows = 0 }) {
  const hs = heights.map((h) => Math.max(0, Number(h) || 0));
  const n = hs.length;
  if (n === 0) return { start: 0, end: 0, before: 0, after: 0 };
  const total = hs.reduce((a, b) => a + b, 0);
  const top = Math.min(Math.max(0, Number(scrollTop) || 0), total);
  const bottom = top + Math.max(0, Number(viewportHeight) || 0);
  // The first row whose bottom is below the top, and the first whose top is at or below
  // the bottom (the end of the rows in view).
  let first = -1;
  let last = n;
  let at = 0;
  for (let i = 0; i < n; i += 1) {
    if (first < 0 && at + hs[i] > top) first = i;
    if (first >= 0 && i > first && at >= bottom) { last = i; break; }
    at += hs[i];
  }
  if (first < 0) first = n - 1; // scrolled past the end (or only empty rows)
  let start = Math.max(0, first - overscan);
  let end = Math.min(n, last + overscan);
  const want = Math.min(n, minRows);
  if (end - start < want) {
    end = Math.min(n, end + Math.ceil((want - (end - start)) / 2));
    start = Math.max(0, end - want);
    end = Math.min(n, start + want);
  }
  const before = offsetOf(hs, start);
  const drawn = offsetOf(hs, end) - before;
  return { start, end, before, after: total - before - drawn };
}
