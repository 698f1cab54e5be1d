// The conversation log: what is said on screen (the `role="log"` live region announces
// it) and what is recorded in the conversation for the ticket and for session restore.

import { h, rich } from './dom.js';
import { icon } from './icons.js';
import { brandName } from './settings.js';
import { maskCardNumbers } from './redact.js';

/** Everything appended during one task is one batch: if it is taller than the log, its
 *  first line is scrolled to the top (a long reply is read from its start), else the
 *  log is scrolled to the bottom. */
export function scrollToLatest(w) {
  const { state } = w;
  if (state.scrollQueued) return;
  state.scrollQueued = true;
  requestAnimationFrame(() => {
    const { log } = w.dom;
    state.scrollQueued = false;
    const first = state.batchFirst;
    state.batchFirst = null;
    let top = log.scrollHeight;
    if (first && first.isConnected && first.parentNode === log) {
      const start = first.offsetTop - 12;
      if (log.scrollHeight - start > log.clientHeight) top = start;
    }
    log.scrollTop = top;
  });
}

/** Appends `node` to the log. */
export function put(w, node) {
  w.dom.log.append(node);
  if (!w.state.batchFirst) w.state.batchFirst = node;
  scrollToLatest(w);
  return node;
}

function record(w, entry) {
  w.state.convo.log.push({ ...entry, at: Date.now() });
}

/** A speech bubble from the visitor (`'me'`) or the bot (`'bot'`, with **bold**).
 *  What the visitor typed is shown and kept with card numbers masked, so no full
 *  number sits in the page, in sessionStorage or in a ticket built without the engine
 *  (`cards` keeps the count for the ticket's redactions). */
export function addRow(w, from, raw, { remember = true } = {}) {
  const { text, count } = from === 'me' ? maskCardNumbers(raw) : { text: raw, count: 0 };
  const row =
    from === 'me'
      ? h('div', { class: 'row me' }, h('span', { class: 'sr', text: w.t('you') }), h('p', { class: 'bubble', text }))
      : h('div', { class: 'row bot' }, h('span', { class: 'sr', text: `${brandName(w)}: ` }), h('p', { class: 'bubble' }, rich(text)));
  put(w, row);
  if (remember) record(w, from === 'me' ? { from: 'customer', text, cards: count } : { from: 'bot', text });
  return row;
}

/** A notice (handoff confirmation, or a warning with `warn`). */
export function addNote(w, text, { warn = false, remember = true } = {}) {
  const node = h('div', { class: `note${warn ? ' warn' : ''}` }, icon(warn ? 'alert' : 'check'), h('p', { text }));
  put(w, node);
  if (remember) record(w, { from: warn ? 'warn' : 'note', text });
  return node;
}

/** Buttons the visitor can act on now (replaced by the next reply). */
export function addActions(w, node) {
  node.classList.add('acts');
  return put(w, node);
}

/** Older replies stop being interactive, so only the current choices are on screen:
 *  flow choices and forms go away, offered articles and flows stay as a plain list. */
export function clearActions(w) {
  for (const node of w.dom.log.querySelectorAll('.acts, .card')) {
    const titles = node.matches('.offers') ? [...node.querySelectorAll('button')].map((b) => b.textContent) : [];
    if (titles.length) node.replaceWith(pastList(node.dataset.kind, titles));
    else node.remove();
  }
  w.state.form = null;
}

/** Offers that are no longer current, as a list of what was offered. */
export function pastList(kind, titles) {
  return h('ul', { class: 'past' }, ...titles.map((title) => h('li', {}, icon(kind === 'flow' ? 'flow' : 'doc'), title)));
}

/** Offered articles or flows (`items`: [title, onclick]); recorded, unless `restoring`,
 *  so a restored conversation can show them again. */
export function addOffers(w, kind, items, restoring) {
  const { state } = w;
  if (!restoring && state.lastReply) {
    (state.lastReply.offerIdx = state.lastReply.offerIdx || []).push(state.convo.log.length);
    record(w, { from: 'offers', kind, titles: items.map(([title]) => title) });
  }
  addActions(
    w,
    h('div', { class: 'offers', 'data-kind': kind }, ...items.map(([title, onclick]) => h('button', { type: 'button', class: 'chip', onclick }, icon(kind), title)))
  );
}

/** What the bot said last. */
export function lastBotText(w) {
  const { log } = w.state.convo;
  for (let i = log.length - 1; i >= 0; i--) if (log[i].from === 'bot') return log[i].text;
  return null;
}
