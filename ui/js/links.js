// Message text with its links clickable: each link opens in the system browser through
// the backend (which only takes http and https), never inside the app's window. Text and
// links go in as text nodes; there is no href, so nothing can navigate the webview.
import { el, toast } from './dom.js';
import { errorText } from './i18n.js';
import { linkParts } from './linking.js';
import * as api from './api.js';

function open(url) {
  api.linkOpen(url).catch((e) => toast(errorText(e)));
}

/** Nodes for `text`: plain runs as text, links as focusable elements that open on click. */
export function linkedText(text) {
  return linkParts(text).map((part) => (part.url
    ? el('span', {
      class: 'link', role: 'link', tabindex: '0', title: part.url, text: part.text,
      onclick: (e) => { e.stopPropagation(); open(part.url); },
      onkeydown: (e) => { if (e.key === 'Enter') open(part.url); },
    })
    : part.text));
}
