// One component per message kind. Everything from the network goes in as text.
import { el, avatarNode, formatSize, toast } from './dom.js';
import { t, errorText } from './i18n.js';
import * as api from './api.js';
import { quoteBlock, askFirst } from './actions.js';
import { linkedText } from './links.js';
import { mentionParts } from './mentioning.js';

/** A received text's "@name" of us as a highlighted span (text only), the rest as is. */
function withMentions(nodes, msg, ctx) {
  if (msg.direction !== 'receive' || !msg.mention) return nodes;
  const me = ctx.me ? ctx.me() : null;
  return nodes.flatMap((node) => (typeof node !== 'string' ? node
    : mentionParts(node, msg.mention, me, t('mentionAll'))
      .map((p) => (p.mention ? el('span', { class: 'mention-me', text: p.text }) : p.text))));
}

function textBubble(msg, ctx) {
  const bubble = el('div', { class: 'bubble text-bubble' }, withMentions(linkedText(msg.text), msg, ctx));
  // A reply (RC:ReferenceMsg): the quoted message above its text.
  return msg.quote ? el('div', { class: 'reply-bubble' }, quoteBlock(msg.quote), bubble) : bubble;
}

function imageBubble(msg, ctx) {
  const img = el('img', { class: 'thumb', alt: t('previewImage') });
  if (msg.thumbnail) img.src = msg.thumbnail;
  if (msg.imageWidth && msg.imageHeight) {
    const scale = Math.min(1, 200 / Math.max(msg.imageWidth, msg.imageHeight));
    img.style.width = `${Math.round(msg.imageWidth * scale)}px`;
    img.style.height = `${Math.round(msg.imageHeight * scale)}px`;
  }
  img.addEventListener('click', () => ctx.openImage(msg));
  return el('div', { class: 'bubble image-bubble' }, img);
}

function voiceBubble(msg, ctx) {
  const seconds = Math.max(1, Math.round(msg.duration || 0));
  const width = Math.min(220, 70 + seconds * 4);
  const playing = ctx.playingId === msg.id;
  const bubble = el('div', {
    class: `bubble voice-bubble${playing ? ' playing' : ''}`,
    title: playing ? t('stop') : t('play'),
    onclick: () => ctx.toggleVoice(msg),
  },
  el('span', { class: 'voice-icon', text: playing ? '■' : '🔊' }),
  el('span', { class: 'voice-duration', text: `${seconds}″` }));
  bubble.style.width = `${width}px`;
  const row = el('div', { class: 'voice-row' }, bubble);
  if (msg.direction === 'receive' && !msg.heard) row.append(el('span', { class: 'unheard-dot' }));
  return row;
}

function fileIcon(name) {
  const ext = String(name || '').split('.').pop().toLowerCase();
  if (['png', 'jpg', 'jpeg', 'gif', 'webp'].includes(ext)) return '🖼';
  if (['mp3', 'wav', 'amr', 'aac', 'ogg'].includes(ext)) return '🎵';
  if (['zip', 'gz', 'tar', 'rar', '7z'].includes(ext)) return '🗜';
  return '📄';
}

function fileCard(msg, ctx) {
  return el('div', { class: 'bubble file-card', onclick: () => ctx.openFile(msg) },
    el('span', { class: 'file-icon', text: fileIcon(msg.fileName) }),
    el('div', { class: 'file-info' },
      el('span', { class: 'file-name', text: msg.fileName ?? '' }),
      el('span', { class: 'file-size', text: formatSize(msg.fileSize) })));
}

function musicCard(msg, ctx) {
  const poster = el('img', { class: 'music-poster', alt: '' });
  ctx.loadPoster(msg, poster);
  const playing = ctx.playingId === msg.id;
  return el('div', { class: 'bubble music-bubble' },
    el('div', { class: 'music-card' },
      poster,
      el('div', { class: 'music-info' },
        el('span', { class: 'music-name', text: msg.musicName ?? '' }),
        el('span', { class: 'music-author', text: msg.musicAuthor ?? '' })),
      el('button', {
        class: 'music-play', type: 'button', title: playing ? t('stop') : t('play'),
        text: playing ? '■' : '▶', onclick: () => ctx.toggleMusic(msg),
      })));
}

