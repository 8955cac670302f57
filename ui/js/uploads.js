// Upload progress by message id, as the bar under a sending file shows it: fed by the
// Channel of a send or a resend, cleared once the message is no longer sending.

/** A Channel handler that keeps `progress` (id → 0..1) and redraws with `render`, at most
 * once per frame (a file reports every 64 KiB: a redraw each would stall the page). */
export function trackUpload(progress, render, nextFrame = (f) => requestAnimationFrame(f)) {
  let queued = false;
  return (p) => {
    progress.set(p.messageId, p.total ? p.sent / p.total : 0);
    if (p.sent >= p.total) progress.delete(p.messageId);
    if (queued) return;
    queued = true;
    nextFrame(() => { queued = false; render(); });
  };
}

/** A message update: a bar left from an upload that failed or finished goes. */
export function settleUpload(progress, msg) {
  if (msg.status !== 'sending') progress.delete(msg.id);
}
