// The widget's WCAG maths against the vectors the Rust side reads too.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { contrastRatio, inkFor, parseHex, readableOn, WHITE_INK, DARK_INK } from '../../www/widget/contrast.js';

const vectors = JSON.parse(readFileSync(new URL('../vectors/contrast.json', import.meta.url), 'utf8'));

test('contrast ratios match tests/vectors/contrast.json to two decimals', () => {
  assert.ok(vectors.ratio.length >= 20);
  for (const { a, b, ratio } of vectors.ratio) {
    const got = contrastRatio(a, b);
    assert.ok(Math.abs(got - ratio) <= 0.005 + 1e-9, `${a} on ${b}: ${got}, want ${ratio}`);
  }
});

test('the ink on a colour matches tests/vectors/contrast.json', () => {
  assert.ok(vectors.ink.length >= 10);
  for (const { on, ink } of vectors.ink) assert.equal(inkFor(on), ink, on);
});

test('the dark ink is the near-black the Rust side warns with', () => {
  assert.equal(DARK_INK, '#111111');
  assert.equal(WHITE_INK, '#ffffff');
});

test('#rgb is read as #rrggbb; other colours are not measured and get white ink', () => {
  assert.deepEqual(parseHex('#4f4'), [0x44, 0xff, 0x44]);
  assert.deepEqual(parseHex('#4F46E5'), [0x4f, 0x46, 0xe5]);
  assert.equal(parseHex('rebeccapurple'), null);
  assert.equal(parseHex('#4f46e'), null);
  assert.equal(contrastRatio('teal', '#ffffff'), null);
  assert.equal(inkFor('teal'), WHITE_INK);
});

test('a brand colour is darkened or lightened just enough to reach the ratio', () => {
  const onWhite = readableOn('#ffeb3b', '#ffffff', '#000000', 5);
  assert.ok(contrastRatio(onWhite, '#ffffff') >= 5, onWhite);
  assert.equal(onWhite, '#736a1b', 'the first 5% step towards black that reaches 5:1');
  assert.equal(readableOn('#4f46e5', '#ffffff', '#000000', 5), '#4f46e5', 'already readable: unchanged');
  const onDark = readableOn('#4f46e5', '#16171c', '#ffffff', 5);
  assert.ok(contrastRatio(onDark, '#16171c') >= 5, onDark);
  assert.equal(readableOn('teal', '#ffffff', '#000000'), 'teal');
});