function unsupportedBubble(msg) {
  return el('div', { class: 'bubble unsupported', text: `${t('unsupported')}: ${msg.objectName ?? ''}` });
}

/** A recalled message: a notice line instead of its content (which is gone). */
function recalledNotice(msg) {
  return el('span', { class: 'notice', text: t(msg.direction === 'send' ? 'recalledByMe' : 'recalledByPeer') });
}

const RENDERERS = {
  text: textBubble, image: imageBubble, voice: voiceBubble, file: fileCard, music: musicCard,
  recalled: recalledNotice,
};

function statusLine(msg, ctx) {
  if (msg.direction !== 'send' || msg.kind === 'recalled') return null;
  if (msg.status === 'sent' && ctx.recall) {
    return el('div', { class: 'message-status sent' },
      el('button', { class: 'recall', type: 'button', text: t('recall'), onclick: () => ctx.recall(msg) }));
  }
  if (msg.status === 'failed') {
    // The failure's kind says why (a refusal carries the server's code).
    return el('div', { class: 'message-status failed', title: msg.failure ? errorText(msg.failure) : '' },
      el('span', { text: t('failed') }),
      el('button', { class: 'resend', type: 'button', text: t('resend'), onclick: () => ctx.resend(msg) }));
  }
  if (msg.status === 'sending') {
    const line = el('div', { class: 'message-status sending' }, el('span', { text: t('sending') }));
    const progress = ctx.progress.get(msg.id);
    if (progress !== undefined) {
      const bar = el('div', { class: 'progress-bar' });
      bar.style.width = `${Math.round(progress * 100)}%`;
      line.append(el('div', { class: 'progress' }, bar),
        el('button', { class: 'cancel-upload', type: 'button', title: t('cancelUpload'), text: '×',
          onclick: () => ctx.cancelUpload(msg) }));
    }
    return line;
  }
  return null;
}

/** The list item for one message; `ctx` carries callbacks and view state. */
export function messageItem(msg, ctx) {
  const render = RENDERERS[msg.kind] || unsupportedBubble;
  const body = el('div', { class: 'message-body' });
  if (msg.direction === 'receive' && ctx.showSenderNames) {
    body.append(el('span', { class: 'sender-name', text: msg.senderName || msg.senderId || '' }));
  }
  body.append(render(msg, ctx));
  const status = statusLine(msg, ctx);
  if (status) body.append(status);
  const receipt = ctx.receiptLine ? ctx.receiptLine(msg) : null; // receipts.js
  if (receipt) body.append(receipt);
  return el('li', {
    class: `message ${msg.direction === 'send' ? 'sender' : 'receiver'} kind-${msg.kind}`,
    id: `M-${msg.id}`,
    // Focusable, so the message menu (actions.js) opens from the keyboard too.
    tabindex: '0',
    dataset: { id: msg.id, kind: msg.kind, status: msg.status, failure: msg.failure ? msg.failure.kind : '' },
  },
  avatarNode(msg.senderAvatar, msg.senderName || msg.senderId, true),
  body);
}

export async function openFileWithFeedback(msg) {
  // A file from someone else opens in another program: the user says so first.
  if (msg.direction !== 'send') {
    const from = msg.senderName || msg.senderId || '';
    askFirst(t('openFileTitle'), t('openFileAsk').replace('{name}', msg.fileName ?? '')
      .replace('{from}', from), () => { openNow(msg); });
    return;
  }
  await openNow(msg);
}

async function openNow(msg) {
  toast(t('downloading'));
  try {
    await api.fileOpen(msg.id);
  } catch (e) {
    toast(errorText(e));
  }
}
