// Card-number masking: the rule tests/vectors/masking.json pins for the widget and
// the engine alike, plus a brute-force check of the span choice and the time bound.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { maskCardNumbers } from '../../www/widget/redact.js';

const VECTORS = new URL('../vectors/masking.json', import.meta.url);

test('every case in tests/vectors/masking.json', { skip: !existsSync(VECTORS) && 'masking.json not written yet' }, () => {
  const { cases } = JSON.parse(readFileSync(VECTORS, 'utf8'));
  assert.ok(cases.length > 0);
  for (const { name, input, output, count } of cases) {
    assert.deepEqual(maskCardNumbers(input), { text: output, count }, name);
  }
});

const masks = (input, text, count = 1) => assert.deepEqual(maskCardNumbers(input), { text, count }, input);

test('a card number keeps its last four digits and its separators', () => {
  masks('card 4111 1111 1111 1111, thanks', 'card **** **** **** 1111, thanks');
  masks('4111-1111-1111-1111', '****-****-****-1111');
  masks('4111.1111/1111_1111', '****.****/****_1111');
  masks('4111 - 1111 - 1111 - 1111', '**** - **** - **** - 1111', 1);
  masks('4111\u00a01111\u20131111\u20141111', '****\u00a0****\u2013****\u20141111');
  masks('4111\uff0e1111\uff0f1111\uff3f1111', '****\uff0e****\uff0f****\uff3f1111');
  masks('ref4111111111111111x', 'ref************1111x');
});

test('a stray digit before the number does not hide it', () => {
  // "24111…" fails the Luhn check, so the span starts at 4111.
  masks('2 4111 1111 1111 1111', '2 **** **** **** 1111');
});

test('digits of any script count, and the text keeps its length in code points', () => {
  masks('٤١١١ ١١١١ ١١١١ ١١١١', '**** **** **** ١١١١');
  // Mathematical double-struck digits: U+1D7D8 is 0 in a run that starts at U+1D7CE.
  const doubleStruck = (s) => [...s].map((d) => String.fromCodePoint(0x1d7d8 + Number(d))).join('');
  const input = doubleStruck('4111111111111111');
  const { text, count } = maskCardNumbers(input);
  assert.equal(count, 1);
  assert.equal(text, `${'*'.repeat(12)}${doubleStruck('1111')}`);
  assert.equal([...text].length, [...input].length);
});

test('what is not a card number is left alone', () => {
  for (const input of [
    '4111 1111 1111 1112', // Luhn fails
    '4111 1111 x 1111 1111', // a letter ends the chain: 8 digits each side
    '411111111111', // 12 digits
    '41111111111111111111111', // 23 digits in one group
    'order BA-10442, 1234',
    '',
  ]) {
    masks(input, input, 0);
  }
});

test('two numbers in one chain are both masked', () => {
  masks('4111111111111111 5500000000000004', '************1111 ************0004', 2);
});

/** The most digits any choice of non-overlapping valid spans masks (exhaustive). */
function bruteForceMaxDigits(groups) {
  const luhn = (digits) => [...digits].reverse().reduce((sum, d, i) => sum + (i % 2 ? [0, 2, 4, 6, 8, 1, 3, 5, 7, 9][d] : Number(d)), 0) % 10 === 0;
  const best = (g) => {
    if (g >= groups.length) return 0;
    let most = best(g + 1);
    for (let h = g; h < groups.length; h++) {
      const digits = groups.slice(g, h + 1).join('');
      if (digits.length >= 13 && digits.length <= 19 && luhn(digits)) most = Math.max(most, digits.length + best(h + 1));
    }
    return most;
  };
  return best(0);
}

test('the spans chosen mask as many digits as any choice could', () => {
  let seed = 7;
  const random = (n) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
  let withCards = 0;
  for (let round = 0; round < 3000; round++) {
    const groups = Array.from({ length: 1 + random(7) }, () => Array.from({ length: 1 + random(9) }, () => random(10)).join(''));
    const { text, count } = maskCardNumbers(groups.join(' '));
    const masked = [...text].filter((c) => c === '*').length + 4 * count;
    assert.equal(masked, bruteForceMaxDigits(groups), groups.join(' '));
    if (count) withCards++;
  }
  assert.ok(withCards > 100, `only ${withCards} rounds had a card number`);
});

test('100 KB of single digits between spaces masks in well under 100 ms', () => {
  const input = '1 '.repeat(50000);
  const started = performance.now();
  maskCardNumbers(input);
  const elapsed = performance.now() - started;
  assert.ok(elapsed < 100, `${elapsed.toFixed(1)} ms`);
});
