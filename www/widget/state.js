// Everything about one mounted widget that changes while it runs, in one object, so
// every module reads and writes the same named fields instead of closures of their own.

import { uuid } from './uuid.js';

/** A conversation not yet sent anywhere: its id becomes the ticket's id. */
export function newConversation() {
  return { id: uuid(), started: Date.now(), log: [] }; // log: [{from, text, at}] and offered titles
}

export function createState({ settings, customer }) {
  return {
    /** The KB's settings: the manifest's, then the engine's once it has loaded. */
    settings,
    /** `{email, name, tier}`: the tag's, then Deflect('identify'). */
    customer,
    /** Host-page callbacks registered with Deflect('on', name, fn). */
    listeners: { ready: [], escalated: [], deflected: [] },
    convo: newConversation(),

    // ---- the engine
    /** The wasm engine once it has loaded. */
    engine: null,
    /** The last load failed: answers are unavailable, a person still is. */
    failed: false,
    /** The engine has a conversation (started or restored). */
    started: false,
    /** How many loads failed so far (a retry bypasses the cache). */
    loadAttempt: 0,
    /** Whatever the visitor did while the engine was loading, run once it settles. */
    waiting: [],

    // ---- the conversation
    /** The panel has been opened once: the conversation is on screen. */
    booted: false,
    /** The engine's last reply (for restoring its choices after navigation). */
    lastReply: null,
    /** The last reply was a step of a running flow (to count finished flows). */
    inFlow: false,
    /** `{ticket_id, queue, reason, priority, local?}` once a person takes over. */
    handoff: null,
    /** The greeting's log row while it may still be swapped for the KB's own. */
    greetingRow: null,

    // ---- what is on screen
    /** The open article: `{id, opener}` (focus returns to the opener). */
    article: null,
    /** The log's scroll position when the article opened. */
    logScroll: 0,
    /** The checklist being filled in: `{stepId, node, fields: Map}`. */
    form: null,
    /** The "we'll send it when you're back online" note while it is shown. */
    offlineNote: null,
    /** The first node appended in this task (a long reply is scrolled to its start). */
    batchFirst: null,
    scrollQueued: false,
    /** Suggestions: the pending frame, and the ids on screen and last counted. */
    suggestFrame: 0,
    suggestKey: '',
    suggestTracked: '',
    /** Counter for unique form field ids. */
    fieldSeq: 0,
  };
}
