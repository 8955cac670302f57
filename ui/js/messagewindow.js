// The chat's message list, virtualised: only the rows in view (window.js's variableRange,
// plus an overscan, and never fewer than MIN_ROWS) are in the DOM, between two spacers
// that hold the others' space. A row is a message with the time divider above it, if any;
// rows have any height, measured once drawn and kept per message id (a guess by kind
// until then). A row is kept while what it shows is unchanged (its signature), so focus,
// a selection and a loaded picture survive redraws and scrolling. Every draw keeps a row
// in place on screen (the anchor): older history loaded above, heights measured for the
// first time and rows redrawn do not move what the user looks at; at the bottom the view
// stays at the bottom; a row can be brought to the middle (a search hit).
import { el } from './dom.js';
import { variableRange, offsetOf } from './window.js';

/** Rows drawn beyond each edge of the view. */
const OVERSCAN = 10;
/** The fewest rows drawn: a chat this short is drawn whole (cheap, and find-in-page and
 * selecting across the whole chat keep working there). */
export const MIN_ROWS = 50;
/** Within this of the bottom counts as at the bottom (a new message keeps it there). */
const BOTTOM_SLACK = 40;

/**
 * @param {{scroll: HTMLElement, list: HTMLElement,
 *   build: (row: object) => Node[], signature: (row: object) => string,
 *   guess: (row: object) => number}} parts
 * `build` makes a row's nodes, `signature` says what it shows, `guess` its height before
 * it is measured. Rows are `{ key, ... }` (the key is the message id).
 */
