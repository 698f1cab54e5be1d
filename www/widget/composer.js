// What the visitor sends: a question from the input (Enter or Send), or "Talk to a
// person". Both work while the engine loads (they wait for it) and without it.

import { addRow, addNote, clearActions } from './log.js';
import { render, callEngine, focusAfterReply } from './replies.js';
import { closeArticle } from './articles.js';
import { clearSuggestions } from './suggestions.js';
import { contactForm } from './forms.js';
import { localFollowUp } from './handoff.js';
import { save, withEngine, offerRetry } from './conversation.js';
import { withShards } from './shards.js';
import { sendTicket } from './outbox.js';
import { track } from './analytics.js';
import { questionText, rememberQuestion } from './learning.js';
import { ticketEndpoint, visitorLang } from './settings.js';

export function sendQuestion(w) {
  const { state, dom, t } = w;
  const text = dom.input.value.trim();
  if (!text) return dom.input.focus();
  dom.input.value = '';
  clearSuggestions(w);
  if (state.article) closeArticle(w, false);
  addRow(w, 'me', text);
  rememberQuestion(state, text);
  save(w);
  if (state.handoff && state.handoff.local) {
    // Handed off without the engine: what follows goes to that ticket directly.
    sendTicket(localFollowUp(w, text), ticketEndpoint(w));
    addNote(w, t('added'));
    save(w);
    return dom.input.focus();
  }
  withEngine(w, () => {
    if (state.failed) {
      if (!state.handoff) addRow(w, 'bot', t('cantLookUp'));
      save(w);
      return;
    }
    answer(w, text);
  });
  dom.input.focus();
}

/** The engine's reply to `text`, once the postings shards it needs are in (none after
 *  a handoff: then it only joins the ticket); if one cannot be fetched, the question
 *  stays on screen with a Retry. */
function answer(w, text) {
  const { state } = w;
  const run = () => {
    clearActions(w);
    const reply = callEngine(w, () => state.engine.say(text, Date.now()));
    track('question', state.convo.id, { lang: visitorLang(w) });
    const confident = reply && (reply.handoff || reply.step || (reply.sure !== false && (reply.articles || []).length));
    // The question feeds the knowledge-gap report; card numbers never leave the browser.
    if (reply && !confident) track('unanswered', state.convo.id, { text: questionText(text), lang: visitorLang(w) });
    render(w, reply);
  };
  if (state.handoff) return run();
  withShards(w, text, run, () => offerRetry(w, () => answer(w, text)));
}

export function askForPerson(w) {
  const { state } = w;
  if (state.article) closeArticle(w, false);
  // Still loading (a slow network): the visitor need not wait to reach a person.
  if (!state.engine && !state.failed) return contactForm(w);
  withEngine(w, () => {
    if (state.handoff) return;
    if (state.failed || !state.engine) return contactForm(w);
    clearActions(w);
    const reply = callEngine(w, () => state.engine.requestHuman(Date.now()));
    if (reply) render(w, reply);
    else contactForm(w);
    focusAfterReply(w);
  });
}
