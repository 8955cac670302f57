// Links in message text: `node --test ui/tests`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linkParts } from '../js/linking.js';

const urls = (text) => linkParts(text).filter((p) => p.url).map((p) => p.url);

test('links are found in Latin and Chinese text, ending where a reader ends them', () => {
  assert.deepEqual(urls('see https://example.com/a?b=1#c now'), ['https://example.com/a?b=1#c']);
  assert.deepEqual(urls('文档在http://docs.example.com/x，请看。'), ['http://docs.example.com/x']);
  assert.deepEqual(urls('(see https://example.com/page).'), ['https://example.com/page']);
  assert.deepEqual(urls('https://en.wikipedia.org/wiki/Rust_(language), ok'),
    ['https://en.wikipedia.org/wiki/Rust_(language)']);
  assert.deepEqual(urls('two: https://a.example/1 and HTTPS://B.example/2!'),
    ['https://a.example/1', 'HTTPS://B.example/2']);
  assert.deepEqual(urls('「https://example.com/引号」'), ['https://example.com/引号']);
});

test('only http and https, with something after the scheme', () => {
  assert.deepEqual(urls('javascript:alert(1) file:///etc/passwd ftp://x.example rongchat://a'), []);
  assert.deepEqual(urls('http:// and https://.'), []);
  assert.deepEqual(urls('www.example.com'), []);
});

test('the parts join back to the text unchanged, hostile text included', () => {
  for (const text of [
    '', 'plain', 'https://example.com', 'a https://x.example/<img src=x onerror=alert(1)> b',
    '"https://q.example/"', '😀https://e.example/😀', 'x'.repeat(5000) + ' https://l.example',
  ]) {
    assert.equal(linkParts(text).map((p) => p.text).join(''), text);
  }
  assert.deepEqual(urls('a https://x.example/<img src=x> b'), ['https://x.example/']);
});