export function createMessageWindow({ scroll, list, build, signature, guess }) {
  const above = el('li', { class: 'list-spacer', 'aria-hidden': 'true' });
  const below = el('li', { class: 'list-spacer', 'aria-hidden': 'true' });
  let rows = [];
  let drawn = new Map(); // key -> { sig, nodes } of the rows in the DOM, in order
  const heights = new Map(); // key -> the last measured height (px)
  let frame = 0;

  const heightOf = (row) => heights.get(row.key) ?? guess(row);
  const viewTop = () => scroll.getBoundingClientRect().top;
  /** Where the list starts in the scrolled content (the history line is above it). */
  const listOffset = () => list.getBoundingClientRect().top - viewTop() + scroll.scrollTop;
  const atBottom = () => scroll.scrollHeight - scroll.scrollTop - scroll.clientHeight < BOTTOM_SLACK;

  /** A row's message node (a time divider may come and go above it). */
  const itemOf = (row) => row.nodes[row.nodes.length - 1];

  /** The first drawn row still in view, and how far its message is below the view's top. */
  function captureAnchor() {
    const top = viewTop();
    for (const [key, row] of drawn) {
      const box = itemOf(row).getBoundingClientRect();
      if (box.bottom > top) return { key, delta: box.top - top };
    }
    return null;
  }

  function rangeAt(listTop) {
    return variableRange({
      heights: rows.map(heightOf), scrollTop: listTop, viewportHeight: scroll.clientHeight,
      overscan: OVERSCAN, minRows: MIN_ROWS,
    });
  }

  /** Puts the rows of `range` in the DOM (keeping unchanged ones) and measures them. */
  function patch(range) {
    const focused = list.contains(document.activeElement) ? document.activeElement.closest('li.message') : null;
    const focusKey = focused ? focused.dataset.id : null;
    const next = new Map();
    const nodes = [above];
    for (let i = range.start; i < range.end; i += 1) {
      const row = rows[i];
      const sig = signature(row);
      const old = drawn.get(row.key);
      const kept = old && old.sig === sig ? old : { sig, nodes: build(row) };
      next.set(row.key, kept);
      nodes.push(...kept.nodes);
    }
    nodes.push(below);
    drawn = next;
    above.style.height = `${range.before}px`;
    below.style.height = `${range.after}px`;
    const keep = new Set(nodes);
    for (const child of [...list.children]) if (!keep.has(child)) child.remove();
    nodes.forEach((node, i) => {
      if (list.children[i] !== node) list.insertBefore(node, list.children[i] || null);
    });
    // A row redrawn under the keyboard keeps it.
    if (focusKey && !list.contains(document.activeElement)) {
      const row = drawn.get(focusKey);
      const item = row && row.nodes.find((n) => n.dataset.id === focusKey);
      if (item) item.focus({ preventScroll: true });
    }
    // Measured: what the spacers say below this row is then right for it too.
    let changed = false;
    for (const [key, row] of drawn) {
      const h = row.nodes.reduce((sum, n) => sum + n.getBoundingClientRect().height, 0);
      if (h > 0 && heights.get(key) !== h) { heights.set(key, h); changed = true; }
    }
    if (changed) {
      // Rows were guessed: the spacers follow the measured heights above and below.
      const hs = rows.map(heightOf);
      const total = offsetOf(hs, hs.length);
      above.style.height = `${offsetOf(hs, range.start)}px`;
      below.style.height = `${total - offsetOf(hs, range.end)}px`;
    }
  }

  /** Scrolls so that the anchor's row is `delta` below the view's top again. */
  function place(anchor) {
    if (anchor === 'bottom') { scroll.scrollTop = scroll.scrollHeight; return; }
    const row = drawn.get(anchor.key);
    if (!row) return;
    const delta = anchor.delta === 'centre'
      ? (scroll.clientHeight - itemOf(row).getBoundingClientRect().height) / 2 : anchor.delta;
    scroll.scrollTop += itemOf(row).getBoundingClientRect().top - viewTop() - delta;
  }

  /** Draws with `anchor` ('bottom', or { key, delta: px | 'centre' }) held in place. */
  function drawAround(anchor) {
    const offset = listOffset();
    const hs = rows.map(heightOf);
    let listTop = scroll.scrollTop - offset;
    if (anchor === 'bottom') listTop = offsetOf(hs, hs.length) - scroll.clientHeight;
    else if (anchor) {
      const index = rows.findIndex((r) => r.key === anchor.key);
      if (index < 0) anchor = null;
      else listTop = offsetOf(hs, index) - (anchor.delta === 'centre' ? scroll.clientHeight / 2 : anchor.delta);
    }
    let range = rangeAt(listTop);
    // Measuring can change what is in view: draw again until it holds (a few passes).
    for (let pass = 0; pass < 4; pass += 1) {
      patch(range);
      if (anchor) place(anchor);
      if (anchor && anchor.delta === 'centre') anchor = { key: anchor.key, delta: captureAnchorOf(anchor.key) };
      const now = rangeAt(scroll.scrollTop - listOffset());
      if (now.start === range.start && now.end === range.end) break;
      range = now;
    }
  }

  function captureAnchorOf(key) {
    const row = drawn.get(key);
    return row ? itemOf(row).getBoundingClientRect().top - viewTop() : 0;
  }

  function scheduleDraw() {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      drawAround(atBottom() ? 'bottom' : captureAnchor());
    });
  }

  scroll.addEventListener('scroll', scheduleDraw, { passive: true });
  // A new size (the window's) or a picture that loaded and took its height: measure again.
  new ResizeObserver(scheduleDraw).observe(scroll);
  list.addEventListener('load', scheduleDraw, true);

  return {
    /**
     * Shows `next` (the rows now): with row `centre` in the middle when given; at the
     * bottom when `bottom`, or already there unless `keep`; else with the row in view
     * kept in place (rows loaded above or below do not move it).
     */
    show(next, { bottom = false, centre = null, keep = false } = {}) {
      const anchor = centre ? { key: centre, delta: 'centre' }
        : bottom || (!keep && atBottom()) ? 'bottom' : captureAnchor();
      rows = next;
      drawAround(anchor);
    },
    /** The message row with `key` is drawn now (else it is out of the window). */
    isDrawn: (key) => drawn.has(key),
    /** Forgets every row (another chat opens). */
    reset() {
      rows = [];
      drawn = new Map();
      heights.clear();
      list.replaceChildren();
      scroll.scrollTop = 0;
    },
  };
}
