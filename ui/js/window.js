// Which rows of a list of equal-height rows are drawn for a scroll offset: the
// conversation list keeps only those (plus an overscan each side) in the DOM, with the
// space of the others as padding. Pure arithmetic, no DOM: `node --test ui/tests`.

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
