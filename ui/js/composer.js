// The composer: text with an emoji panel, image/file/music, and the voice recorder.
import { el, $, toast } from './dom.js';
import { t, errorText } from './i18n.js';
import { createRecorder } from './voice.js';
import { createDraftSaver } from './drafts.js';
import { createTypingNotifier } from './typing.js';
import * as api from './api.js';
import { takeReply } from './actions.js';
import { createMentionPicker } from './mentions.js';
import { convKey } from './list.js';
import { trackUpload } from './uploads.js';

const EMOJI = Array.from(
  '😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗🙂🤗🤩🤔🤨😐😑😶🙄😏😣😥😮🤐😯😪😫🥱😴😌😛😜😝🤤😒😓😔😕🙃🤑😲🙁😖😞😟😤😢😭😦😧😨😩🤯😬😰😱🥵🥶😳🤪😵😡😠🤬😷🤒🤕🤢🤮🤧😇🥳🥺🤠🤡🤥🤫🤭🧐🤓👍👎👏🙏💪🤝👌✌️🌹🎉❤️💔🔥⭐☕🍺🎂'
).filter((ch) => ch !== '\ufe0f');

export function createComposer(state, chat) {
  const text = $('composer-text');
  const send = $('send-button');
  const emojiPanel = $('emoji-panel');
  const morePanel = $('more-panel');
  const musicPanel = $('music-panel');
  const recordButton = $('record-button');
  let voiceMode = false;
  // A saved draft goes into the page's own row at once: a quick switch back must find it
  // there, before the backend's conversation update arrives.
  const drafts = createDraftSaver((conv, value) => {
    const row = state.conversations.get(convKey(conv));
    if (row) row.draft = value;
    api.conversationSetDraft(conv, value).catch(() => {});
  });

  const currentConv = () => state.conversations.get(state.currentKey);
  const typing = createTypingNotifier((conv) => api.conversationTyping(conv).catch(() => {}));

  function updateSend() {
    send.disabled = text.value.trim().length === 0;
  }

  const mentions = createMentionPicker({
    text, state, currentConv,
    onPicked: () => { updateSend(); drafts.changed(currentConv(), text.value); },
  });

  function closePanels() {
    emojiPanel.hidden = true;
    morePanel.hidden = true;
    musicPanel.hidden = true;
  }

  async function sendText() {
    const conv = currentConv();
    const value = text.value;
    if (!conv || !value.trim()) return;
    text.value = '';
    drafts.drop();
    updateSend();
    closePanels();
    const replyTo = takeReply(state.currentKey);
    const mention = mentions.take(value);
    try {
      if (replyTo) await api.messageReply(replyTo.id, value);
      else await api.messageSendText(conv, value, mention);
      api.conversationSetDraft(conv, '').catch(() => {});
    } catch (e) {
      toast(errorText(e));
    }
  }

  async function sendPicked(kind) {
    const conv = currentConv();
    if (!conv) return;
    closePanels();
    try {
      // Progress arrives per message id; the message itself comes through the events.
      await api.fileSendPicked(conv, kind, trackUpload(state.progress, () => chat.render()));
    } catch (e) {
      if (e.kind !== 'cancelled') toast(errorText(e));
    }
  }

  async function showMusic() {
    morePanel.hidden = true;
    if (!state.musics.length) {
      try { state.musics = await api.musicList(); } catch (e) { toast(errorText(e)); return; }
    }
    musicPanel.replaceChildren(...state.musics.map((m) => el('li', {
      class: 'music-choice',
      onclick: async () => {
        closePanels();
        const conv = currentConv();
        if (!conv) return;
        try { await api.messageSendMusic(conv, m.id); } catch (e) { toast(errorText(e)); }
      },
    }, el('span', { text: '🎵' }), el('span', { class: 'music-name', text: m.name }),
    el('span', { class: 'music-author', text: m.author }))));
    musicPanel.hidden = false;
  }

  emojiPanel.replaceChildren(...EMOJI.map((emoji) => el('button', {
    class: 'emoji', type: 'button', text: emoji,
    onclick: () => {
      const start = text.selectionStart ?? text.value.length;
      const end = text.selectionEnd ?? text.value.length;
      text.value = text.value.slice(0, start) + emoji + text.value.slice(end);
      text.selectionStart = text.selectionEnd = start + emoji.length;
      drafts.changed(currentConv(), text.value);
      updateSend();
      text.focus();
    },
  })));

  text.addEventListener('input', () => {
    updateSend();
    drafts.changed(currentConv(), text.value);
    if (text.value.trim()) typing(currentConv());
    mentions.update();
  });
  text.addEventListener('keydown', (e) => {
    if (mentions.handleKey(e)) return;
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      sendText();
    }
  });
  send.addEventListener('click', sendText);
  $('emoji-toggle').addEventListener('click', () => {
    const open = emojiPanel.hidden;
    closePanels();
    emojiPanel.hidden = !open;
  });
  $('more-toggle').addEventListener('click', () => {
    const open = morePanel.hidden;
    closePanels();
    morePanel.hidden = !open;
  });
  $('pick-image').addEventListener('click', () => sendPicked('image'));
  $('pick-file').addEventListener('click', () => sendPicked('file'));
  $('pick-music').addEventListener('click', showMusic);
  $('voice-mode').addEventListener('click', () => {
    voiceMode = !voiceMode;
    text.hidden = voiceMode;
    recordButton.hidden = !voiceMode;
    send.hidden = voiceMode;
    $('voice-mode').textContent = voiceMode ? '⌨' : '🎤';
    closePanels();
  });

  createRecorder({ button: recordButton, currentConv });
  updateSend();

  return {
    /** Saves the pending draft of the chat being left. */
    leave() { drafts.flush(); },
    /** Shows the conversation's draft when a chat opens. */
    load(conv) {
      drafts.flush();
      const row = state.conversations.get(convKey(conv)) || conv;
      text.value = row.draft || '';
      mentions.reset();
      updateSend();
      closePanels();
    },
    focus() { if (!voiceMode) text.focus(); },
  };
}
