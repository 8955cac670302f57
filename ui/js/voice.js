// Voice recording: click to start and stop, or hold and release; Escape or sliding away
// cancels. A level meter and a countdown to 60 s while recording. And the playback speed
// toggle.
import { $, toast } from './dom.js';
import { t, errorText } from './i18n.js';
import { nextSpeed, speedLabel } from './speeds.js';
import * as api from './api.js';

const MAX_SECONDS = 60;
const HOLD_MS = 350; // a press longer than this is "hold to talk"

export function createRecorder({ button, currentConv }) {
  const overlay = $('recording-overlay');
  const card = overlay.querySelector('.recording-card');
  const bar = $('recording-level-bar');
  const countdown = $('recording-countdown');
  const hint = $('recording-hint');
  let recording = false;
  let holding = false;
  let cancelPending = false;
  let pressedAt = 0;
  let startedAt = 0;
  let timer = null;

  // The backend's limit and the audio recorded so far, from its level events (the wall
  // clock until the first one arrives).
  let limitSecs = MAX_SECONDS;
  let elapsedSecs = null;

  function showCountdown() {
    const elapsed = elapsedSecs ?? (Date.now() - startedAt) / 1000;
    const left = Math.max(0, Math.ceil(limitSecs - elapsed));
    countdown.textContent = t('secondsLeft', left);
  }

  function setCancelPending(value) {
    cancelPending = value;
    card.classList.toggle('cancelling', value);
    hint.textContent = value ? t('cancelHint') : t('recordingHint');
  }

  async function start() {
    const conv = currentConv();
    if (!conv || recording) return;
    recording = true;
    startedAt = Date.now();
    limitSecs = MAX_SECONDS;
    elapsedSecs = null;
    setCancelPending(false);
    bar.style.width = '0';
    button.dataset.elapsed = '0'; // seconds of audio so far (from the levels; the E2E reads it)
    showCountdown();
    overlay.hidden = false;
    button.classList.add('active');
    button.textContent = t('releaseToSend');
    timer = setInterval(showCountdown, 250);
    try {
      await api.voiceRecordStart(conv, (event) => {
        if (event.type === 'level') {
          bar.style.width = `${Math.round(Math.min(1, event.level) * 100)}%`;
          button.dataset.elapsed = String(event.elapsed);
          if (event.limit > 0) limitSecs = event.limit;
          elapsedSecs = event.elapsed;
        }
        // The 60 s limit (or a lost device) ends the clip: send what was recorded.
        if (event.type === 'finished') stop(true);
      });
    } catch (e) {
      finish();
      toast(errorText(e));
    }
  }

  function finish() {
    recording = false;
    holding = false;
    clearInterval(timer);
    overlay.hidden = true;
    button.classList.remove('active');
    button.textContent = t('holdToTalk');
  }

  async function stop(send) {
    if (!recording) return;
    finish();
    try {
      const sent = await api.voiceRecordStop(send);
      if (send && !sent) toast(t('tooShort'));
    } catch (e) {
      toast(errorText(e));
    }
  }

  button.addEventListener('pointerdown', (e) => {
    if (recording) { stop(true); return; } // second click of click-to-start
    pressedAt = Date.now();
    holding = true;
    // Capture keeps the release on the button; a webview that refuses it (an automated or
    // already released pointer throws) must not stop the recording from starting.
    try { button.setPointerCapture?.(e.pointerId); } catch { /* hold still works without it */ }
    start();
  });
  button.addEventListener('pointermove', (e) => {
    if (!recording || !holding) return;
    const r = button.getBoundingClientRect();
    const away = e.clientY < r.top - 40 || e.clientX < r.left - 40 || e.clientX > r.right + 40;
    setCancelPending(away);
  });
  button.addEventListener('pointerup', () => {
    if (!recording || !holding) return;
    holding = false;
    if (Date.now() - pressedAt < HOLD_MS) return; // a click: keep recording until the next click
    stop(!cancelPending);
  });
  button.addEventListener('pointercancel', () => { if (recording) stop(false); });
  $('recording-cancel').addEventListener('click', () => stop(false));
  $('recording-stop').addEventListener('click', () => stop(true));
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && recording) stop(false);
  });
}

/**
 * The playback speed toggle (1x / 1.5x / 2x): shows the backend's kept speed and steps it
 * on each click. The backend keeps it across starts and plays every clip at it.
 */
export function createSpeedToggle({ button }) {
  function show(speed) {
    button.textContent = speedLabel(speed);
    button.dataset.speed = String(speed);
  }
  api.voiceSpeedGet().then(show).catch(() => show(1));
  button.addEventListener('click', async () => {
    try {
      show(await api.voiceSpeedSet(nextSpeed(button.dataset.speed)));
    } catch (e) {
      toast(errorText(e));
    }
  });
}
