// Who types where, from the backend's `typing` events (it sends both the start and the
// stop: a report runs out after a few seconds, a message or a lost connection ends it).
// Pure: no DOM, no timers; unit-tested in ui/tests.
import { convKey } from './list.js';

/** Keeps, per conversation key, the users typing there. */
export function createTypingState() {
  const typing = new Map(); // conversation key -> Set of user ids
  return {
    /** Applies one `typing` event; returns the key of the conversation it changed. */
    apply(event) {
      if (!event || !event.conv || typeof event.userId !== 'string') return null;
      const key = convKey(event.conv);
      const users = typing.get(key) || new Set();
      if (event.typing) users.add(event.userId);
      else users.delete(event.userId);
      if (users.size) typing.set(key, users);
      else typing.delete(key);
      return key;
    },
    /** Whether someone types in the conversation with this key. */
    isTyping(key) {
      return typing.has(key);
    },
    /** The connection or the session changed: nobody is known to type. */
    clear() {
      typing.clear();
    },
  };
}

/** The chat title: the peer's name, or the typing label while they type. */
export function chatTitle(title, typing, typingLabel) {
  return typing ? typingLabel : title;
}

/** Calls `notify` on input, but not more than once per `intervalMs` (the backend
 *  throttles again; this only spares the IPC). `now` is injected for tests. */
export function createTypingNotifier(notify, intervalMs = 1000, now = () => Date.now()) {
  let last = -Infinity;
  return (conv) => {
    const t = now();
    if (!conv || t - last < intervalMs) return;
    last = t;
    notify(conv);
  };
}
