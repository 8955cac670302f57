// Links in message text, found without touching the DOM (so `node --test` checks it):
// http and https only, the way a chat user expects them to end. The text is never parsed
// as markup; the caller builds text nodes and link elements from these parts.

// A run of characters that can be in a link: no spaces, no quotes or angle brackets, and
// none of the CJK punctuation that ends a link written inside Chinese text (。，、「」！（）…).
const CANDIDATE = /https?:\/\/[^\s<>"'`\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]+/giu;
// Sentence punctuation right after a link belongs to the sentence.
const TRAILING = /[.,;:!?'")\]}]+$/u;

/** Drops the sentence's trailing punctuation, keeping a closing bracket the link opened. */
function trimEnd(url) {
  let end = url.replace(TRAILING, '');
  for (const [open, close] of [['(', ')'], ['[', ']']]) {
    while (url.length > end.length && url[end.length] === close
      && end.split(open).length > end.split(close).length) {
      end += close;
    }
  }
  return end;
}

/**
 * The text split into plain runs and links: [{text}, {text, url}, ...]. Joining every
 * part's text gives the input back unchanged.
 */
export function linkParts(text) {
  const source = String(text ?? '');
  const parts = [];
  let at = 0;
  for (const found of source.matchAll(CANDIDATE)) {
    const url = trimEnd(found[0]);
    // "http://" alone, or only punctuation after the scheme, is no link.
    if (!/^https?:\/\/[^/?#]/iu.test(url)) continue;
    if (found.index > at) parts.push({ text: source.slice(at, found.index) });
    parts.push({ text: url, url });
    at = found.index + url.length;
  }
  if (at < source.length || parts.length === 0) parts.push({ text: source.slice(at) });
  return parts;
}
