// Which dropped or pasted files a chat takes, decided without the DOM (`node --test`):
// at most nine at a time, as a chat user knows from WeChat; none empty or over the upload
// limit. The caller stages and sends the accepted ones after the user confirms.

/** The most files sent from one drop or paste. */
export const MAX_FILES = 9;
/** The largest file the server takes (the backend checks it too). */
export const MAX_BYTES = 100 * 1024 * 1024;

/**
 * Splits `files` (anything with `name` and `size`) into those to send and those refused,
 * each refusal with its reason: 'empty', 'tooLarge' or 'tooMany'.
 */
export function planAttach(files) {
  const accepted = [];
  const refused = [];
  for (const file of files) {
    const size = Number(file.size) || 0;
    if (size === 0) refused.push({ file, reason: 'empty' });
    else if (size > MAX_BYTES) refused.push({ file, reason: 'tooLarge' });
    else if (accepted.length >= MAX_FILES) refused.push({ file, reason: 'tooMany' });
    else accepted.push(file);
  }
  return { accepted, refused };
}

/** Whether a drag carries files (not text or a link dragged from the page). */
export function dragHasFiles(types) {
  return Array.from(types || []).includes('Files');
}
