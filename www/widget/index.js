// Deflect widget: the chat panel. deflect.js imports this module (bundled as widget.js)
// on first open and hands it the launcher's shadow root; the engine (wasm + knowledge
// base) loads from here.
//
// Exports:
//   mount({root, host, launcher, config, manifest, base, queue}) -> {call(args), open(), close()}
//   flushOutbox(config) -> number             deliver tickets left over from earlier page views
//   preload(manifest, base)                   start downloading the engine (launcher hover/focus)
//   flushEvents(config)                       deliver analytics events left over from earlier page views
//   uiLanguage(...candidates) -> 'en' | 'es'  the UI language for data-lang / <html lang> / the KB's default
//   maskCardNumbers(text) -> {text, count}    card numbers masked to their last four digits

import { buildView, PANEL_ID } from './view.js';
import { createState } from './state.js';
import { customerFrom } from './customer.js';
import { translator, uiLanguage } from './i18n.js';
import { applySettings } from './apply-settings.js';
import { call } from './api.js';
import { close, onPanelKey, followViewport } from './panel.js';
import { closeArticle } from './articles.js';
import { startNew } from './conversation.js';
import { sendQuestion, askForPerson } from './composer.js';
import { scheduleSuggestions } from './suggestions.js';
import { flushOutbox } from './outbox.js';
import { flushEvents } from './analytics.js';
import { ticketEndpoint } from './settings.js';

export { flushOutbox } from './outbox.js';
export { flushEvents } from './analytics.js';
export { preload } from './engine.js';
export { uiLanguage } from './i18n.js';
export { maskCardNumbers } from './redact.js';

/** Opens the widget in the loader's shadow root and replays the page's queued calls. */
export function mount({ root, host, launcher, config = {}, manifest = {}, base = location.href, queue = [] }) {
  const settings = { ...(manifest.settings || {}) };
  const lang = uiLanguage(config.lang, document.documentElement.lang, settings.default_lang);
  const t = translator(lang);
  const w = {
    root,
    host,
    launcher,
    config,
    manifest,
    base,
    t,
    dom: buildView({ t, lang, position: config.position }),
    state: createState({ settings, customer: customerFrom(config) }),
  };
  const { dom } = w;

  dom.newBtn.addEventListener('click', () => startNew(w));
  dom.closeBtn.addEventListener('click', () => close(w, true));
  dom.backBtn.addEventListener('click', () => closeArticle(w));
  dom.humanBtn.addEventListener('click', () => askForPerson(w));
  dom.input.addEventListener('input', () => scheduleSuggestions(w));
  dom.composer.addEventListener('submit', (e) => {
    e.preventDefault();
    sendQuestion(w);
  });
  dom.panel.addEventListener('keydown', (e) => onPanelKey(w, e));
  followViewport(w);

  root.append(dom.style, dom.panel);
  launcher.setAttribute('aria-controls', PANEL_ID);
  applySettings(w);
  flushEvents(config);

  // Replay what the page asked for before this module arrived, in order.
  while (queue.length) call(w, queue.shift());
  flushOutbox({ endpoint: ticketEndpoint(w) });

  return { call: (args) => call(w, args), open: () => call(w, ['open']), close: () => call(w, ['close']) };
}
