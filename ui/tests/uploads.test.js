// The upload bar's bookkeeping (ui/js/uploads.js): `node --test ui/tests`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trackUpload, settleUpload } from '../js/uploads.js';

test('an upload bar follows its reports, redraws once per frame, and goes when done', () => {
  const progress = new Map();
  const frames = [];
  let renders = 0;
  const report = trackUpload(progress, () => { renders += 1; }, (f) => frames.push(f));
  report({ messageId: '7', sent: 25, total: 100 });
  report({ messageId: '7', sent: 50, total: 100 });
  assert.equal(progress.get('7'), 0.5);
  assert.equal(frames.length, 1, 'one redraw asked for two reports');
  frames.shift()();
  report({ messageId: '7', sent: 100, total: 100 });
  assert.equal(progress.has('7'), false);
  frames.shift()();
  assert.equal(renders, 2);
});

test('a failed or cancelled upload leaves no bar behind for its resend', () => {
  const progress = new Map([['7', 0.4], ['8', 0.1]]);
  settleUpload(progress, { id: '7', status: 'failed' });
  settleUpload(progress, { id: '8', status: 'sending' });
  assert.deepEqual([...progress.keys()], ['8']);
});
