// Playback speeds (pure, node-tested): the toggle steps 1x -> 1.5x -> 2x -> 1x.
export const SPEEDS = [1, 1.5, 2];

/** The speed after `current` (anything unknown starts over at 1x). */
export function nextSpeed(current) {
  const i = SPEEDS.indexOf(Number(current));
  return SPEEDS[(i + 1) % SPEEDS.length];
}

/** The toggle's label: `1x`, `1.5x`, `2x`. */
export function speedLabel(speed) {
  return `${SPEEDS.includes(Number(speed)) ? Number(speed) : 1}x`;
}
