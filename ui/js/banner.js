// The status banner: connecting, reconnecting, kicked (button to reconnect), token invalid
// (button to the settings). Hidden when connected.
import { $, toast } from './dom.js';
import { t } from './i18n.js';
import * as api from './api.js';

export function createBanner({ openSettings }) {
  const banner = $('banner');
  const text = $('banner-text');
  const action = $('banner-action');
  let onAction = null;

  action.addEventListener('click', () => onAction && onAction());

  function show(message, { error = false, button = null, handler = null } = {}) {
    banner.hidden = false;
    document.body.classList.add('with-banner');
    banner.classList.toggle('error', error);
    banner.dataset.state = '';
    text.textContent = message;
    action.hidden = !button;
    action.textContent = button || '';
    onAction = handler;
  }

  function hide() {
    banner.hidden = true;
    document.body.classList.remove('with-banner');
  }

  return {
    update(status) {
      const state = status ? status.state : 'connecting';
      switch (state) {
        case 'connected': hide(); break;
        case 'connecting': show(t('connecting')); break;
        case 'reconnecting': show(t('reconnecting')); break;
        case 'kicked':
          show(t('kicked'), {
            error: true,
            button: t('reconnect'),
            handler: () => api.sessionReconnect().catch((e) => toast(e.message)),
          });
          break;
        case 'tokenInvalid':
          show(t('tokenInvalid'), { error: true, button: t('openSettings'), handler: openSettings });
          break;
        default: show(status && status.message ? status.message : t('disconnected'), {
          error: true,
          button: t('reconnect'),
          handler: () => api.sessionReconnect().catch((e) => toast(e.message)),
        });
      }
      banner.dataset.state = state;
    },
  };
}
