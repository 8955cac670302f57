// Drafts are saved a moment after typing stops, always to the chat they were typed in:
// the text and the chat are taken when the key is pressed, and a chat switch (or an emoji,
// or a send) saves or drops what is pending at once instead of waiting for the timer.

export function createDraftSaver(save, delayMs = 800, timers = globalThis) {
  let pending = null; // { conv, text }
  let timer = null;

  function flush() {
    timers.clearTimeout(timer);
    timer = null;
    const p = pending;
    pending = null;
    if (p) save(p.conv, p.text);
  }

  return {
    /** The text of `conv` changed. */
    changed(conv, text) {
      if (!conv) return;
      if (pending && pending.conv !== conv) flush();
      pending = { conv, text };
      timers.clearTimeout(timer);
      timer = timers.setTimeout(flush, delayMs);
    },
    /** Saves what is pending now (before a chat switch). */
    flush,
    /** Forgets what is pending (the text was sent). */
    drop() {
      timers.clearTimeout(timer);
      timer = null;
      pending = null;
    },
  };
}
