// Widget speed in headless Chromium against the real `deflect serve`, for three KBs: the
// sample KB, the Arduino help centre imported by `deflect import` and a synthetic KB of
// 5,000 articles (tests/perf/bench-kbs.mjs). Prints numbers (it is a benchmark, not a
// test): launcher click -> panel interactive with the engine ready, cold (empty cache)
// and warm (HTTP cache) on loopback, and cold with the network throttled (1.6 Mbps down,
// 150 ms round trips, as Chromium's DevTools emulate it); keystroke -> suggestions on
// screen; a search in the browser's engine; a search natively (the criterion bench
// `query`, in its quick `--test` mode); the download sizes (for a KB whose postings are
// split, the shards apart, and keystrokes and searches measured once they are all in);
// how the first download grows from a 1,000- to the 5,000-article synthetic KB; then the
// goals of issue #14.
//
//   npm run bench:widget     (needs dist/ built and target/release/deflect)
//   RUNS=10 THROTTLED_RUNS=5 npm run bench:widget
//   NATIVE=0 npm run bench:widget        (skips the native search, which builds a bench)

import { execFileSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launchBrowser, trackLayoutShift, layoutShift } from '../browser/harness.mjs';
import { benchKbs, downloadSizes, removeTemporary, syntheticSite } from './bench-kbs.mjs';
import { printGoals } from './bench-goals.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RUNS = Number(process.env.RUNS || 7);
const THROTTLED_RUNS = Number(process.env.THROTTLED_RUNS || 3);
/** Chromium's network emulation: 1.6 Mbps down, 750 kbps up, 150 ms added per round trip. */
const THROTTLE = { offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 0.75e6 / 8 };
const SAMPLE_QUERIES = ['how do I reset my password', 'refund for a duplicate charge', 'video will not play on my ipad', 'download the brush pack'];

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const fmt = (xs) => `median ${pct(xs, 50).toFixed(1)} ms, p95 ${pct(xs, 95).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms (n=${xs.length})`;
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;

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

async function loadedPage(context, url) {
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForLoadState('networkidle');
  return page;
}

/** Cold then warm click -> ready on loopback, `RUNS` times, each in a fresh context. */
async function loopbackOpens(browser, url) {
  const cold = [];
  const warm = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext();
    const page = await loadedPage(context, url);
    cold.push(await clickToReady(page));
    // Same browser cache, new page view (no saved conversation).
    await page.evaluate(() => sessionStorage.clear());
    await page.reload();
    await page.waitForLoadState('networkidle');
    warm.push(await clickToReady(page));
    await context.close();
  }
  return { cold, warm };
}

/** Cold click -> ready with the network throttled from the page load on. */
async function throttledOpens(browser, url) {
  const runs = [];
  for (let i = 0; i < THROTTLED_RUNS; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', THROTTLE);
    await page.goto(url);
    await page.waitForLoadState('networkidle');
    runs.push(await clickToReady(page));
    await context.close();
  }
  return runs;
}

/** Keystrokes: `work` is the widget's frame callback (suggest + DOM update), measured
 * between a frame callback queued before the input event and one queued after it;
 * `shown` is input event -> that frame, i.e. what the visitor waits. */
function typeQueries(page, queries) {
  return page.evaluate(async (queries) => {
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
  }, queries);
}

/** Whole questions searched by the browser's engine (the wasm the widget runs, opened
 *  on the same index), each asked once to warm up, then 20 times: ms per search, and
 *  the slowest question's median. */
function browserSearches(page, manifest, questions) {
  return page.evaluate(async ({ manifest, questions }) => {
    const mod = await import(new URL(manifest.engine_js, location.href).href);
    await mod.default({ module_or_path: new URL(manifest.engine_wasm, location.href).href });
    const fetched = async (path) => new Uint8Array(await (await fetch(new URL(path, location.href).href)).arrayBuffer());
    const engine = mod.Engine.open(await fetched(manifest.index));
    // A split KB: measured with every shard in, as after the widget's idle loading.
    await Promise.all(engine.pendingShards().map(async (name) => engine.addShard(name, await fetched(manifest.postings + name))));
    for (const q of questions) engine.suggest(q);
    const times = [];
    const byQuestion = questions.map(() => []);
    for (let round = 0; round < 20; round++) {
      questions.forEach((q, i) => {
        const t0 = performance.now();
        engine.suggest(q);
        const took = performance.now() - t0;
        times.push(took);
        byQuestion[i].push(took);
      });
    }
    engine.free();
    const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    const slowest = questions.map((q, i) => [q, median(byQuestion[i])]).sort((a, b) => b[1] - a[1])[0];
    return { times, slowest };
  }, { manifest, questions });
}

/** Layout shift, keystrokes and searches in one page of the site. */
async function onePage(browser, url, manifest, queries, questions, split) {
  const context = await browser.newContext();
  await trackLayoutShift(context);
  const page = await loadedPage(context, url);
  const clsClosed = await layoutShift(page);
  await clickToReady(page);
  const clsOpen = await layoutShift(page);
  // Keystrokes are measured once the widget's background loading has every shard in.
  if (split) await page.waitForFunction(() => performance.getEntriesByName('deflect: shards loaded').length > 0, null, { timeout: 120000 });
  const keys = await typeQueries(page, queries);
  const searches = await browserSearches(page, manifest, questions);
  await context.close();
  return { clsClosed, clsOpen, keys, searches };
}

/** Titles spread over the KB, lower-cased as visitors type them: `n` of them. */
const spread = (titles, n) => titles.filter((_, i) => i % Math.max(1, Math.floor(titles.length / n)) === 0).slice(0, n).map((t) => t.toLowerCase());

