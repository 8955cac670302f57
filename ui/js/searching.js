// Search's pure parts (no DOM, node-tested): the query as sent, the snippet split around
// the matches (shown as text nodes, never markup), and a runner that waits for a pause in
// typing and drops answers to queries the user has typed past.

/** The query as the backend gets it: trimmed; '' means "show the conversation list". */
export const searchQuery = (raw) => String(raw ?? '').trim();

/**
 * `snippet` cut into parts, each `{ text, match }`, `match` where `query` occurs (any case).
 * Joined, the parts give the snippet back unchanged.
 */
export function highlightParts(snippet, query) {
  const text = String(snippet ?? '');
  const needle = searchQuery(query).toLowerCase();
  if (!needle) return text ? [{ text, match: false }] : [];
  const lower = text.toLowerCase();
  // toLowerCase can change lengths outside ASCII; only then give up on highlighting.
  if (lower.length !== text.length) return [{ text, match: false }];
  const parts = [];
  let at = 0;
  for (let i = lower.indexOf(needle); i >= 0; i = lower.indexOf(needle, i + needle.length)) {
    if (i > at) parts.push({ text: text.slice(at, i), match: false });
    parts.push({ text: text.slice(i, i + needle.length), match: true });
    at = i + needle.length;
  }
  if (at < text.length) parts.push({ text: text.slice(at), match: false });
  return parts;
}

/**
 * Calls `search(query)` once typing pauses for `delay` ms and hands the newest query's
 * hits to `onResults(query, hits)` (or `onError(query, e)`); an answer to an older query
 * is dropped. An empty query answers at once with `onResults('', [])`.
 */
export function createSearchRunner({ search, onResults, onError = () => {}, delay = 200, timers = globalThis }) {
  let timer = null;
  let latest = 0;
  return {
    input(raw) {
      const query = searchQuery(raw);
      const seq = ++latest;
      timers.clearTimeout(timer);
      if (!query) { onResults('', []); return; }
      timer = timers.setTimeout(async () => {
        try {
          const hits = await search(query);
          if (seq === latest) onResults(query, hits);
        } catch (e) {
          if (seq === latest) onError(query, e);
        }
      }, delay);
    },
  };
}
