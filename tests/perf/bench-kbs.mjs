// The knowledge bases the widget benchmark measures, each built into a site of its own
// by the real `deflect`: the sample KB (dist/ as `npm start` builds it), the Arduino
// help centre imported by `deflect import` from ../shared/data (skipped when absent),
// and a synthetic KB of 5,000 articles with distinct text (whose postings `deflect site`
// splits into shards; a 1,000-article one is built for its size only, to show how the
// first download grows).

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeSyntheticKb } from './synthetic-kb.mjs';

export const ARDUINO_SOURCE = '../shared/data/arduino-help-center';

/** The `deflect` the benchmark and the browser tests run (release unless told). */
export function deflectBinary(root) {
  return join(root, 'target', process.env.DEFLECT_CLI_PROFILE ?? 'release', 'deflect');
}

/** Runs `deflect args…` in `root`; returns its output and how long it took (ms). */
export function runDeflect(root, args) {
  const started = performance.now();
  const output = execFileSync(deflectBinary(root), args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26 });
  return { output, ms: performance.now() - started };
}

/** Builds the site of KB folder `kb` in a fresh temporary folder; returns the folder. */
export function buildSite(root, kb) {
  const out = join(mkdtempSync(join(tmpdir(), 'deflect-site-')), 'dist');
  runDeflect(root, ['site', '--kb', kb, '--out', out]);
  return out;
}

/** Imports the Arduino help centre into a temporary KB folder: `{kb, importMs}`, or
 *  null when ../shared/data is not there. */
export function importArduino(root) {
  const source = join(root, ARDUINO_SOURCE);
  if (!existsSync(source)) return null;
  const kb = join(mkdtempSync(join(tmpdir(), 'deflect-arduino-')), 'kb');
  const { ms } = runDeflect(root, ['import', source, '--out', kb]);
  return { kb, importMs: ms };
}

/** Removes the temporary folder `importArduino`, `buildSite` or `benchKbs` made for
 *  `path` (its parent); the sample KB and dist/ are the repository's and stay. */
export function removeTemporary(root, path) {
  if (path && !path.startsWith(root)) rmSync(dirname(path), { recursive: true, force: true });
}

/** The three KBs, each `{name, slug, kb, site, titles}` (and how long the import or site build
 *  took); slow steps print progress. */
export function benchKbs(root) {
  const kbs = [{ name: 'sample KB', slug: 'sample', kb: join(root, 'kb'), site: join(root, 'dist') }];
  const arduino = importArduino(root);
  if (arduino) {
    console.error(`imported the Arduino help centre in ${(arduino.importMs / 1000).toFixed(2)} s; building its site…`);
    kbs.push({ name: 'Arduino help centre', slug: 'arduino', kb: arduino.kb, site: buildSite(root, arduino.kb), importMs: arduino.importMs });
  } else {
    console.error(`${ARDUINO_SOURCE} is absent: the Arduino help centre is skipped`);
  }
  kbs.push({ name: '5,000 articles', slug: 'synthetic-5000', ...syntheticSite(root, 5000) });
  for (const k of kbs) k.titles = articleTitles(k.kb);
  return kbs;
}

/** A synthetic KB of `count` articles and its site: `{kb, site, buildMs}`. */
export function syntheticSite(root, count) {
  const kb = join(mkdtempSync(join(tmpdir(), 'deflect-synthetic-')), 'kb');
  writeSyntheticKb(kb, count);
  console.error(`wrote the synthetic ${count.toLocaleString('en')}-article KB; building its site…`);
  const started = performance.now();
  const site = buildSite(root, kb);
  return { kb, site, buildMs: performance.now() - started };
}

/** The titles of a KB's articles, read from their front matter, in file order. */
export function articleTitles(kb) {
  const dir = join(kb, 'articles');
  return readdirSync(dir, { recursive: true })
    .filter((f) => String(f).endsWith('.md'))
    .sort()
    .map((f) => tomlTitle(readFileSync(join(dir, String(f)), 'utf8')))
    .filter((t) => t !== null);
}

/** The `title` of TOML front matter: a basic string ("…", escapes as JSON's), a
 *  multi-line basic one on one line ("""…""", as written here) or a literal one ('…'). */
function tomlTitle(text) {
  const triple = text.match(/^title = """(.*)"""\s*$/m);
  if (triple) return triple[1];
  const basic = text.match(/^title = ("(?:[^"\\]|\\.)*")\s*$/m);
  if (basic) return JSON.parse(basic[1]);
  return text.match(/^title = '([^']*)'\s*$/m)?.[1] ?? null;
}

/** Gzip sizes (level 9, as `deflect sizes`) of a site's first download and fragments. */
export function downloadSizes(site) {
  const manifest = JSON.parse(readFileSync(join(site, 'manifest.json'), 'utf8'));
  const gz = (file) => gzipSync(readFileSync(join(site, file)), { level: 9 }).length;
  const dir = join(site, manifest.articles || 'articles/');
  const fragments = readdirSync(dir).filter((f) => f.endsWith('.html')).map((f) => gz(join(manifest.articles, f))).sort((a, b) => a - b);
  const shardDir = join(site, manifest.postings || 'postings/');
  const shards = existsSync(shardDir) ? readdirSync(shardDir).filter((f) => f.endsWith('.bin')).map((f) => gz(join(manifest.postings, f))) : [];
  return {
    manifest,
    shardCount: shards.length,
    shardsTotal: shards.reduce((a, b) => a + b, 0),
    engine: gz(manifest.engine_wasm) + gz(manifest.engine_js),
    index: gz(manifest.index),
    widget: gz(manifest.widget),
    fragmentCount: fragments.length,
    fragmentMedian: fragments[Math.floor(fragments.length / 2)],
    fragmentMax: fragments.at(-1),
  };
}
