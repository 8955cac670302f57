// Times as the demo shows them. Pure functions of (timestamp, now) so they can be tested
// with a fixed clock.
import { t } from './i18n.js';

const pad = (n) => String(n).padStart(2, '0');

function startOfDay(date) {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

/** hh:mm today, "昨天 hh:mm" yesterday, the weekday within a week, else the date. */
export function formatListTime(ms, nowMs = Date.now()) {
  if (!ms) return '';
  const when = new Date(ms);
  const now = new Date(nowMs);
  const hhmm = `${pad(when.getHours())}:${pad(when.getMinutes())}`;
  const dayMs = 24 * 60 * 60 * 1000;
  const days = Math.round((startOfDay(now) - startOfDay(when)) / dayMs);
  if (days <= 0) return hhmm;
  if (days === 1) return `${t('yesterday')} ${hhmm}`;
  if (days < 7) return t('weekdays')[when.getDay()];
  return `${when.getFullYear()}/${pad(when.getMonth() + 1)}/${pad(when.getDate())}`;
}

/** In the chat a divider shows the same form, with the clock time also on older days. */
export function formatChatTime(ms, nowMs = Date.now()) {
  const list = formatListTime(ms, nowMs);
  const when = new Date(ms);
  if (list.includes(':')) return list;
  return `${list} ${pad(when.getHours())}:${pad(when.getMinutes())}`;
}

/** Milliseconds from `nowMs` to the next local midnight, when the list's day labels
 *  ("昨天", weekdays) change. */
export function msUntilNextDay(nowMs) {
  const now = new Date(nowMs);
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1).getTime() - nowMs;
}