async function measureKb(browser, kb) {
  const sizes = downloadSizes(kb.site);
  const server = await startServer({ site: kb.site });
  try {
    const url = `${server.url}/`;
    const loopback = await loopbackOpens(browser, url);
    const throttled = await throttledOpens(browser, url);
    const queries = kb.name === 'sample KB' ? SAMPLE_QUERIES : spread(kb.titles, 4);
    const questions = [...SAMPLE_QUERIES, ...spread(kb.titles, 40)];
    return { ...kb, sizes, ...loopback, throttled, ...(await onePage(browser, url, sizes.manifest, queries, questions, sizes.shardCount > 0)) };
  } finally {
    await server.stop();
  }
}

function printKb(r) {
  const s = r.sizes;
  console.log(`\n== ${r.name}: ${r.titles.length} articles${r.importMs ? `, imported in ${(r.importMs / 1000).toFixed(2)} s` : ''}${r.buildMs ? `, site built in ${(r.buildMs / 1000).toFixed(1)} s` : ''}`);
  console.log(`first download: engine ${kib(s.engine)} + index ${kib(s.index)} = ${kib(s.engine + s.index)} gzip (${s.engine + s.index} bytes); widget ${kib(s.widget)}`);
  console.log(`article fragment: median ${kib(s.fragmentMedian)}, max ${kib(s.fragmentMax)} gzip (${s.fragmentCount} files)`);
  if (s.shardCount) console.log(`postings shards (not in the first download): ${kib(s.shardsTotal)} gzip in ${s.shardCount} files, median ${kib(s.shardsTotal / s.shardCount)}`);
  for (const [name, runs] of [['cold', r.cold], ['warm', r.warm]]) {
    console.log(`launcher click -> ready, ${name}, loopback : ${fmt(runs.map((x) => x.total))}`);
    console.log(`  of which engine compiled + index downloaded : ${fmt(runs.map((x) => x.compiled))}`);
    console.log(`  of which index opened                       : ${fmt(runs.map((x) => x.opened))}`);
  }
  console.log(`launcher click -> ready, cold, throttled (1.6 Mbps, 150 ms RTT) : ${fmt(r.throttled.map((x) => x.total))}`);
  console.log(`keystroke -> suggestions, work      : ${fmt(r.keys.work)}`);
  console.log(`keystroke -> suggestions on screen  : ${fmt(r.keys.shown)}   (includes waiting for the next frame)`);
  const { times, slowest } = r.searches;
  console.log(`search in the browser (wasm)        : median ${pct(times, 50).toFixed(2)} ms, p99 ${pct(times, 99).toFixed(2)} ms (n=${times.length}); slowest question ${slowest[1].toFixed(2)} ms median: ${JSON.stringify(slowest[0])}`);
  console.log(`host page CLS: closed ${r.clsClosed}, after opening ${r.clsOpen}`);
}

/** p50 and p99 of native searches per KB from the criterion bench's quick mode, as
 *  Rust prints durations; {} if skipped. */
function nativeSearches(results) {
  if (process.env.NATIVE === '0') return {};
  const extra = results.filter((r) => r.slug !== 'sample').map((r) => `${r.slug}=${r.kb}`).join(',');
  console.error('native searches: cargo bench -p deflect-engine --bench query -- --test (builds the bench the first time)…');
  const output = execFileSync('cargo', ['bench', '-j2', '-q', '-p', 'deflect-engine', '--bench', 'query', '--', '--test'], {
    cwd: root, encoding: 'utf8', env: { ...process.env, DEFLECT_QUERY_KBS: extra }, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26,
  });
  const native = {};
  for (const [line, slug, p50, value] of output.matchAll(/^search\/(\S+): p50 (\S+)\s+p99 (\S+).*$/gm)) {
    console.error(line);
    native[slug] = { p50, p99: value };
  }
  return native;
}

/** How the first download grows from 1,000 to 5,000 articles, against the article
 *  ratio (5): "well below linearly" as a number. */
function printGrowth(results, smaller) {
  const large = results.find((r) => r.slug === 'synthetic-5000');
  if (!large) return;
  const first = (s) => s.engine + s.index;
  const small = downloadSizes(smaller.site);
  console.log(`\n== growth: first download at 1,000 articles ${kib(first(small))} (index ${kib(small.index)}${small.shardCount ? `, ${small.shardCount} shards` : ', not split'}), at 5,000 ${kib(first(large.sizes))} (index ${kib(large.sizes.index)}, ${large.sizes.shardCount} shards ${kib(large.sizes.shardsTotal)})`);
  console.log(`first download 5,000 / 1,000: ${(first(large.sizes) / first(small)).toFixed(2)}x, index alone ${(large.sizes.index / small.index).toFixed(2)}x, for 5x the articles`);
}

async function main() {
  const kbs = benchKbs(root);
  const smaller = syntheticSite(root, 1000);
  const browser = await launchBrowser();
  const results = [];
  try {
    for (const kb of kbs) results.push(await measureKb(browser, kb));
  } finally {
    await browser.close();
  }
  console.log(`Deflect widget benchmark — headless Chromium; loopback ${RUNS} runs, throttled ${THROTTLED_RUNS} runs`);
  const native = nativeSearches(results);
  for (const r of results) {
    printKb(r);
    if (native[r.slug]) console.log(`search natively (criterion bench)   : p50 ${native[r.slug].p50}, p99 ${native[r.slug].p99}`);
    r.nativeP99 = native[r.slug]?.p99;
  }
  printGrowth(results, smaller);
  printGoals(results, pct);
  for (const kb of [...kbs, smaller]) {
    removeTemporary(root, kb.site);
    removeTemporary(root, kb.kb);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
