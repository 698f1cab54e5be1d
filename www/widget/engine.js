// Loading the engine: its three downloads (wasm-bindgen's glue, the wasm, the knowledge
// base index) start once, as early as the visitor shows intent (hovering or focusing
// the launcher), and opening the chat reuses them.

const LOAD_TIMEOUT_MS = 20000;

let download = null;

/** Starts the downloads named by the manifest (once; again after a failure). */
export function preload(manifest, base = location.href, bust = '') {
  if (download) return download;
  const url = (path) => new URL(path, base).href + bust;
  const index = fetch(url(manifest.index)).then((res) => {
    if (!res.ok) throw new Error(`knowledge base: HTTP ${res.status}`);
    return res.arrayBuffer();
  });
  const module = import(url(manifest.engine_js));
  const wasm = fetch(url(manifest.engine_wasm));
  download = { index, module, wasm };
  for (const p of [index, module, wasm]) p.catch(() => { download = null; });
  return download;
}

/** The engine with its index open; `attempt` > 0 downloads afresh (past any cache of
 *  a failed response). Rejects after LOAD_TIMEOUT_MS. */
export function openEngine(manifest, base, attempt) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), LOAD_TIMEOUT_MS);
  });
  return Promise.race([instantiate(manifest, base, attempt), timeout]).finally(() => clearTimeout(timer));
}

async function instantiate(manifest, base, attempt) {
  if (attempt) download = null;
  const { index, module, wasm } = preload(manifest, base, attempt ? `?retry=${attempt}` : '');
  index.catch(() => {}); // reported through the await below
  const mod = await module;
  // Marks for the widget benchmark: where the wait between click and ready goes.
  const started = performance.now();
  await mod.default({ module_or_path: wasm });
  const bytes = new Uint8Array(await index);
  const downloaded = performance.now();
  performance.measure('deflect: engine compiled, index downloaded', { start: started, end: downloaded });
  const engine = mod.Engine.open(bytes);
  performance.measure('deflect: index opened', { start: downloaded });
  return engine;
}
