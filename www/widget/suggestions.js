// Suggestions as the visitor types: the engine's top articles for the text so far (the
// last, partial word counts), updated on the next animation frame.

import { h } from './dom.js';
import { icon } from './icons.js';
import { openArticle } from './articles.js';
import { track } from './analytics.js';
import { rememberQuestion } from './learning.js';
import { visitorLang } from './settings.js';
import { prefetchWhenTypingPauses } from './fragments.js';
import { loadShards } from './shards.js';

const MAX_SUGGESTIONS = 3;

export function clearSuggestions(w) {
  w.dom.suggest.replaceChildren();
  w.state.suggestKey = '';
}

/** Called on every input event: one update per frame, however fast the typing. */
export function scheduleSuggestions(w) {
  if (!w.state.suggestFrame) w.state.suggestFrame = requestAnimationFrame(() => updateSuggestions(w));
}

export function updateSuggestions(w) {
  const { state, dom } = w;
  state.suggestFrame = 0;
  const text = dom.input.value.trim();
  if (!state.engine || state.handoff || !text) return clearSuggestions(w);
  let list = [];
  try {
    const needed = state.engine.missingShards(text);
    // The list stays as it is until the shards this text needs are in.
    if (needed.length) return void loadShards(w, needed).then(() => scheduleSuggestions(w), () => {});
    list = (state.engine.suggest(text) || []).slice(0, MAX_SUGGESTIONS);
  } catch {
    list = [];
  }
  const key = list.map((s) => s.id).join('\n');
  if (key === state.suggestKey) return;
  state.suggestKey = key;
  // Counted once per distinct list, not again when typing brings the same list back.
  if (key && key !== state.suggestTracked) track('suggestions_shown', state.convo.id, { lang: visitorLang(w) });
  state.suggestTracked = key;
  prefetchWhenTypingPauses(w, list.map((s) => s.id));
  dom.suggest.replaceChildren(
    ...list.map((s) => h('button', { type: 'button', class: 'chip', onclick: () => {
      rememberQuestion(state, dom.input.value); // what was typed got this article
      openArticle(w, s.id, dom.input);
    } }, icon('doc'), s.title))
  );
}
