// Article bodies. Each is its own content-hashed file next to the knowledge base
// (`manifest.articles`), fetched when the article opens, so the first download holds
// only what matching and the suggestion list need. Bodies are kept in the Cache API:
// a name never changes content, so an article seen once opens again offline. The top
// suggestions are fetched ahead, so opening one still feels instant.

const CACHE = 'deflect-articles';
/** Bodies kept for offline; the oldest go first (a body is a few KB). */
const MAX_CACHED = 300;
/** Typing pauses this long before the suggestions' bodies are fetched ahead. */
const PREFETCH_PAUSE_MS = 150;

/** Bodies of this page view by URL: in flight or fetched. */
const bodies = new Map();
let prefetchTimer = 0;

/** The sanitised HTML of fragment `name` (from `engine.openArticle` or
 *  `engine.articleFragment`); rejects if it cannot be fetched, and a later call tries
 *  again. */
export function articleBody(w, name) {
  const url = new URL(`${w.manifest.articles || 'articles/'}${name}`, w.base).href;
  let body = bodies.get(url);
  if (!body) {
    body = cachedOrFetched(url);
    bodies.set(url, body);
    body.catch(() => bodies.delete(url));
  }
  return body;
}

/** Fetches the bodies of articles `ids` ahead of an open; failures wait for the open. */
export function prefetchArticles(w, ids) {
  const { engine } = w.state;
  if (!engine) return;
  for (const id of ids) {
    const name = engine.articleFragment(id);
    if (name) articleBody(w, name).catch(() => {});
  }
}

/** Like `prefetchArticles`, once typing pauses: suggestions change on every keystroke. */
export function prefetchWhenTypingPauses(w, ids) {
  clearTimeout(prefetchTimer);
  if (ids.length) prefetchTimer = setTimeout(() => prefetchArticles(w, ids), PREFETCH_PAUSE_MS);
}

async function cachedOrFetched(url) {
  return (await cachedResponse(url, CACHE, MAX_CACHED)).text();
}

/** The response for `url`, an immutable (content-hashed) file: from Cache API cache
 *  `name` when it is there, else fetched and kept there (at most `max` files, the
 *  oldest go first), so what was seen once works offline. Rejects on HTTP errors. */
export async function cachedResponse(url, name, max) {
  const cache = await openCache(name);
  const cached = cache && (await cache.match(url).catch(() => null));
  if (cached) return cached;
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  if (cache) keep(cache, url, res.clone(), max); // not awaited: the caller reads meanwhile
  return res;
}

/** The Cache API exists only in secure contexts (https, localhost); without it the
 *  browser's HTTP cache still keeps the immutable files. */
function openCache(name) {
  if (!globalThis.caches) return Promise.resolve(null);
  return caches.open(name).catch(() => null);
}

async function keep(cache, url, response, max) {
  try {
    await cache.put(url, response);
    const keys = await cache.keys();
    for (const old of keys.slice(0, Math.max(0, keys.length - max))) await cache.delete(old);
  } catch {
    /* storage full or denied: the file is still used */
  }
}
