// Handing the conversation to a person: one ticket per conversation (the engine's, or
// one built here when the engine is unavailable), put in the outbox, confirmed with a
// reference, and the visitor told if it waits for the network or was refused.

import { addRow, addNote, clearActions } from './log.js';
import { clearSuggestions } from './suggestions.js';
import { emit } from './api.js';
import { save } from './conversation.js';
import { sendTicket, watchOutbox } from './outbox.js';
import { maskCardNumbers } from './redact.js';
import { pageInfo } from './page-info.js';
import { present } from './customer.js';
import { brandName, localized, ticketEndpoint, visitorLang } from './settings.js';

const PRIORITIES = ['low', 'normal', 'high', 'urgent'];

/** After the handoff there is no person to ask for, and no suggestions to follow. */
export function hideHumanButton(w) {
  w.dom.humanBtn.hidden = true;
  clearSuggestions(w);
}

/** The engine decided a person takes over (`info`: reason, queue, priority, response_time). */
export function onHandoff(w, info) {
  const { state } = w;
  if (state.handoff) return; // one ticket per conversation
  let ticket = null;
  try {
    ticket = state.engine && state.engine.ticket(Date.now());
  } catch {
    ticket = null;
  }
  if (!ticket) ticket = localTicket(w, { reason: info.reason, queue: info.queue, priority: info.priority });
  state.handoff = { ticket_id: ticket.id, queue: info.queue || ticket.queue, reason: info.reason || ticket.reason, priority: info.priority || ticket.priority };
  // The engine's own lines ask for a way to reply and make the promise.
  deliver(w, ticket, { engine: true });
  const rule = (ticket.rules_fired || [])[0];
  const { ticket_id, queue, reason } = state.handoff;
  emit(w, 'escalated', { ticket_id, queue, reason, rule: rule ? rule.rule_id : null });
}

/** The contact form was sent: a ticket without the engine; what the visitor writes
 *  next goes to it as follow-ups (see `localFollowUp`). */
export function handOffWithoutEngine(w, email, message) {
  const { state } = w;
  state.customer.email = email;
  const ticket = localTicket(w, { email, message });
  if (message) addRow(w, 'me', message, { remember: false });
  state.handoff = { ticket_id: ticket.id, queue: ticket.queue, reason: ticket.reason, local: true };
  deliver(w, ticket, { email });
  emit(w, 'escalated', { ticket_id: ticket.id, queue: ticket.queue, reason: ticket.reason });
}

/** Queues `ticket` and watches it; without the engine (`email` given), promises the reply. */
function deliver(w, ticket, { engine = false, email = '' } = {}) {
  const { t, state } = w;
  hideHumanButton(w);
  if (!engine) {
    clearActions(w);
    const when = localized(w, 'response_time') || t('soon');
    addNote(w, t('delivered', { brand: state.settings.brand_name || t('ourTeam'), email, when, ref: ticket.id.slice(0, 8).toUpperCase() }));
  }
  const unwatch = watchOutbox((id, status) => {
    if (id !== ticket.id) return;
    if (status === 'offline') return showOffline(w, true);
    if (status === 'retrying') return;
    showOffline(w, false);
    unwatch();
    if (status === 'dropped') {
      addNote(w, t('dropped', { brand: brandName(w) }), { warn: true });
      save(w);
    }
  });
  if (navigator.onLine === false) showOffline(w, true);
  save(w);
  sendTicket(ticket, ticketEndpoint(w));
}

function showOffline(w, on) {
  const { state } = w;
  if (on && !state.offlineNote) {
    state.offlineNote = addNote(w, w.t('offlineSend'), { warn: true, remember: false });
  } else if (!on && state.offlineNote) {
    state.offlineNote.remove();
    state.offlineNote = null;
  }
}

/** What the visitor wrote after a handoff without the engine, shaped like the engine's
 *  follow-ups. */
export function localFollowUp(w, text) {
  const { handoff, convo } = w.state;
  return { schema_version: 1, id: `${handoff.ticket_id}-${convo.log.length}`, ticket_id: handoff.ticket_id, at_ms: Date.now(), text: maskCardNumbers(text).text };
}

/** A schema-valid ticket built without the engine (it failed to load, or returned nothing). */
function localTicket(w, { email = w.state.customer.email, message = '', reason, queue, priority } = {}) {
  const { state } = w;
  const now = Date.now();
  let cards = 0;
  const masked = (text) => {
    const out = maskCardNumbers(text);
    cards += out.count;
    return out.text;
  };
  const transcript = state.convo.log
    .filter((m) => m.from === 'bot' || m.from === 'customer')
    .map((m) => {
      cards += m.cards || 0; // masked as it was said (log.js)
      return { at_ms: m.at || now, from: m.from, text: masked(m.text) };
    });
  if (message) transcript.push({ at_ms: now, from: 'customer', text: masked(message) });
  if (!transcript.length) transcript.push({ at_ms: now, from: 'customer', text: 'The visitor asked for a person.' });
  return {
    schema_version: 1,
    id: state.convo.id,
    created_at_ms: now,
    conversation_started_at_ms: state.convo.started,
    kb_version: 'unavailable',
    customer: { email: present(email), name: state.customer.name, tier: state.customer.tier, signature: state.customer.signature },
    page: pageInfo(),
    lang: visitorLang(w),
    transcript,
    articles_shown: [],
    flow_path: [],
    details: {},
    tags: [],
    queue: queue || state.settings.default_queue || 'Tier-1',
    priority: PRIORITIES.includes(priority) ? priority : 'normal',
    reason: reason || 'The help assistant could not load; the visitor asked for a person',
    needs_review: false,
    rules_fired: [],
    redactions: { card_numbers: cards },
  };
}
