// One delivery guarantee for everything the widget sends: tickets, their follow-ups and
// analytics events. An item is written to storage before its first attempt and removed
// only once the endpoint acknowledges it, so a failed request, a reload or a closed tab
// never loses it; it is retried with exponential backoff (or the endpoint's Retry-After),
// at once when the browser comes back online, and by the next page view's loader.
// Items carry their own ids, so a resent request is harmless and one id is queued once.

/** What an HTTP status (0: no answer) means for the items of a request. */
export function outcomeOf(status) {
  if (status >= 200 && status < 300) return 'sent';
  if (status >= 400 && status < 500 && status !== 429) return 'dropped'; // refused for good
  return 'retry';
}

/** The wait before retry number `attempt + 1`: doubling from `firstMs`, at most `maxMs`,
 *  but never less than the endpoint asked for. */
export function retryDelay(attempt, { firstMs, maxMs, retryAfterMs = 0 }) {
  return Math.min(maxMs, Math.max(firstMs * 2 ** attempt, retryAfterMs));
}

/**
 * A queue kept in `storage()[storageKey]` as `{id: item}`.
 *
 * - `deliver(items)` sends up to `batchSize` items in one request and resolves with
 *   `{status, retryAfterMs}`; one request is in flight at a time.
 * - `gatherMs`: how long an added item waits for company before it is sent.
 * - `waitsFor(item)`: the id of an item that must be delivered first (a follow-up waits
 *   for its ticket); an item whose prerequisite is refused is dropped with it.
 * - `maxStored`: only the newest that many items are kept in storage.
 *
 * Watchers hear `(id, status)` with status 'sent' | 'dropped' | 'retrying' | 'offline'.
 */
export function createRetryQueue({
  storageKey,
  deliver,
  firstRetryMs,
  maxRetryMs = 60000,
  batchSize = 1,
  gatherMs = 0,
  maxStored = Infinity,
  waitsFor = () => null,
  storage = () => localStorage,
}) {
  const entries = new Map(); // id -> {item, attempts, cooling: the backoff timer, or 0 when due}
  const watchers = new Set();
  let sending = false;
  let gathering = 0;

  function readStored() {
    try {
      const box = JSON.parse(storage().getItem(storageKey));
      return box && typeof box === 'object' && !Array.isArray(box) ? box : {};
    } catch {
      return {};
    }
  }

  function writeStored(box) {
    const ids = Object.keys(box);
    for (const id of ids.slice(0, Math.max(0, ids.length - maxStored))) delete box[id];
    try {
      if (ids.length) storage().setItem(storageKey, JSON.stringify(box));
      else storage().removeItem(storageKey);
    } catch {
      /* storage full or blocked: the in-memory copy still retries while the page is open */
    }
  }

  function notify(ids, status) {
    for (const id of ids) {
      for (const fn of watchers) {
        try {
          fn(id, status);
        } catch {
          /* one watcher's failure is not the queue's */
        }
      }
    }
  }

  function remember(item) {
    if (!entries.has(item.id)) entries.set(item.id, { item, attempts: 0, cooling: 0 });
  }

  /** Queues `item` (persisted before anything is sent); an id already queued is ignored. */
  function add(item) {
    if (entries.has(item.id)) return;
    const box = readStored();
    box[item.id] = item;
    writeStored(box);
    remember(item);
    if (!gatherMs) pump();
    else if (!gathering) {
      gathering = setTimeout(() => {
        gathering = 0;
        pump();
      }, gatherMs);
    }
  }

  /** Takes on what an earlier page view left in storage and sends it; returns how many
   *  items there were. Entries that are not items are discarded. */
  function restore() {
    const box = readStored();
    const stored = Object.entries(box);
    for (const [id, item] of stored) {
      if (item && typeof item === 'object' && item.id === id) remember(item);
      else delete box[id];
    }
    const found = Object.keys(box).length;
    if (found !== stored.length) writeStored(box);
    pump();
    return found;
  }

  function finish(ids, outcome) {
    for (const id of ids) {
      clearTimeout(entries.get(id)?.cooling);
      entries.delete(id);
    }
    const box = readStored();
    for (const id of ids) delete box[id];
    writeStored(box);
    notify(ids, outcome);
    if (outcome === 'dropped') {
      const orphans = [...entries.values()].filter((e) => ids.includes(waitsFor(e.item))).map((e) => e.item.id);
      if (orphans.length) finish(orphans, 'dropped');
    }
  }

  function coolDown(entry, retryAfterMs) {
    const wait = retryDelay(entry.attempts++, { firstMs: firstRetryMs, maxMs: maxRetryMs, retryAfterMs });
    entry.cooling = setTimeout(() => {
      entry.cooling = 0;
      pump();
    }, wait);
  }

  async function pump() {
    if (sending) return;
    const batch = [];
    for (const entry of entries.values()) {
      if (batch.length === batchSize) break;
      if (!entry.cooling && !entries.has(waitsFor(entry.item))) batch.push(entry);
    }
    if (!batch.length) return;
    sending = true;
    let result = { status: 0 };
    try {
      result = await deliver(batch.map((e) => e.item));
    } catch {
      /* counts as no answer */
    }
    sending = false;
    const ids = batch.map((e) => e.item.id);
    const outcome = outcomeOf(result.status);
    if (outcome !== 'retry') {
      finish(ids, outcome);
    } else {
      for (const entry of batch) coolDown(entry, result.retryAfterMs);
      notify(ids, result.status === 0 && globalThis.navigator?.onLine === false ? 'offline' : 'retrying');
    }
    pump();
  }

  /** Everything waiting is due now, with its backoff reset (the browser is back online). */
  function retryNow() {
    for (const entry of entries.values()) {
      clearTimeout(entry.cooling);
      entry.cooling = 0;
      entry.attempts = 0;
    }
    pump();
  }

  globalThis.addEventListener?.('online', retryNow);

  return {
    add,
    restore,
    retryNow,
    /** The items waiting, oldest first. */
    items: () => [...entries.values()].map((e) => e.item),
    /** Calls `fn(id, status)` on every change until the returned function is called. */
    watch(fn) {
      watchers.add(fn);
      return () => watchers.delete(fn);
    },
  };
}
