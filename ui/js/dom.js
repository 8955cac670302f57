// DOM building without HTML strings: every piece of text goes in through textContent.

/**
 * el('div', { class: 'a b', text: 'hi', title: 't', dataset: {id: '1'} }, child1, child2)
 * Attributes are set with setAttribute, text with textContent. Never parses markup.
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = String(value);
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node) {
  node.replaceChildren();
}

export function $(id) {
  return document.getElementById(id);
}

let toastTimer = null;
/** Recent messages shown to the user (the E2E tests print them when something fails). */
export const shownMessages = [];
export function toast(message) {
  shownMessages.push(String(message));
  if (shownMessages.length > 20) shownMessages.shift();
  const node = $('toast');
  node.textContent = message;
  node.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { node.hidden = true; }, 2500);
}

/** Bytes as the demo shows them: B, KB, MB with one decimal. */
export function formatSize(bytes) {
  const n = Number(bytes) || 0;
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** A letter avatar for targets without a picture. */
export function avatarNode(src, title, small = false) {
  if (src) return el('img', { class: small ? 'avatar small' : 'avatar', src, alt: '' });
  const letter = Array.from(String(title || '?').trim())[0] || '?';
  return el('div', { class: small ? 'avatar small' : 'avatar', text: letter.toUpperCase() });
}
