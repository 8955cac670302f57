// Settings: language, and a real account (AppKey, navigation URL, token) or the local demo.
import { $, toast } from './dom.js';
import { t, setLanguage, errorText } from './i18n.js';
import * as api from './api.js';

export function createSettings({ onLanguage, onClose }) {
  const form = $('settings-form');
  const error = $('settings-error');

  function showError(message) {
    error.textContent = message;
    error.hidden = !message;
  }

  /** Fills the form from the backend. The fields are locked until then, so what the user
   *  types at once is not overwritten when the stored values arrive. */
  async function load() {
    showError('');
    setLoading(true);
    try {
      const s = await api.settingsGet();
      $('settings-language').value = s.language;
      $('settings-appkey').value = s.account ? s.account.appKey : '';
      $('settings-navi').value = s.account ? s.account.naviUrl : '';
      // The token is never sent back to the page; an empty field keeps the stored one.
      $('settings-token').value = '';
      $('settings-token').placeholder = s.account && s.account.hasToken ? '••••••••' : '';
    } finally {
      setLoading(false);
    }
  }

  function setLoading(loading) {
    for (const field of form.elements) field.disabled = loading;
    if (loading) form.dataset.loading = 'true';
    else delete form.dataset.loading;
  }

  $('settings-language').addEventListener('change', (e) => {
    setLanguage(e.target.value);
    onLanguage(e.target.value);
  });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const appKey = $('settings-appkey').value.trim();
    const naviUrl = $('settings-navi').value.trim();
    const token = $('settings-token').value.trim();
    const language = $('settings-language').value;
    const account = appKey || naviUrl || token ? { appKey, naviUrl, token: token || null } : null;
    try {
      await api.settingsSave({ language, account });
      showError('');
      toast(t('saved'));
      onClose();
    } catch (err) {
      showError(errorText(err));
    }
  });

  $('settings-demo').addEventListener('click', async () => {
    try {
      await api.settingsUseDemo();
      onClose();
    } catch (err) {
      showError(errorText(err));
    }
  });

  $('logout').addEventListener('click', async () => {
    try {
      await api.sessionLogout($('logout-delete').checked);
      $('logout-delete').checked = false;
      onClose();
    } catch (err) {
      showError(errorText(err));
    }
  });

  return { load };
}
