// The widget's masker on 100 KB of each shape of text in the `timing` section of
// tests/vectors/masking.json (the engine's benchmark, crates/engine/benches/masking.rs,
// times the same texts). Goal: under 50 ms each, which only a linear-time rule meets.
// Usage: node tests/perf/masking-bench.mjs  (or `npm run bench:masking` for both maskers)

import { readFileSync } from 'node:fs';
import { maskCardNumbers } from '../../www/widget/redact.js';

const GOAL_MS = 50;
const { timing } = JSON.parse(readFileSync(new URL('../vectors/masking.json', import.meta.url), 'utf8'));
const utf8 = (text) => Buffer.byteLength(text, 'utf8');

for (const [name, unit] of Object.entries(timing.units)) {
  const text = unit.repeat(Math.ceil(timing.bytes / utf8(unit)));
  maskCardNumbers(text); // warm the JIT and the digit-value cache
  const times = Array.from({ length: 21 }, () => {
    const started = performance.now();
    maskCardNumbers(text);
    return performance.now() - started;
  }).sort((a, b) => a - b);
  const median = times[10];
  const verdict = median < GOAL_MS ? 'ok' : 'OVER';
  console.log(`mask/${name}: ${Math.floor(utf8(text) / 1024)} KB in ${median.toFixed(2)} ms (median of 21; goal < ${GOAL_MS} ms: ${verdict})`);
}
