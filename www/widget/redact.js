// Card numbers never leave the browser in full: text the widget sends without the
// engine (tickets when the engine could not load, follow-ups, unanswered questions for
// analytics) is masked here by the same rule the engine applies to everything it
// records. tests/vectors/masking.json pins the rule for both.
//
// The rule: a *group* is a maximal run of decimal digits (any script); a *chain* is
// groups joined by runs of separators (white space, . - / _, dashes, full-width ． ／ ＿).
// In each chain, non-overlapping spans of whole consecutive groups with 13–19 digits
// that pass the Luhn check are chosen to mask as many digits as possible; every digit
// of a chosen span but its last four becomes `*`. Linear time: a span holds at most 19
// digits, so at most 19 groups.

const MIN_DIGITS = 13;
const MAX_DIGITS = 19;
const KEPT_DIGITS = 4;

const DECIMAL_DIGIT = /\p{Nd}/u;
const SEPARATOR = /[\p{White_Space}\p{Pd}._/\uFF0E\uFF0F\uFF3F]/u;

const digitValues = new Map(); // non-ASCII code point -> its digit value, or -1

/** 0–9 for a decimal digit of any script, else -1. Unicode assigns decimal digits in
 *  contiguous runs of 0..9 (some runs hold several sets back to back). */
function digitValue(cp) {
  if (cp < 128) return cp >= 48 && cp <= 57 ? cp - 48 : -1;
  let value = digitValues.get(cp);
  if (value === undefined) {
    const isDigit = (c) => DECIMAL_DIGIT.test(String.fromCodePoint(c));
    let start = cp;
    if (isDigit(cp)) while (isDigit(start - 1)) start--;
    value = isDigit(cp) ? (cp - start) % 10 : -1;
    digitValues.set(cp, value);
  }
  return value;
}

function isSeparator(char, cp) {
  if (cp < 128) return (cp >= 9 && cp <= 13) || cp === 32 || cp === 45 || cp === 46 || cp === 47 || cp === 95;
  return SEPARATOR.test(char);
}

/** Masks card numbers to their last four digits: `{text, count}` with `count` the
 *  number of card numbers masked. The text keeps its length in code points. */
export function maskCardNumbers(text) {
  const chars = Array.from(String(text));
  const values = new Int8Array(chars.length);
  let count = 0;
  let chain = []; // the current chain's groups as [start, end) code point indices
  let inGroup = false;
  for (let i = 0; i <= chars.length; i++) {
    const cp = i < chars.length ? chars[i].codePointAt(0) : -1;
    const value = cp < 0 ? -1 : digitValue(cp);
    if (value >= 0) {
      values[i] = value;
      if (inGroup) chain[chain.length - 1][1] = i + 1;
      else chain.push([i, i + 1]);
      inGroup = true;
      continue;
    }
    inGroup = false;
    if (cp >= 0 && isSeparator(chars[i], cp)) continue;
    if (chain.length) count += maskChain(chain, values, chars);
    chain = [];
  }
  return { text: chars.join(''), count };
}

/** Chooses the spans of one chain (best[g]: most digits maskable from group g on) and
 *  masks them in `chars`; returns how many. */
function maskChain(groups, values, chars) {
  const n = groups.length;
  const best = new Int32Array(n + 1);
  const spanEnd = new Int32Array(n).fill(-1); // last group of the span taken at g, or -1
  for (let g = n - 1; g >= 0; g--) {
    let takeEnd = -1;
    let takeValue = -1;
    let digits = 0;
    let luhnIfEven = 0; // Luhn sum if the span's length turns out even: odd positions doubled
    let luhnIfOdd = 0;
    spans: for (let h = g; h < n; h++) {
      for (let i = groups[h][0]; i < groups[h][1]; i++) {
        if (++digits > MAX_DIGITS) break spans;
        const d = values[i];
        const doubled = d > 4 ? d * 2 - 9 : d * 2;
        if (digits % 2) {
          luhnIfEven += doubled;
          luhnIfOdd += d;
        } else {
          luhnIfEven += d;
          luhnIfOdd += doubled;
        }
      }
      if (digits < MIN_DIGITS || (digits % 2 ? luhnIfOdd : luhnIfEven) % 10) continue;
      const value = digits + best[h + 1];
      if (value >= takeValue) {
        takeValue = value; // ties: the longer span
        takeEnd = h;
      }
    }
    if (takeEnd >= 0 && takeValue >= best[g + 1]) {
      best[g] = takeValue; // ties: taking over skipping
      spanEnd[g] = takeEnd;
    } else {
      best[g] = best[g + 1];
    }
  }
  let masked = 0;
  for (let g = 0; g < n; g++) {
    if (spanEnd[g] < 0) continue;
    const span = groups.slice(g, spanEnd[g] + 1);
    const total = span.reduce((sum, [start, end]) => sum + end - start, 0);
    let seen = 0;
    for (const [start, end] of span) for (let i = start; i < end; i++) if (++seen <= total - KEPT_DIGITS) chars[i] = '*';
    masked++;
    g = spanEnd[g];
  }
  return masked;
}
