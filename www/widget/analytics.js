// Counts of what visitors do, sent to the optional data-analytics endpoint through the
// retry queue: gathered for a moment and batched, each event with its own id so a
// resent batch never counts twice. Nothing is recorded without an endpoint.

import { createRetryQueue } from './retry-queue.js';
import { postJson } from './post-json.js';
import { EVENTS_KEY } from './storage-keys.js';
import { uuid } from './uuid.js';

const BATCH = 100;
let endpoint = null;
let events = null;

/** Starts delivering to the tag's data-analytics endpoint (a no-op without one), with
 *  what earlier page views left first. */
export function flushEvents(config = {}) {
  if (!config.analytics) return;
  endpoint = config.analytics;
  if (!events) {
    events = createRetryQueue({
      storageKey: EVENTS_KEY,
      firstRetryMs: 2000,
      batchSize: BATCH,
      gatherMs: 1500,
      maxStored: 1000, // best effort, unlike tickets: an endpoint down for long loses the oldest
      deliver: (batch) => postJson(endpoint, { events: batch }),
    });
    // Leaving the page: hand what is left to the browser (text/plain needs no preflight).
    // It stays queued: the ids make a second delivery harmless.
    addEventListener('pagehide', () => {
      const batch = events.items().slice(0, BATCH);
      if (batch.length && navigator.sendBeacon) navigator.sendBeacon(endpoint, JSON.stringify({ events: batch }));
    });
  }
  events.restore();
}

/** Records one event of `kind` in conversation `conversationId`. */
export function track(kind, conversationId, extra = {}) {
  events?.add({ id: uuid(), at_ms: Date.now(), conversation_id: conversationId, kind, ...extra });
}
