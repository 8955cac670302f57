// The playback speed toggle's pure part: `node --test ui/tests`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SPEEDS, nextSpeed, speedLabel } from '../js/speeds.js';

test('the speed toggle steps 1x, 1.5x, 2x and back', () => {
  assert.deepEqual(SPEEDS, [1, 1.5, 2]);
  assert.equal(nextSpeed(1), 1.5);
  assert.equal(nextSpeed(1.5), 2);
  assert.equal(nextSpeed(2), 1);
  assert.equal(nextSpeed(3), 1);
  assert.equal(nextSpeed(undefined), 1);
  assert.equal(speedLabel(1.5), '1.5x');
  assert.equal(speedLabel(2), '2x');
  assert.equal(speedLabel('bogus'), '1x');
});
