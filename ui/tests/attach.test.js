// Dropped and pasted files: `node --test ui/tests`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planAttach, dragHasFiles, MAX_FILES, MAX_BYTES } from '../js/attaching.js';

const file = (name, size) => ({ name, size });

test('files are taken in order up to nine; empty and oversized ones are refused', () => {
  const files = [file('empty.txt', 0), file('huge.iso', MAX_BYTES + 1), file('ok.pdf', 10)];
  for (let i = 0; i < MAX_FILES + 2; i++) files.push(file(`p${i}.png`, 100));
  const { accepted, refused } = planAttach(files);
  assert.deepEqual(accepted.map((f) => f.name),
    ['ok.pdf', ...Array.from({ length: MAX_FILES - 1 }, (_, i) => `p${i}.png`)]);
  assert.deepEqual(refused.map((r) => [r.file.name, r.reason]), [
    ['empty.txt', 'empty'], ['huge.iso', 'tooLarge'],
    [`p${MAX_FILES - 1}.png`, 'tooMany'], [`p${MAX_FILES}.png`, 'tooMany'],
    [`p${MAX_FILES + 1}.png`, 'tooMany'],
  ]);
  assert.equal(planAttach([file('edge', MAX_BYTES)]).accepted.length, 1);
});

test('only a drag of files opens the drop target', () => {
  assert.equal(dragHasFiles(['Files']), true);
  assert.equal(dragHasFiles(['text/plain', 'Files']), true);
  assert.equal(dragHasFiles(['text/plain', 'text/uri-list']), false);
  assert.equal(dragHasFiles(undefined), false);
});
