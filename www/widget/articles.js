// Articles open inside the chat (HTML rendered from the KB's Markdown and sanitised at
// build time, fetched as the article's fragment), with "Did this help?": the answer
// goes to the engine, which marks the conversation deflected or offers something else.

import { h, linksInNewTab } from './dom.js';
import { icon } from './icons.js';
import { addRow } from './log.js';
import { render, callEngine, focusAfterReply } from './replies.js';
import { clearSuggestions } from './suggestions.js';
import { save } from './conversation.js';
import { track } from './analytics.js';
import { trackFeedback } from './learning.js';
import { visitorLang } from './settings.js';
import { articleBody } from './fragments.js';

/** Shows article `id` in place of the log; focus returns to `opener` when it closes. */
export function openArticle(w, id, opener) {
  const { state, dom, t } = w;
  if (!state.engine) return;
  const article = callEngine(w, () => state.engine.openArticle(id, Date.now()));
  if (!article) return;
  state.article = { id, opener };
  track('article_opened', state.convo.id, { article: id, lang: visitorLang(w) });
  dom.artTitle.textContent = article.title;
  showBody(w, article.fragment, opener);
  dom.artLink.replaceChildren();
  if (article.url) {
    dom.artLink.append(h('a', { class: 'fulllink', href: article.url, target: '_blank', rel: 'noopener noreferrer' }, t('newTab'), icon('external')));
  }
  dom.helped.replaceChildren(
    h('p', { text: t('didHelp') }),
    h('button', { type: 'button', class: 'ghost', onclick: () => feedback(w, true) }, t('yes')),
    h('button', { type: 'button', class: 'ghost', onclick: () => feedback(w, false) }, t('no'))
  );
  state.logScroll = dom.log.scrollTop;
  clearSuggestions(w);
  dom.log.hidden = true;
  dom.artView.hidden = false;
  dom.artView.scrollTop = 0;
  dom.artTitle.focus();
  save(w);
}

/** Fills the article view with the body once it is here; if it cannot be fetched, says
 *  so with a "Try again" that fetches it again (the conversation is untouched). */
function showBody(w, fragment, opener) {
  const { state, dom, t } = w;
  const shown = state.article;
  dom.artBody.replaceChildren(h('p', { class: 'status', text: t('articleLoading') }));
  dom.artBody.setAttribute('aria-busy', 'true');
  const current = () => state.article === shown;
  articleBody(w, fragment).then((html) => {
    if (!current()) return;
    dom.artBody.innerHTML = html; // sanitised at build time
    linksInNewTab(dom.artBody);
    linksToArticles(w, dom.artBody, opener);
  }, () => {
    if (!current()) return;
    const again = () => {
      dom.artTitle.focus(); // the button goes away with the message
      showBody(w, fragment, opener);
    };
    const retry = h('button', { type: 'button', class: 'chip', onclick: again }, t('retry'));
    dom.artBody.replaceChildren(h('p', { role: 'alert', text: t('articleFailed') }), retry);
  }).finally(() => {
    if (current()) dom.artBody.removeAttribute('aria-busy');
  });
}

/** Links to other articles (`#article=<id>`, as `deflect import` writes them) open
 *  them here in the chat rather than the page in a new tab. */
function linksToArticles(w, container, opener) {
  for (const a of container.querySelectorAll('a[href^="#article="]')) {
    a.removeAttribute('target');
    a.removeAttribute('rel');
    a.addEventListener('click', (event) => {
      event.preventDefault();
      openArticle(w, a.getAttribute('href').slice('#article='.length), opener);
    });
  }
}

/** Back to the log where it was; `focus` returns focus to what opened the article. */
export function closeArticle(w, focus = true) {
  const { state, dom } = w;
  if (!state.article) return;
  const { opener } = state.article;
  state.article = null;
  dom.artView.hidden = true;
  dom.log.hidden = false;
  dom.log.scrollTop = state.logScroll;
  if (focus) (opener && opener.isConnected ? opener : dom.input).focus();
}

function feedback(w, helped) {
  const { state, t } = w;
  const id = state.article && state.article.id;
  closeArticle(w, false);
  if (!id) return;
  addRow(w, 'me', helped ? t('helped') : t('notHelped'));
  trackFeedback(state, id, helped, visitorLang(w));
  render(w, callEngine(w, () => state.engine.feedback(id, helped, Date.now())));
  focusAfterReply(w);
}
