// @mentions in the group composer, pure: where an "@query" is being typed, which members
// the picker offers for it, the text after a pick, and the mentionedInfo a send carries.
// mentions.js draws the picker; nothing here touches the page.

/** The id of the picker's "所有人" entry (no user has it: ids are never empty). */
export const ALL = '';

/** The most entries the picker shows at once. */
export const MAX_SHOWN = 20;

/**
 * The "@query" ending at `caret`, if one is being typed: an "@" at the start or after a
 * space, then no space up to the caret. Returns `{ start, query }` (start = the "@").
 */
export function mentionQuery(text, caret) {
  const before = text.slice(0, caret);
  const at = before.lastIndexOf('@');
  if (at < 0) return null;
  if (at > 0 && !/\s/.test(before[at - 1])) return null;
  const query = before.slice(at + 1);
  if (/\s/.test(query)) return null;
  return { start: at, query };
}

/**
 * The picker's entries for `query`: "所有人" first, then the members (not `me`) whose name
 * or id contains it, case-folded, at most MAX_SHOWN. Members are `{ id, name }`.
 */
export function pickerEntries(members, query, me, allName) {
  const q = query.toLowerCase();
  const hit = (s) => String(s || '').toLowerCase().includes(q);
  const entries = [];
  if (hit(allName) || q === '') entries.push({ id: ALL, name: allName });
  for (const m of members) {
    if (!m || !m.id || m.id === me) continue;
    if (hit(m.name) || hit(m.id)) entries.push({ id: m.id, name: m.name || m.id });
    if (entries.length >= MAX_SHOWN) break;
  }
  return entries;
}

/** The text with `@query` (from `start` to `caret`) replaced by "@name ", and the new caret. */
export function insertMention(text, start, caret, name) {
  const inserted = `@${name} `;
  return {
    text: text.slice(0, start) + inserted + text.slice(caret),
    caret: start + inserted.length,
  };
}

/**
 * What a send mentions: the picks (`{ id, name }`) whose "@name" is still in the text.
 * "所有人" wins over a list. Returns `{ all, userIds }` or null when nobody is left.
 */
export function mentionFor(text, picks) {
  const kept = picks.filter((p) => text.includes(`@${p.name}`));
  if (kept.some((p) => p.id === ALL)) return { all: true, userIds: [] };
  const userIds = [...new Set(kept.map((p) => p.id))];
  return userIds.length ? { all: false, userIds } : null;
}

/** Moves the picker's highlight by `step`, wrapping around `count` entries. */
export function moveHighlight(index, step, count) {
  if (count <= 0) return 0;
  return (index + step + count) % count;
}

/**
 * The "@name"s in a received `text` that mention us, for highlighting: `mention` is the
 * message's `{ all, userIds }`; `me` is `{ userId, userName }`. "@所有人" (`allName`) when
 * everyone is mentioned; our "@name" or "@id" when we are (everyone, or our id listed).
 * The "@" must not follow an ASCII letter or digit ("mail@Al.com" is no mention), and a name
 * ending in one must not run on into more ("@Al" is not in "@Alice"). Returns `[{ text, mention }]` covering `text` in order.
 */
export function mentionParts(text, mention, me, allName) {
  const s = String(text || '');
  const userId = me && me.userId;
  const ours = Boolean(mention && (mention.all || (userId && (mention.userIds || []).includes(userId))));
  if (!ours) return s ? [{ text: s, mention: false }] : [];
  const names = [mention.all ? allName : null, me.userName, userId]
    .filter((n) => typeof n === 'string' && n !== '')
    .map((n) => `@${n}`)
    .sort((a, b) => b.length - a.length); // the longest name wins where two start
  const parts = [];
  let plain = 0;
  let i = 0;
  while (i < s.length) {
    const name = s[i] === '@' ? names.find((n) => s.startsWith(n, i) && atBoundary(s, n, i)) : null;
    if (!name) { i += 1; continue; }
    if (i > plain) parts.push({ text: s.slice(plain, i), mention: false });
    parts.push({ text: name, mention: true });
    i += name.length;
    plain = i;
  }
  if (plain < s.length) parts.push({ text: s.slice(plain), mention: false });
  return parts;
}

const WORD = /[A-Za-z0-9_]/;

function atBoundary(s, name, at) {
  if (at > 0 && WORD.test(s[at - 1])) return false;
  const next = s[at + name.length];
  return !(next && WORD.test(name[name.length - 1]) && WORD.test(next));
}
