// The secret each accepted ticket comes back with (`token` in the endpoint's 201, and
// in a 200 for a repeat of the same body): only a request carrying it may add to the
// ticket, so it is kept next to the outbox in localStorage (a follow-up left for the
// next page view still has it) and sent with every follow-up and screenshot.

import { TOKENS_KEY } from './storage-keys.js';

/** The header the inbox reads it from. */
export const TOKEN_HEADER = 'Deflect-Ticket-Token';
/** Tickets whose tokens are kept; older ones are forgotten first. */
const MAX_KEPT = 20;

/** Tokens of this page view, in case storage is blocked or full. */
const memory = new Map();
/** Ticket id -> resolvers of `whenToken` calls waiting for its token. */
const waiting = new Map();

function readAll(storage) {
  try {
    const all = JSON.parse(storage().getItem(TOKENS_KEY));
    return all && typeof all === 'object' && !Array.isArray(all) ? all : {};
  } catch {
    return {};
  }
}

/** Keeps `token` for ticket `id` (a string from the endpoint; anything else is ignored). */
export function rememberToken(id, token, storage = () => localStorage) {
  if (typeof token !== 'string' || !token) return;
  memory.set(id, token);
  const all = readAll(storage);
  delete all[id];
  all[id] = token;
  const ids = Object.keys(all);
  for (const old of ids.slice(0, Math.max(0, ids.length - MAX_KEPT))) delete all[old];
  try {
    storage().setItem(TOKENS_KEY, JSON.stringify(all));
  } catch {
    /* storage full or blocked: this page view still has it in memory */
  }
  for (const resolve of waiting.get(id) || []) resolve(token);
  waiting.delete(id);
}

/** The token of ticket `id`, or null while it is not known. */
export function tokenFor(id, storage = () => localStorage) {
  return memory.get(id) || readAll(storage)[id] || null;
}

/** Headers that carry ticket `id`'s token, if it is known. */
export function tokenHeaders(id, storage = () => localStorage) {
  const token = tokenFor(id, storage);
  return token ? { [TOKEN_HEADER]: token } : {};
}

/** Resolves with ticket `id`'s token once its ticket is accepted, or with null after
 *  `ms` (the ticket is still on its way: then the inbox accepts a screenshot without). */
export function whenToken(id, ms, storage = () => localStorage) {
  const known = tokenFor(id, storage);
  if (known) return Promise.resolve(known);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(tokenFor(id, storage)), ms);
    const done = (token) => {
      clearTimeout(timer);
      resolve(token);
    };
    waiting.set(id, (waiting.get(id) || []).concat(done));
  });
}
