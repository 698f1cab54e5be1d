// The conversation's life: the first open restores the saved conversation or greets,
// and loads the engine meanwhile (the panel says so, and accepts questions already);
// a failed load says so and offers "Try again"; "Start a new conversation" starts afresh.

import { h, rich } from './dom.js';
import { put, addRow, addNote, addActions, pastList } from './log.js';
import { render, renderActions, callEngine } from './replies.js';
import { closeArticle } from './articles.js';
import { clearSuggestions, updateSuggestions } from './suggestions.js';
import { hideHumanButton } from './handoff.js';
import { emit, kbVersion } from './api.js';
import { applySettings } from './apply-settings.js';
import { openEngine } from './engine.js';
import { loadRestWhenIdle } from './shards.js';
import { saveConversation, loadConversation, forgetConversation } from './session.js';
import { newConversation } from './state.js';
import { pageInfo } from './page-info.js';
import { localized, visitorLang } from './settings.js';

/** Saves the conversation for the next page view (see session.js). */
export function save(w) {
  const { state } = w;
  let engineState = null;
  try {
    if (state.engine && state.started) engineState = state.engine.state();
  } catch {
    return; // a state the engine cannot give: this conversation won't survive a reload
  }
  const { id, started, log } = state.convo;
  saveConversation({ id, started, log, state: engineState, handoff: state.handoff, last: state.lastReply, failed: state.failed });
}

/** Runs `job` now if the engine has loaded (or failed to), else once it has. */
export function withEngine(w, job) {
  if (w.state.engine || w.state.failed) job();
  else w.state.waiting.push(job);
}

function runWaiting(w) {
  const jobs = w.state.waiting;
  w.state.waiting = [];
  for (const job of jobs) job();
}

/** The page's greeting, else the KB's in the visitor's language, else the widget's
 *  own (swapped for the KB's when the engine's settings bring one). */
function greet(w) {
  const text = w.config.greeting || localized(w, 'greeting');
  const row = addRow(w, 'bot', text || w.t('greeting'));
  w.state.greetingRow = text ? null : row;
}

/** Replaces what `greet` showed by default with the KB's greeting, once known. */
function useKbGreeting(w) {
  const row = w.state.greetingRow;
  const text = localized(w, 'greeting');
  if (!row || w.config.greeting || !text) return;
  row.querySelector('.bubble').replaceChildren(rich(text));
  w.state.convo.log[0].text = text;
  w.state.greetingRow = null;
}

function startEngineConversation(w) {
  const { state } = w;
  return state.engine.start({ id: state.convo.id, lang: visitorLang(w), customer: { ...state.customer }, page: pageInfo(), now: Date.now() });
}

/** First open: the saved conversation back on screen (or a greeting), and the engine. */
export function boot(w) {
  const { state } = w;
  state.booted = true;
  const saved = loadConversation();
  if (saved) {
    state.convo = { id: saved.id, started: saved.started, log: saved.log };
    // The last reply's offers come back live (renderActions); older ones as a plain list.
    const live = new Set(!saved.handoff && saved.last?.offerIdx ? saved.last.offerIdx : []);
    saved.log.forEach((item, i) => {
      if (item.from === 'customer') addRow(w, 'me', item.text, { remember: false });
      else if (item.from === 'note' || item.from === 'warn') addNote(w, item.text, { warn: item.from === 'warn', remember: false });
      else if (item.from === 'offers') live.has(i) || put(w, pastList(item.kind, item.titles || []));
      else addRow(w, 'bot', item.text, { remember: false });
    });
    state.handoff = saved.handoff || null;
    if (state.handoff) hideHumanButton(w);
  } else {
    greet(w);
  }
  startLoading(w, saved);
}

