// Files dropped on the open chat or pasted into the composer: a drop target while a drag
// of files is over the chat, then a confirmation naming the files and the chat, then each
// is staged (its bytes to the backend) and sent, with the same progress as a picked file.
import { $, formatSize, toast } from './dom.js';
import { t, errorText } from './i18n.js';
import { askFirst } from './actions.js';
import { planAttach, dragHasFiles } from './attaching.js';
import * as api from './api.js';
import { trackUpload } from './uploads.js';

// The label of each refusal planAttach gives.
const REFUSED = { empty: 'attachEmpty', tooLarge: 'attachTooLarge', tooMany: 'attachTooMany' };

export function createAttach(state, chat) {
  const pane = $('chat');
  const text = $('composer-text');
  // dragenter and dragleave come for every child crossed: count them to know when the
  // drag really left the chat.
  let depth = 0;

  const currentConv = () => state.conversations.get(state.currentKey);
  // The target is drawn by CSS from the label (.chat.drop-target::after): no node to add.
  const showTarget = (shown) => {
    pane.classList.toggle('drop-target', shown);
    if (shown) pane.dataset.dropLabel = t('dropHere', currentConv()?.title ?? '');
  };

  async function sendOne(conv, file) {
    const staged = await api.fileStage(file);
    await api.fileSendStaged(conv, staged.staged, trackUpload(state.progress, () => chat.render()));
  }

  function offer(files) {
    const conv = currentConv();
    if (!conv || files.length === 0) return;
    const { accepted, refused } = planAttach(files);
    for (const { file, reason } of refused) toast(t(REFUSED[reason], file.name));
    if (accepted.length === 0) return;
    const names = accepted.map((f) => `${f.name || t('pastedImage')} (${formatSize(f.size)})`).join('\n');
    askFirst(t('sendFilesTitle', conv.title ?? conv.targetId), names, async () => {
      // One after another, in the order given, so they arrive in that order.
      for (const file of accepted) {
        try {
          await sendOne(conv, file);
        } catch (e) {
          toast(errorText(e));
        }
      }
    });
  }

  pane.addEventListener('dragenter', (e) => {
    if (!dragHasFiles(e.dataTransfer?.types)) return;
    e.preventDefault();
    depth += 1;
    showTarget(true);
  });
  pane.addEventListener('dragover', (e) => {
    if (!dragHasFiles(e.dataTransfer?.types)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  });
  pane.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) showTarget(false);
  });
  pane.addEventListener('drop', (e) => {
    if (!dragHasFiles(e.dataTransfer?.types)) return;
    e.preventDefault();
    depth = 0;
    showTarget(false);
    offer(Array.from(e.dataTransfer.files));
  });
  // A pasted screenshot or copied file; pasted text stays the textarea's own.
  text.addEventListener('paste', (e) => {
    const files = Array.from(e.clipboardData?.files ?? []);
    if (files.length === 0) return;
    e.preventDefault();
    offer(files);
  });
}
