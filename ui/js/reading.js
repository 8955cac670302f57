// When an open chat counts as read: only while the user can see it, i.e. the window has
// focus, the page is visible and the chat (not the settings) is on screen.

export function chatIsSeen({ focused, visibility, page }) {
  return Boolean(focused) && visibility !== 'hidden' && page === 'chat';
}
