// Where the engine's bytes go: parses a wasm file's code and name sections (no tools to
// install) and prints section sizes and the biggest crates/functions, like `twiggy top`.
// Usage: node tests/perf/wasm-breakdown.mjs [target/wasm32-unknown-unknown/wasm-release/deflect_wasm.wasm] [top-n]
// Run it on the file *before* wasm-bindgen strips names.

import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const file = process.argv[2] || 'target/wasm32-unknown-unknown/wasm-release/deflect_wasm.wasm';
const top = Number(process.argv[3] || 25);
const buf = readFileSync(file);
let pos = 8;

function uleb() {
  let result = 0;
  let shift = 0;
  for (;;) {
    const byte = buf[pos++];
    result += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (!(byte & 0x80)) return result;
  }
}

const SECTION_NAMES = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start', 'element', 'code', 'data', 'datacount'];
const sections = [];
let importedFuncs = 0;
let bodies = [];
const names = new Map();

while (pos < buf.length) {
  const id = buf[pos++];
  const size = uleb();
  const start = pos;
  let label = SECTION_NAMES[id] || `#${id}`;
  if (id === 0) {
    const len = uleb();
    const name = buf.toString('utf8', pos, pos + len);
    pos += len;
    label = `custom:${name}`;
    if (name === 'name') {
      while (pos < start + size) {
        const sub = buf[pos++];
        const subSize = uleb();
        const subEnd = pos + subSize;
        if (sub === 1) {
          const count = uleb();
          for (let i = 0; i < count; i++) {
            const idx = uleb();
            const n = uleb();
            names.set(idx, buf.toString('utf8', pos, pos + n));
            pos += n;
          }
        }
        pos = subEnd;
      }
    }
  } else if (id === 2) {
    const count = uleb();
    for (let i = 0; i < count; i++) {
      for (let part = 0; part < 2; part++) {
        const len = uleb(); // module, then field name
        pos += len;
      }
      const kind = buf[pos++];
      if (kind === 0) { uleb(); importedFuncs++; }
      else if (kind === 1) { pos++; const f = uleb(); uleb(); if (f & 1) uleb(); }
      else if (kind === 2) { const f = uleb(); uleb(); if (f & 1) uleb(); }
      else if (kind === 3) { pos += 2; }
    }
  } else if (id === 10) {
    const count = uleb();
    for (let i = 0; i < count; i++) {
      const len = uleb();
      bodies.push({ index: importedFuncs + i, start: pos, len });
      pos += len;
    }
  }
  sections.push({ label, size, start });
  pos = start + size;
}

const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log(`${file}: ${kb(buf.length)} raw, ${kb(gzipSync(buf, { level: 9 }).length)} gzip`);
console.log('\nsections');
for (const s of sections.sort((a, b) => b.size - a.size)) {
  const gz = gzipSync(buf.subarray(s.start, s.start + s.size), { level: 9 }).length;
  console.log(`  ${s.label.padEnd(28)} ${kb(s.size).padStart(11)}  ${kb(gz).padStart(11)} gzip`);
}

/** The crate a (legacy- or v0-mangled) function name belongs to: `_ZN7tantivy…` ->
 *  `tantivy`; for `<impl X for Y>` blocks, the crate of the implementing type. */
function crateOf(name) {
  if (name.startsWith('_ZN')) {
    const len = /^_ZN(\d+)/.exec(name);
    const first = len ? name.slice(3 + len[1].length, 3 + len[1].length + Number(len[1])) : '';
    if (!first.startsWith('_$LT$')) return first || '(other)';
    const inner = /\$LT\$(?:\$RF\$|mut\$u20\$|dyn\$u20\$)*([a-z_][a-z0-9_]*)\.\./.exec(first);
    return inner ? inner[1] : 'generic impl';
  }
  const v0 = /^_R[A-Za-z]*?C[s0-9A-Za-z_]*?\d+([a-z_][a-z0-9_]*)/.exec(name);
  if (v0) return v0[1];
  return name.startsWith('__wbindgen') || name.startsWith('__wbg') ? 'wasm-bindgen glue' : '(other)';
}

const byCrate = new Map();
for (const b of bodies) {
  const name = names.get(b.index) || `func[${b.index}]`;
  b.name = name;
  byCrate.set(crateOf(name), (byCrate.get(crateOf(name)) || 0) + b.len);
}
const codeTotal = bodies.reduce((s, b) => s + b.len, 0);
console.log(`\ncode by crate (of ${kb(codeTotal)} code${names.size ? '' : '; no name section: build before wasm-bindgen'})`);
for (const [crate, size] of [...byCrate].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`  ${crate.padEnd(28)} ${kb(size).padStart(11)}  ${((100 * size) / codeTotal).toFixed(1).padStart(5)}%`);
}
console.log('\nbiggest functions');
for (const b of bodies.sort((a, b) => b.len - a.len).slice(0, top)) {
  console.log(`  ${kb(b.len).padStart(10)}  ${b.name.slice(0, 110)}`);
}