function startLoading(w, saved) {
  const { state } = w;
  state.failed = false;
  const status = put(w, h('p', { class: 'status' }, h('span', { class: 'spin', 'aria-hidden': 'true' }), w.t('loading')));
  let settled = false;
  const fail = (err) => {
    if (settled) return;
    settled = true;
    status.remove();
    loadFailed(w, err);
  };
  openEngine(w.manifest, w.base, state.loadAttempt).then((engine) => {
    if (settled) return;
    state.engine = engine;
    const taken = takeOver(w, saved, status);
    if (!taken) return fail();
    settled = true;
    status.remove();
    // After a handoff only what it still asks comes back.
    if (state.lastReply && (!state.handoff || state.lastReply.asking)) renderActions(w, state.lastReply, { restoring: true });
    emit(w, 'ready', { kb_version: kbVersion(w), conversation_id: state.convo.id });
    loadRestWhenIdle(w);
    if (taken.reply) render(w, taken.reply, { skipGreeting: true });
    save(w);
    runWaiting(w);
    if (w.dom.input.value.trim()) updateSuggestions(w);
  }, fail);
}

/** The loaded engine takes the conversation on: it restores the saved one, or starts
 *  one (a saved conversation it cannot continue is replaced by a new one, with a new
 *  id, so a new ticket). `{reply}` of the start, or null when starting failed. */
function takeOver(w, saved, status) {
  const { state } = w;
  try {
    Object.assign(state.settings, state.engine.settings() || {});
  } catch {
    /* keep the manifest's settings */
  }
  applySettings(w);
  useKbGreeting(w);
  if (saved && saved.state && !saved.failed) {
    try {
      state.engine.restore(saved.state);
      state.started = true;
      state.lastReply = saved.last || null;
      state.inFlow = Boolean(state.lastReply?.step); // a flow in progress on the previous page
    } catch {
      state.started = false; // a new knowledge base, or a state this engine can't read
    }
  }
  if (state.started) return { reply: null };
  if (saved) {
    w.dom.log.replaceChildren(status);
    state.convo = newConversation();
    state.handoff = null;
    state.lastReply = null;
    w.dom.humanBtn.hidden = false;
    greet(w);
  }
  try {
    const reply = startEngineConversation(w);
    state.started = true;
    return { reply };
  } catch {
    return null;
  }
}

function loadFailed(w, err) {
  const { state } = w;
  // For the creator's console: a missing 'wasm-unsafe-eval' in the page's CSP looks
  // exactly like a network failure to the visitor.
  if (err && navigator.onLine !== false) {
    console.warn(`Deflect: the help engine could not load (${err.message || err}). If the page has a Content-Security-Policy, script-src needs 'wasm-unsafe-eval'.`);
  }
  state.engine = null;
  state.failed = true;
  state.loadAttempt++;
  offerRetry(w, () => {
    startLoading(w, null);
    w.dom.input.focus();
  });
  runWaiting(w);
}

/** Says the help could not load (or the visitor is offline) and offers Retry, which
 *  runs `retry`. */
export function offerRetry(w, retry) {
  addNote(w, navigator.onLine === false ? w.t('offline') : w.t('loadFailed'), { warn: true, remember: false });
  const chip = h('button', { type: 'button', class: 'chip' }, w.t('retry'));
  chip.addEventListener('click', () => {
    chip.closest('.acts').remove();
    retry();
  });
  addActions(w, h('div', { class: 'choices' }, chip));
}

/** "Start a new conversation": a fresh log, id and engine conversation. */
export function startNew(w) {
  const { state, dom } = w;
  if (state.article) closeArticle(w, false);
  clearSuggestions(w);
  dom.log.replaceChildren();
  forgetConversation();
  state.convo = newConversation();
  state.handoff = null;
  state.lastReply = null;
  state.inFlow = false;
  state.form = null;
  state.offlineNote = null;
  dom.humanBtn.hidden = false;
  greet(w);
  dom.input.focus();
  withEngine(w, () => {
    if (!state.engine) return save(w);
    const reply = callEngine(w, () => startEngineConversation(w));
    state.started = Boolean(reply);
    render(w, reply, { skipGreeting: true });
    save(w);
  });
}
