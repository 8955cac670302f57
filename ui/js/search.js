// The search box over the conversation list: typing searches every conversation (the
// backend's full-text index); hits replace the list until the box is emptied; a click
// opens the chat at that message (`onOpen(conv, messageId)`).
import { el, $, toast } from './dom.js';
import { errorText } from './i18n.js';
import { formatListTime } from './time.js';
import { convKey } from './list.js';
import { highlightParts, createSearchRunner } from './searching.js';
import * as api from './api.js';

export function createSearch(state, { onOpen }) {
  const input = $('search-input');
  const results = $('search-results');
  const empty = $('search-empty');
  const list = $('conversation-list');

  function show(query, hits) {
    const searching = query !== '';
    results.hidden = !searching;
    list.hidden = searching;
    empty.hidden = !searching || hits.length > 0;
    if (searching) $('list-empty').hidden = true;
    results.replaceChildren(...hits.map((hit) => {
      const conv = state.conversations.get(convKey(hit.conv));
      const title = conv ? conv.title : hit.title;
      const snippet = el('span', { class: 'search-snippet' },
        highlightParts(hit.snippet, query).map((p) => (p.match ? el('mark', { text: p.text }) : p.text)));
      return el('li', {
        class: 'search-hit',
        dataset: { messageId: hit.messageId, key: convKey(hit.conv) },
        onclick: () => onOpen(conv || { ...hit.conv, title }, hit.messageId),
      },
      el('div', { class: 'search-hit-top' },
        el('span', { class: 'search-hit-title', text: title }),
        el('span', { class: 'search-hit-time', text: formatListTime(hit.sentTime) })),
      snippet);
    }));
  }

  const runner = createSearchRunner({
    search: (query) => api.messageSearch(query),
    onResults: show,
    onError: (_query, e) => toast(errorText(e)),
  });
  input.addEventListener('input', () => runner.input(input.value));
  $('search-form').addEventListener('submit', (e) => { e.preventDefault(); runner.input(input.value); });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') { input.value = ''; runner.input(''); }
  });
  return {
    /** Runs the box's query again (labels or names changed). */
    refresh: () => runner.input(input.value),
  };
}
