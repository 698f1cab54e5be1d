// Bundles and minifies the browser code with esbuild:
//   target/widget/widget.js   the panel, an ES module the loader import()s on intent
//   target/widget/deflect.js  the loader, a classic script (IIFE) for the creator's tag
// `deflect site` then names widget.js by its hash and writes the manifest into the
// loader in place of MANIFEST_TOKEN, which must appear exactly once.
//
//   node scripts/build-widget.mjs      (npm run build:widget)

import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { Script } from 'node:vm';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Keep in step with MANIFEST_TOKEN in the Rust site builder. */
export const MANIFEST_TOKEN = 'self.__DEFLECT_MANIFEST__';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'target', 'widget');
const common = { bundle: true, minify: true, target: 'es2020', legalComments: 'none', logLevel: 'warning' };

await build({
  ...common,
  entryPoints: [join(root, 'www', 'widget', 'index.js')],
  format: 'esm',
  charset: 'utf8', // module scripts are always decoded as UTF-8
  outfile: join(out, 'widget.js'),
});
await build({
  ...common,
  entryPoints: [join(root, 'www', 'deflect.js')],
  format: 'iife', // ASCII output (esbuild's default): a classic script takes the page's charset
  outfile: join(out, 'deflect.js'),
});

const loader = readFileSync(join(out, 'deflect.js'), 'utf8');
const found = loader.split(MANIFEST_TOKEN).length - 1;
if (found !== 1) {
  console.error(`build-widget: ${MANIFEST_TOKEN} appears ${found} times in target/widget/deflect.js; it must appear exactly once`);
  process.exit(1);
}
// What `deflect site` will write must still be a script.
const sample = JSON.stringify({ widget: 'widget.0123456789.js', engine_js: 'engine/deflect.js', engine_wasm: 'engine/deflect_bg.wasm', index: 'kb.bin', settings: {} });
new Script(loader.replace(MANIFEST_TOKEN, sample), { filename: 'deflect.js with a manifest' });

for (const name of ['deflect.js', 'widget.js']) {
  const bytes = readFileSync(join(out, name));
  console.log(`target/widget/${name}: ${bytes.length} bytes, ${gzipSync(bytes, { level: 9 }).length} gzip`);
}
