// The @ picker of the group composer: typing "@" lists the group's members (filtered as
// one types, arrows + Enter or a click pick, Esc closes, "所有人" for everyone); the pick
// goes in as "@name " and the send carries its id. Logic in mentioning.js; text only.
import { el } from './dom.js';
import { t } from './i18n.js';
import * as api from './api.js';
import {
  mentionQuery, pickerEntries, insertMention, mentionFor, moveHighlight,
} from './mentioning.js';

/** Members the chat has seen speak, for when the server's member list is not at hand. */
function seenSenders(state) {
  const byId = new Map();
  for (const m of state.messages) {
    if (m.senderId && !byId.has(m.senderId)) byId.set(m.senderId, { id: m.senderId, name: m.senderName || m.senderId });
  }
  return [...byId.values()];
}

export function createMentionPicker({ text, state, currentConv, onPicked }) {
  const list = el('ul', { id: 'mention-picker', class: 'mention-picker', role: 'listbox', hidden: true });
  text.closest('.composer').prepend(list);
  const members = new Map(); // conversation key -> members, loaded once per open chat
  let picks = [];
  let entries = [];
  let highlight = 0;
  let query = null;
  let generation = 0;

  async function membersOf(conv) {
    const key = `${conv.conversationType}:${conv.targetId}`;
    if (!members.has(key)) {
      let loaded = null;
      try { loaded = api.groupMembers ? await api.groupMembers(conv) : null; } catch { loaded = null; }
      // Only the server's list is kept; the senders seen grow as history loads.
      if (!Array.isArray(loaded) || !loaded.length) return seenSenders(state);
      members.set(key, loaded);
    }
    return members.get(key);
  }

  function close() {
    list.hidden = true;
    query = null;
    entries = [];
  }

  function draw() {
    list.replaceChildren(...entries.map((entry, i) => el('li', {
      class: `mention-choice${i === highlight ? ' active' : ''}`,
      role: 'option',
      dataset: { userId: entry.id },
      // mousedown keeps the textarea's focus and caret.
      onmousedown: (e) => { e.preventDefault(); pick(entry); },
    }, el('span', { class: 'mention-name', text: entry.id ? entry.name : `@${entry.name}` }))));
    list.hidden = entries.length === 0;
  }

  function pick(entry) {
    if (!query) return;
    const caret = text.selectionStart ?? text.value.length;
    const next = insertMention(text.value, query.start, caret, entry.name);
    text.value = next.text;
    text.selectionStart = text.selectionEnd = next.caret;
    picks.push({ id: entry.id, name: entry.name });
    close();
    text.focus();
    onPicked();
  }

  return {
    /** After each input: opens, filters or closes the picker (groups only). */
    async update() {
      const conv = currentConv();
      const found = conv && conv.conversationType === 'group'
        ? mentionQuery(text.value, text.selectionStart ?? text.value.length) : null;
      if (!found) { close(); return; }
      const mine = ++generation;
      const all = await membersOf(conv);
      if (mine !== generation) return; // a later keystroke is being handled
      query = found;
      const me = state.status && state.status.userId;
      entries = pickerEntries(all, found.query, me, t('mentionAll'));
      highlight = 0;
      draw();
    },
    /** Keys while the picker is open; true when the picker used the key. */
    handleKey(e) {
      if (list.hidden || !entries.length) return false;
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        highlight = moveHighlight(highlight, e.key === 'ArrowDown' ? 1 : -1, entries.length);
        draw();
      } else if ((e.key === 'Enter' || e.key === 'Tab') && !e.isComposing) {
        pick(entries[highlight]);
      } else if (e.key === 'Escape') {
        close();
      } else {
        return false;
      }
      e.preventDefault();
      e.stopPropagation();
      return true;
    },
    /** The mention for the text being sent (null: none), forgetting the picks. */
    take(value) {
      const mention = mentionFor(value, picks);
      picks = [];
      close();
      return mention;
    },
    /** A chat opened or the text was replaced: the picks no longer apply. */
    reset() {
      picks = [];
      close();
    },
  };
}
