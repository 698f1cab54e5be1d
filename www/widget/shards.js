// Postings shards of a very large knowledge base. `deflect site` moves such a KB's
// posting lists into content-hashed files under `manifest.postings`, so the first
// download stays small; the engine says which of them a text needs
// (`engine.missingShards`), and nothing is answered before they are in. Typing and
// asking fetch what they need at once, in parallel; after `ready` the rest are fetched
// when the browser is idle, so later keystrokes are instant. Shards are kept in the
// Cache API like article bodies: the KB then works offline after the first visit.

import { cachedResponse } from './fragments.js';

const CACHE = 'deflect-postings';
/** Shards kept for offline: a 5,000-article KB has a few dozen; older KBs' go first. */
const MAX_CACHED = 400;
/** Background fetches at a time, so a question's own shards are not queued behind. */
const BACKGROUND_PARALLEL = 4;

/** Per engine, its shards by name: loading or loaded. */
const loadingBy = new WeakMap();

/** Loads shards `names` into the engine, all fetched at once; resolves when every one
 *  is in, rejects if one cannot be fetched or read (a later call tries it again). */
export function loadShards(w, names) {
  return Promise.all(names.map((name) => loadShard(w, name)));
}

function loadShard(w, name) {
  const { engine } = w.state;
  if (!loadingBy.has(engine)) loadingBy.set(engine, new Map());
  const loading = loadingBy.get(engine);
  let done = loading.get(name);
  if (!done) {
    const url = new URL(`${w.manifest.postings || 'postings/'}${name}`, w.base).href;
    done = cachedResponse(url, CACHE, MAX_CACHED)
      .then((res) => res.arrayBuffer())
      .then((bytes) => engine.addShard(name, new Uint8Array(bytes)));
    loading.set(name, done);
    done.catch(() => loading.delete(name));
  }
  return done;
}

/** Runs `job` once the shards `text` needs are loaded (at once when they are);
 *  `failed(err)` if one cannot be fetched. */
export function withShards(w, text, job, failed) {
  const needed = w.state.engine.missingShards(text);
  if (!needed.length) return job();
  loadShards(w, needed).then(job, failed);
}

/** After `ready`: the shards not loaded yet, fetched while the browser is idle. Marks
 *  `deflect: shards loaded` (for the benchmark) once every one is in. */
export function loadRestWhenIdle(w) {
  const engine = w.state.engine;
  if (!engine.pendingShards().length) return;
  const idle = globalThis.requestIdleCallback || ((run) => setTimeout(run, 200));
  idle(async () => {
    const queue = engine.pendingShards();
    const worker = async () => {
      while (queue.length) await loadShard(w, queue.shift()).catch(() => {});
    };
    await Promise.all(Array.from({ length: BACKGROUND_PARALLEL }, worker));
    if (w.state.engine === engine && !engine.pendingShards().length) {
      performance.mark('deflect: shards loaded');
    }
  });
}
