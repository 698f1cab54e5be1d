// Tickets and follow-ups on their way to the ticket endpoint, through the retry queue.
// The ticket id is the conversation id, so resending is safe. Follow-ups (what the
// visitor writes after the handoff) wait in the same outbox until their ticket is
// accepted, then go to <endpoint>/<ticket id>/messages with the token the ticket's
// acceptance brought (ticket-tokens.js).

import { createRetryQueue, outcomeOf } from './retry-queue.js';
import { postJson } from './post-json.js';
import { OUTBOX_KEY } from './storage-keys.js';
import { rememberToken, tokenHeaders } from './ticket-tokens.js';

let endpoint = '/api/tickets';

/** Where an item goes: a ticket to the endpoint, a follow-up to its ticket's messages. */
function targetOf(item) {
  if (!item.ticket_id) return endpoint;
  return `${endpoint.replace(/\/+$/, '')}/${encodeURIComponent(item.ticket_id)}/messages`;
}

const outbox = createRetryQueue({
  storageKey: OUTBOX_KEY,
  firstRetryMs: 1000,
  waitsFor: (item) => item.ticket_id || null,
  async deliver([item]) {
    const result = await postJson(targetOf(item), item, item.ticket_id ? tokenHeaders(item.ticket_id) : {});
    if (!item.ticket_id && result.answer) rememberToken(item.id, result.answer.token);
    if (outcomeOf(result.status) === 'dropped') {
      console.warn(`Deflect: ${targetOf(item)} refused ${item.id} with HTTP ${result.status}; it was not delivered and will not be retried.`);
    }
    return result;
  },
});

/** Queues a ticket or follow-up for `ticketEndpoint`. */
export function sendTicket(item, ticketEndpoint) {
  endpoint = ticketEndpoint;
  outbox.add(item);
}

/** Delivers tickets and follow-ups an earlier page view could not send (to the tag's
 *  endpoint, else the KB's); returns how many were waiting. */
export function flushOutbox(config = {}) {
  endpoint = config.endpoint || config.settings?.ticket_endpoint || endpoint;
  return outbox.restore();
}

/** Calls `fn(id, status)` as outbox items are sent, dropped or retried; returns the
 *  function that stops it. */
export const watchOutbox = (fn) => outbox.watch(fn);
