// The masking rule as a property over generated text, like the engine's
// (crates/engine/tests/masking_property.rs), from the same alphabets in
// tests/vectors/masking.json: every Luhn-valid 13–19-digit number, written in any
// script's digits with any runs of separators between any digits, inside text of any
// language, keeps only its last four digits, and nothing else changes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { maskCardNumbers } from '../../www/widget/redact.js';

const { generated } = JSON.parse(readFileSync(new URL('../vectors/masking.json', import.meta.url), 'utf8'));

/** The Luhn check digit that makes `body` followed by it valid. */
function checkDigit(body) {
  const sum = [...body].reverse().reduce((s, d, i) => s + (i % 2 === 0 ? [0, 2, 4, 6, 8, 1, 3, 5, 7, 9][d] : d), 0);
  return (10 - (sum % 10)) % 10;
}

const cardDigits = fc
  .array(fc.integer({ min: 0, max: 9 }), { minLength: 12, maxLength: 18 })
  .map((body) => [...body, checkDigit(body)]);

/** One card as written: per digit a script and the separators after it, in a text. */
const written = cardDigits.chain((digits) =>
  fc.record({
    digits: fc.constant(digits),
    scripts: fc.array(fc.nat(generated.digit_zeros.length - 1), { minLength: digits.length, maxLength: digits.length }),
    // Most digits touch; some are apart by one separator or a run of several.
    gaps: fc.array(
      fc.oneof(
        { weight: 3, arbitrary: fc.constant([]) },
        { weight: 2, arbitrary: fc.array(fc.nat(generated.separators.length - 1), { minLength: 1, maxLength: 3 }) },
      ),
      { minLength: digits.length - 1, maxLength: digits.length - 1 },
    ),
    before: fc.nat(generated.text.length - 1),
    after: fc.nat(generated.text.length - 1),
  }),
);

/** The message as code points, and the index of each digit in it. */
function render({ digits, scripts, gaps, before, after }) {
  const chars = [...generated.text[before]];
  const at = [];
  digits.forEach((d, i) => {
    at.push(chars.length);
    chars.push(String.fromCodePoint(generated.digit_zeros[scripts[i]] + d));
    for (const s of gaps[i] ?? []) chars.push(...generated.separators[s]);
  });
  chars.push(...generated.text[after]);
  return { chars, at };
}

test('every written card number keeps only its last four digits', () => {
  fc.assert(
    fc.property(written, (card) => {
      const { chars, at } = render(card);
      const input = chars.join('');
      const { text, count } = maskCardNumbers(input);
      assert.equal(count, 1, `${input} -> ${text}`);
      const masked = [...text];
      assert.equal(masked.length, chars.length);
      const visible = at.length - 4;
      at.forEach((i, k) => assert.equal(masked[i], k < visible ? '*' : chars[i], `digit ${k} of ${input} -> ${text}`));
      // Nothing but the number's digits changed.
      assert.equal(masked.filter((c, i) => c !== chars[i]).length, visible);
    }),
    { numRuns: 2000 },
  );
});
