// Shared by the UI unit tests (not a test file itself).

/** A clock the test moves by hand. */
export function fakeTimers() {
  let now = 0;
  let next = 1;
  const due = new Map();
  return {
    setTimeout(fn, ms) { const id = next++; due.set(id, { fn, at: now + ms }); return id; },
    clearTimeout(id) { due.delete(id); },
    advance(ms) {
      now += ms;
      for (const [id, { fn, at }] of [...due]) if (at <= now) { due.delete(id); fn(); }
    },
  };
}
