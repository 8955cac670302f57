// The status banner: connecting, reconnecting, kicked (button to reconnect), token invalid
// (button to the settings), other final errors (their text). Hidden when connected.
import { $, toast } from './dom.js';
import { t, errorText } from './i18n.js';
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

  const reconnect = () => api.sessionReconnect().catch((e) => toast(errorText(e)));

  return {
    /**
     * Shows the status. When the connection is down for good (or could not start), the
     * status carries an error and its kind picks what to offer; otherwise the client's
     * connection state does.
     */
    update(status) {
      const error = status && status.error;
      const state = error ? error.kind : (status ? status.state.kind : 'connecting');
      switch (state) {
        case 'connected': hide(); break;
        case 'connecting': show(t('connecting')); break;
        case 'suspended': show(t('reconnecting')); break;
        case 'kicked': show(t('kicked'), { error: true, button: t('reconnect'), handler: reconnect }); break;
        case 'tokenInvalid':
          show(t('tokenInvalid'), { error: true, button: t('openSettings'), handler: openSettings });
          break;
        case 'disconnected':
          show(t('disconnected'), { error: true, button: t('reconnect'), handler: reconnect });
          break;
        default: show(errorText(error), { error: true, button: t('reconnect'), handler: reconnect });
      }
      banner.dataset.state = state;
    },
  };
}
