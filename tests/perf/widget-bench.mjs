// Widget speed in headless Chromium against the real `deflect serve` on loopback.
// Prints numbers (it is a benchmark, not a test): launcher click -> panel interactive
// with the engine ready, cold (empty cache) and warm (HTTP cache), and keystroke ->
// suggestions on screen, plus the host page's layout shift and the download sizes.
//
//   npm run bench:widget            (needs dist/ built and target/release/deflect)
//   RUNS=10 npm run bench:widget

import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launchBrowser, trackLayoutShift, layoutShift } from '../browser/harness.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RUNS = Number(process.env.RUNS || 7);
const QUERIES = ['how do I reset my password', 'refund for a duplicate charge', 'video will not play on my ipad', 'download the brush pack'];

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const fmt = (xs) => `median ${pct(xs, 50).toFixed(1)} ms, p95 ${pct(xs, 95).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms (n=${xs.length})`;

/** Click (no hover warm-up) -> 'ready' -> the next frame with the input focused; with
 * the widget's own marks for compiling the engine (and waiting for the index) and for
 * opening the index. */
async function clickToReady(page) {
  return page.evaluate(async () => {
    const host = document.querySelector('deflect-chat');
    const launcher = host.shadowRoot.querySelector('button');
    const t0 = performance.now();
    const ready = new Promise((resolve) => window.Deflect('on', 'ready', resolve));
    launcher.click();
    await ready;
    await new Promise((r) => requestAnimationFrame(r));
    const input = host.shadowRoot.querySelector('input');
    if (host.shadowRoot.activeElement !== input) throw new Error('input not focused');
    const total = performance.now() - t0;
    const measured = (name) => performance.getEntriesByName(name, 'measure').at(-1)?.duration ?? NaN;
    return { total, compiled: measured('deflect: engine compiled, index downloaded'), opened: measured('deflect: index opened') };
  });
}

async function main() {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const cold = [];
    const warm = [];
    for (let i = 0; i < RUNS; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${server.url}/`);
      await page.waitForLoadState('networkidle');
      cold.push(await clickToReady(page));
      // Same browser cache, new page view (no saved conversation).
      await page.evaluate(() => sessionStorage.clear());
      await page.reload();
      await page.waitForLoadState('networkidle');
      warm.push(await clickToReady(page));
      await context.close();
    }

    const context = await browser.newContext();
    await trackLayoutShift(context);
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(500);
    const clsClosed = await layoutShift(page);
    await clickToReady(page);
    await page.waitForTimeout(300);
    const clsOpen = await layoutShift(page);

    // Keystrokes: `work` is the widget's frame callback (suggest + DOM update), measured
    // between a frame callback queued before the input event and one queued after it;
    // `shown` is input event -> that frame, i.e. what the visitor waits.
    const keys = await page.evaluate(async (queries) => {
      const host = document.querySelector('deflect-chat');
      const input = host.shadowRoot.querySelector('input');
      const work = [];
      const shown = [];
      for (const q of queries) {
        for (let n = 1; n <= q.length; n++) {
          await new Promise((r) => setTimeout(r, 20));
          let a = 0;
          requestAnimationFrame(() => { a = performance.now(); });
          const t0 = performance.now();
          input.value = q.slice(0, n);
          input.dispatchEvent(new Event('input', { bubbles: true }));
          const b = await new Promise((r) => requestAnimationFrame(() => r(performance.now())));
          work.push(b - a);
          shown.push(b - t0);
        }
        input.value = '';
        input.dispatchEvent(new Event('input', { bubbles: true }));
      }
      return { work, shown };
    }, QUERIES);
    await context.close();

    const manifest = JSON.parse(readFileSync(join(root, 'dist', 'manifest.json'), 'utf8'));
    const gz = (file) => gzipSync(readFileSync(join(root, 'dist', file)), { level: 9 }).length;
    const br = (file) => {
      try {
        return readFileSync(join(root, 'dist', `${file}.br`)).length;
      } catch {
        return NaN;
      }
    };
    const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
    const engine = gz(manifest.engine_wasm) + gz(manifest.engine_js);
    const index = gz(manifest.index);

    console.log(`Deflect widget benchmark — headless Chromium, loopback, ${RUNS} runs`);
    for (const [name, runs, budget] of [['cold', cold, 400], ['warm', warm, 150]]) {
      console.log(`launcher click -> ready, ${name} cache : ${fmt(runs.map((r) => r.total))}   (budget ${budget} ms)`);
      console.log(`  of which engine compiled + index downloaded : ${fmt(runs.map((r) => r.compiled))}`);
      console.log(`  of which index opened                       : ${fmt(runs.map((r) => r.opened))}`);
    }
    console.log(`keystroke -> suggestions, work      : ${fmt(keys.work)}   (budget p95 16 ms)`);
    console.log(`keystroke -> suggestions on screen  : ${fmt(keys.shown)}   (includes waiting for the next frame)`);
    console.log(`host page CLS: closed ${clsClosed}, after opening ${clsOpen}`);
    console.log(`loader ${kib(gz('deflect.js'))} gzip; widget ${kib(gz(manifest.widget))} gzip`);
    console.log(`engine ${kib(engine)} gzip (${kib(br(manifest.engine_wasm) + br(manifest.engine_js))} brotli) + index ${kib(index)} gzip (${kib(br(manifest.index))} brotli) = ${kib(engine + index)} gzip`);
  } finally {
    await browser.close();
    await server.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
