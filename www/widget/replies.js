// The engine's replies on screen: its messages, a flow step's prompt, choices and
// Back / Start over, offered articles and flows, what a handoff asks; and what each
// reply sets off (a deflection, a handoff, a follow-up to send).

import { h, linksInNewTab } from './dom.js';
import { addRow, addNote, addActions, addOffers, clearActions, lastBotText } from './log.js';
import { renderChecklist, showErrors } from './forms.js';
import { openArticle } from './articles.js';
import { prefetchArticles } from './fragments.js';
import { onHandoff } from './handoff.js';
import { renderAsking } from './asking.js';
import { emit } from './api.js';
import { save } from './conversation.js';
import { track } from './analytics.js';
import { sendTicket } from './outbox.js';
import { localized, ticketEndpoint, visitorLang } from './settings.js';

const MAX_ARTICLES = 5;

/** `ask()`'s reply, or null after telling the visitor something went wrong. */
export function callEngine(w, ask) {
  try {
    return ask();
  } catch {
    addNote(w, w.t('broken'), { warn: true });
    return null;
  }
}

/** Shows `reply` (nothing for null). `skipGreeting`: the greeting is already on screen
 *  (the page's data-greeting may have replaced the KB's). */
export function render(w, reply, { skipGreeting = false } = {}) {
  if (!reply) return;
  const { state } = w;
  if (state.inFlow && !reply.step) track('flow_finished', state.convo.id, { lang: visitorLang(w) });
  state.inFlow = Boolean(reply.step);
  state.lastReply = { ...reply, messages: [] };
  const errors = reply.errors || {};
  const hasErrors = Object.keys(errors).length > 0;
  for (const m of reply.messages || []) {
    if (skipGreeting && (m === state.convo.log[0]?.text || m === localized(w, 'greeting'))) continue;
    if (reply.step && m === reply.step.prompt) continue; // shown with its links by showPrompt
    addRow(w, 'bot', m);
  }
  if (hasErrors && state.form && (!reply.step || reply.step.step_id === state.form.stepId)) {
    showErrors(w, errors); // the same checklist again: keep what the visitor typed
  } else {
    renderActions(w, reply);
    if (hasErrors && state.form) showErrors(w, errors);
  }
  if (reply.solved) emit(w, 'deflected', { conversation_id: state.convo.id });
  if (reply.handoff) onHandoff(w, reply.handoff);
  if (reply.follow_up) sendTicket(reply.follow_up, ticketEndpoint(w));
  save(w);
}

/** The reply's controls; `restoring`: after navigation, without repeating its text. */
export function renderActions(w, reply, { restoring = false } = {}) {
  const { t } = w;
  clearActions(w);
  const step = reply.step;
  if (step) {
    if (step.prompt && !restoring) showPrompt(w, step);
    if (step.checklist) renderChecklist(w, step);
    else if (step.choices && step.choices.length) {
      const choices = step.choices.map((label, i) => chip(label, () => answerWith(w, label, (engine) => engine.choose(i, Date.now()))));
      addActions(w, h('div', { class: 'choices' }, ...choices));
    }
    if (step.can_go_back) {
      // The engine keeps earlier answers for the ticket.
      const back = ghost(t('back'), () => answerWith(w, t('back'), (engine) => engine.back(Date.now())));
      const over = ghost(t('startOver'), () => answerWith(w, t('startOver'), (engine) => engine.startOver(Date.now())));
      addActions(w, h('div', { class: 'choices' }, back, over));
    }
  }
  const articles = (reply.articles || []).slice(0, MAX_ARTICLES);
  if (articles.length) {
    if (reply.sure === false && !restoring) addRow(w, 'bot', t('notSure'));
    if (!restoring) prefetchArticles(w, articles.map((a) => a.id));
    addOffers(w, 'doc', articles.map((a) => [a.title, (e) => openArticle(w, a.id, e.currentTarget)]), restoring);
  }
  const flows = reply.flows || [];
  if (flows.length && !step) {
    addOffers(w, 'flow', flows.map((f) => [f.title, () => answerWith(w, f.title, (engine) => engine.startFlow(f.id, Date.now()))]), restoring);
  }
  if (reply.asking) renderAsking(w, reply.asking);
}

const chip = (label, onclick) => h('button', { type: 'button', class: 'chip', onclick }, label);
const ghost = (label, onclick) => h('button', { type: 'button', class: 'ghost', onclick }, label);

/** The visitor picked `label`: it goes in the log as theirs, then the engine answers. */
function answerWith(w, label, ask) {
  clearActions(w);
  addRow(w, 'me', label);
  render(w, callEngine(w, () => ask(w.state.engine)));
  focusAfterReply(w);
}

/** A flow step's prompt: HTML rendered from the KB's Markdown and sanitised at build
 *  time (never customer text), so its links and emphasis survive. */
function showPrompt(w, step) {
  if (lastBotText(w) === step.prompt) return;
  const row = addRow(w, 'bot', step.prompt);
  if (step.prompt_html) {
    const bubble = row.querySelector('.bubble');
    bubble.innerHTML = step.prompt_html;
    linksInNewTab(bubble);
  }
}

/** Focus on the reply's first control, else back in the input. */
export function focusAfterReply(w) {
  const first = w.dom.log.querySelector('.acts button, .card input, .card select');
  (first || w.dom.input).focus({ preventScroll: true });
}
