// The group member list ("群成员"): a button in a group chat's header opens a panel of the
// members the server lists (api.groupMembers), avatars and names as text only.
import { el, $, clear, toast, avatarNode } from './dom.js';
import { t, errorText } from './i18n.js';
import * as api from './api.js';

export function createMembers() {
  let conv = null;
  let overlay = null;

  const button = el('button', {
    id: 'group-members', type: 'button', class: 'icon-button group-members',
    title: t('groupMembers'), 'aria-label': t('groupMembers'), text: '👥',
    onclick: () => { if (conv) open(conv); },
  });
  button.hidden = true;
  $('voice-speed').before(button);

  function close() {
    if (overlay) overlay.remove();
    overlay = null;
    document.removeEventListener('keydown', onKey, true);
  }

  function onKey(e) {
    if (e.key === 'Escape') { e.preventDefault(); close(); }
  }

  async function open(target) {
    close();
    const list = el('ul', { id: 'member-list', class: 'member-list' });
    const title = el('h3', { class: 'dialog-title', id: 'member-title', text: t('groupMembers') });
    const card = el('div', { class: 'dialog-card member-card', role: 'dialog', 'aria-modal': 'true' },
      title, list,
      el('div', { class: 'dialog-actions' },
        el('button', { type: 'button', class: 'dialog-cancel', text: t('close'), onclick: close })));
    overlay = el('div', { class: 'dialog-overlay', id: 'member-panel' }, card);
    overlay.addEventListener('mousedown', (e) => { if (e.target === overlay) close(); });
    document.addEventListener('keydown', onKey, true);
    document.body.append(overlay);
    const shown = overlay;
    let members;
    try {
      members = await api.groupMembers({ conversationType: target.conversationType, targetId: target.targetId });
    } catch (e) {
      close();
      toast(errorText(e));
      return;
    }
    if (overlay !== shown) return; // closed or reopened meanwhile
    title.textContent = t('groupMembersCount', members.length);
    clear(list);
    for (const m of members) {
      list.append(el('li', { class: 'member', dataset: { id: m.id } },
        avatarNode(m.avatar, m.name, true),
        el('span', { class: 'member-name', text: m.name })));
    }
  }

  return {
    /** The open chat changed (`null`: none): the button shows for groups only. */
    update(next) {
      conv = next;
      button.hidden = !(next && next.conversationType === 'group');
      close();
    },
    relabel() {
      button.title = t('groupMembers');
      button.setAttribute('aria-label', t('groupMembers'));
    },
  };
}
