// The goals of issue #14 ("Done means") as a table next to what the widget benchmark
// measured. Sizes are gzip in kB of 1,000 bytes (the stricter reading of "KB").

/** A Rust `Duration` as `{:?}` prints it ("812.4µs", "1.2ms") in milliseconds. */
export function durationMs(text) {
  const m = /^([\d.]+)(ns|µs|us|ms|s)$/.exec(text || '');
  if (!m) return NaN;
  const scale = { ns: 1e-6, 'µs': 1e-3, us: 1e-3, ms: 1, s: 1000 }[m[2]];
  return Number(m[1]) * scale;
}

const kb = (bytes) => bytes / 1000;

/** Rows `[KB, what, measured, goal, unit]` for the KBs measured. */
function goalRows(results, pct) {
  const rows = [];
  const byName = (name) => results.find((r) => r.name === name);
  const firstDownload = (r) => kb(r.sizes.engine + r.sizes.index);
  const median = (runs) => pct(runs.map((x) => x.total), 50);
  const sample = byName('sample KB');
  if (sample) {
    rows.push([sample.name, 'engine + index, gzip', firstDownload(sample), 300, 'kB']);
    rows.push([sample.name, 'cold open -> ready, throttled (median)', median(sample.throttled), 1500, 'ms']);
  }
  const arduino = byName('Arduino help centre');
  if (arduino) {
    rows.push([arduino.name, 'import', arduino.importMs, 10000, 'ms']);
    rows.push([arduino.name, 'first download, gzip', firstDownload(arduino), 400, 'kB']);
    rows.push([arduino.name, 'one article, gzip (largest)', kb(arduino.sizes.fragmentMax), 10, 'kB']);
    rows.push([arduino.name, 'warm open -> ready, loopback (median)', median(arduino.warm), 60, 'ms']);
    rows.push([arduino.name, 'keystroke -> suggestions p95 (work)', pct(arduino.keys.work, 95), 16, 'ms']);
    rows.push([arduino.name, 'cold open -> ready, throttled (median)', median(arduino.throttled), 2000, 'ms']);
  }
  const large = byName('5,000 articles');
  if (large) {
    rows.push([large.name, 'first download, gzip', firstDownload(large), 900, 'kB']);
    rows.push([large.name, 'search p99 in the browser', pct(large.searches.times, 99), 2, 'ms']);
    if (large.nativeP99) rows.push([large.name, 'search p99 natively', durationMs(large.nativeP99), 1, 'ms']);
  }
  return rows;
}

/** Prints the goals table: each goal, what was measured and whether it holds. */
export function printGoals(results, pct) {
  console.log('\nGoals (issue #14, "Done means"):');
  console.log(`${'KB'.padEnd(20)} ${'measure'.padEnd(40)} ${'measured'.padStart(10)} ${'goal'.padStart(8)}  met`);
  for (const [name, what, value, goal, unit] of goalRows(results, pct)) {
    const shown = `${value.toFixed(unit === 'kB' || value < 10 ? 1 : 0)} ${unit}`;
    console.log(`${name.padEnd(20)} ${what.padEnd(40)} ${shown.padStart(10)} ${`≤ ${goal}`.padStart(8)}  ${value <= goal ? 'yes' : 'NO'}`);
  }
}
