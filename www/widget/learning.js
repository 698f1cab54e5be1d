// What analytics carry for learning from traffic (`deflect learn`): a "Yes, it helped"
// carries the question the visitor asked before the article, masked as tickets are
// (card numbers to their last four digits; the inbox masks again), so the creator can
// accept it as an example question of that article. Like every event, nothing is
// recorded without the tag's data-analytics attribute (`track` is a no-op then).

import { track } from './analytics.js';
import { maskCardNumbers } from './redact.js';

/** The most characters of a question an event carries (the inbox keeps as many). */
export const QUESTION_TEXT_MAX = 300;

/** The visitor's text as an event may carry it: masked, then cut. */
export function questionText(text) {
  return Array.from(maskCardNumbers(String(text).trim()).text).slice(0, QUESTION_TEXT_MAX).join('');
}

/** Remembers, for this conversation only and in memory only, the question the next
 *  article opened answers. */
export function rememberQuestion(state, text) {
  state.convo.question = String(text || '').trim();
}

/** Counts the visitor's "Did this help?" for article `id`; a Yes carries the question. */
export function trackFeedback(state, id, helped, lang) {
  const extra = { article: id, lang };
  if (helped && state.convo.question) extra.text = questionText(state.convo.question);
  track(helped ? 'helped' : 'not_helped', state.convo.id, extra);
}
