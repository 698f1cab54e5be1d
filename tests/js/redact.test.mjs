// Card-number masking: the rule tests/vectors/masking.json pins for the widget and
// the engine alike, plus what vectors cannot show: digits from a run of several sets,
// a brute-force check of the span choice. (The time bound is a benchmark:
// tests/perf/masking-bench.mjs.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { maskCardNumbers } from '../../www/widget/redact.js';

test('every case in tests/vectors/masking.json', () => {
  const { cases } = JSON.parse(readFileSync(new URL('../vectors/masking.json', import.meta.url), 'utf8'));
  assert.ok(cases.length > 0);
  for (const { name, input, output, count } of cases) {
    assert.deepEqual(maskCardNumbers(input), { text: output, count }, name);
  }
});

test('a digit run holding several sets of 0–9 gives each digit its value, and the text keeps its length in code points', () => {
  // Mathematical double-struck digits: U+1D7D8 is 0 in a run that starts at U+1D7CE.
  const doubleStruck = (s) => [...s].map((d) => String.fromCodePoint(0x1d7d8 + Number(d))).join('');
  const input = doubleStruck('4111111111111111');
  const { text, count } = maskCardNumbers(input);
  assert.equal(count, 1);
  assert.equal(text, `${'*'.repeat(12)}${doubleStruck('1111')}`);
  assert.equal([...text].length, [...input].length);
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
