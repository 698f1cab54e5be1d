// The conversation survives navigation within the site (same tab): it is saved to
// sessionStorage after every change and restored by the next page's widget, unless it
// has been idle for longer than MAX_IDLE_MS.

import { CONVERSATION_KEY } from './storage-keys.js';

export const MAX_IDLE_MS = 30 * 60 * 1000;
const VERSION = 1;

/** Saves `snapshot` ({id, started, log, state, handoff, last, failed}) with the time. */
export function saveConversation(snapshot, storage = () => sessionStorage) {
  try {
    storage().setItem(CONVERSATION_KEY, JSON.stringify({ v: VERSION, at: Date.now(), ...snapshot }));
  } catch {
    /* storage blocked or a state that does not serialise: the conversation simply won't survive a reload */
  }
}

/** The saved conversation if there is a recent one with something in it, else null. */
export function loadConversation(storage = () => sessionStorage) {
  try {
    const saved = JSON.parse(storage().getItem(CONVERSATION_KEY));
    if (saved && saved.v === VERSION && Date.now() - saved.at < MAX_IDLE_MS && Array.isArray(saved.log) && saved.log.length) return saved;
  } catch {
    /* nothing usable */
  }
  return null;
}

/** Forgets the saved conversation (the visitor started a new one). */
export function forgetConversation(storage = () => sessionStorage) {
  try {
    storage().removeItem(CONVERSATION_KEY);
  } catch {
    /* nothing saved */
  }
}
