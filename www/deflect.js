// Deflect support chat loader. Embed: <script src="/deflect.js" data-endpoint="/api/tickets" async></script>
// Renders only the launcher; the panel (widget.js) and the engine load when the visitor
// shows intent or opens the chat. scripts/build-widget.mjs bundles this file into a
// classic script (an IIFE: the tag needs no type="module") with the widget modules it
// shares; `deflect site` replaces MANIFEST_TOKEN in the bundle with the manifest.

import { DEFAULT_COLOR, usableColor, paintBrand } from './widget/brand-color.js';
import { pickLanguage } from './widget/lang.js';
import { OUTBOX_KEY, EVENTS_KEY } from './widget/storage-keys.js';
import { openChat as enOpenChat, chatFailed as enChatFailed } from './widget/strings/en.json';
import { openChat as esOpenChat, chatFailed as esChatFailed } from './widget/strings/es.json';

// Only these two strings, not the widget's whole catalogue: the loader is on every page
// view. (Named imports from JSON are esbuild's; this file only ever runs bundled.)
const LAUNCHER_STRINGS = {
  en: { openChat: enOpenChat, chatFailed: enChatFailed },
  es: { openChat: esOpenChat, chatFailed: esChatFailed },
};

// A property read minifiers leave alone, so the placeholder survives bundling; replaced
// by a JSON object literal, and `undefined` (the defaults) where it was not.
const manifest = self.__DEFLECT_MANIFEST__ || {
  widget: 'widget.js', engine_js: 'engine/deflect.js', engine_wasm: 'engine/deflect_bg.wasm', index: 'kb.bin', settings: {},
};

const LAUNCHER_CSS =
  ':host{all:initial!important;position:fixed!important;right:0!important;bottom:0!important;width:0!important;height:0!important;display:block!important;z-index:2147483000!important;visibility:visible!important;opacity:1!important}' +
  '.l{all:initial;box-sizing:border-box;position:fixed;bottom:calc(20px + env(safe-area-inset-bottom,0px));right:20px;width:56px;height:56px;border-radius:50%;background:var(--dfl-brand);color:var(--dfl-ink);display:flex;align-items:center;justify-content:center;cursor:pointer;box-shadow:0 6px 20px rgba(17,20,45,.24),0 2px 6px rgba(17,20,45,.16);transition:transform .15s ease,box-shadow .15s ease;-webkit-tap-highlight-color:transparent}' +
  '.l.left{right:auto;left:20px}.l:hover{transform:scale(1.06)}.l:active{transform:scale(.96)}' +
  '.l:focus-visible{outline:3px solid var(--dfl-brand);outline-offset:3px}.l[hidden]{display:none}' +
  '.l svg{width:28px;height:28px;fill:currentColor}.l[aria-busy=true] svg{animation:p .8s ease-in-out infinite alternate}' +
  '.e{all:initial;position:fixed;bottom:86px;right:20px;max-width:240px;padding:8px 12px;border-radius:8px;background:#1f2330;color:#fff;font:13px/1.4 system-ui,sans-serif}.e:empty{display:none}.l.left+.e{right:auto;left:20px}' +
  '@keyframes p{to{opacity:.45}}@media (prefers-reduced-motion:reduce){.l{transition:none}.l[aria-busy=true] svg{animation:none}}';
const CHAT_ICON = '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M4 6.5A3.5 3.5 0 0 1 7.5 3h9A3.5 3.5 0 0 1 20 6.5v7a3.5 3.5 0 0 1-3.5 3.5H11l-4.4 3.6c-.6.5-1.6.1-1.6-.7V17A3.5 3.5 0 0 1 4 13.5z"/></svg>';

const existing = window.Deflect;
if (!(existing && existing.l)) start(existing); // a second copy of the tag does nothing

function start(stub) {
  const script = document.currentScript || document.querySelector('script[src*="deflect"][data-endpoint],script[src$="deflect.js"]');
  const base = (script && script.src) || document.baseURI;
  const data = (script && script.dataset) || {};
  const settings = manifest.settings || (manifest.settings = {});
  const queue = [].slice.call((stub && stub.q) || []);
  const config = {
    endpoint: data.endpoint || settings.ticket_endpoint || null,
    tier: data.tier || null, email: data.email || null, name: data.name || null, signature: data.signature || null,
    lang: data.lang || null, greeting: data.greeting || null, analytics: data.analytics || null,
    position: data.position == 'left' ? 'left' : 'right',
    color: usableColor(data.color || settings.brand_color || DEFAULT_COLOR) || DEFAULT_COLOR,
  };
  const text = LAUNCHER_STRINGS[pickLanguage(Object.keys(LAUNCHER_STRINGS), data.lang, document.documentElement.lang, settings.default_lang)];
  let host, root, button, note, api, widgetModule, opening;

  function widget() {
    return widgetModule || (widgetModule = import(new URL(manifest.widget, base).href).catch((e) => {
      widgetModule = null;
      throw e;
    }));
  }

  // The engine's three downloads, started by the loader itself as soon as the visitor
  // shows intent, beside the widget's rather than after it: on a slow network waiting
  // for widget.js first costs a round trip and its bytes. The widget's own requests
  // for the same URLs are then served from these (`preload` links match `fetch`
  // requests in cors mode, which is what crossorigin="anonymous" asks for).
  let hinted;
  function preloadEngine() {
    if (hinted) return;
    hinted = 1;
    const hint = (rel, path, as) => {
      const link = document.createElement('link');
      link.rel = rel;
      link.href = new URL(path, base).href;
      if (as) {
        link.as = as;
        link.crossOrigin = 'anonymous';
      }
      (document.head || document.documentElement).appendChild(link);
    };
    hint('modulepreload', manifest.engine_js);
    hint('preload', manifest.engine_wasm, 'fetch');
    hint('preload', manifest.index, 'fetch');
  }

  function whenBody(f) {
    if (document.body) f();
    else document.addEventListener('DOMContentLoaded', f);
  }

  function render() {
    if (host) return;
    host = document.createElement('deflect-chat');
    paintBrand(host, config.color);
    root = host.attachShadow({ mode: 'open' });
    root.innerHTML = `<style>${LAUNCHER_CSS}</style><button class="l${config.position == 'left' ? ' left' : ''}" type="button" aria-label="${text.openChat}" aria-haspopup="dialog">${CHAT_ICON}</button><p class="e" role="status"></p>`;
    button = root.querySelector('button');
    note = root.querySelector('p');
    button.onclick = () => Deflect('open');
    // The visitor is about to open the chat: start downloading the widget and engine.
    button.onpointerenter = button.onfocus = button.ontouchstart = () => {
      preloadEngine();
      widget().then((m) => m.preload(manifest, base), () => {});
    };
    (document.body || document.documentElement).appendChild(host);
  }

  function open() {
    if (opening) return;
    opening = 1;
    whenBody(() => {
      render();
      button.setAttribute('aria-busy', 'true');
      note.textContent = '';
      preloadEngine();
      widget().then((m) => {
        if (!api) api = m.mount({ root, host, launcher: button, config, manifest, base, queue });
      }, () => {
        note.textContent = text.chatFailed;
      }).then(() => {
        opening = 0;
        button.removeAttribute('aria-busy');
      });
    });
  }

  function Deflect() {
    const args = arguments;
    if (api) return api.call(args);
    queue.push(args);
    if (args[0] == 'open') open();
  }
  Deflect.l = 1;
  Deflect.q = queue;
  window.Deflect = Deflect;

  whenBody(render);
  if (queue.some((args) => args[0] == 'open')) open();

  // What an earlier page view could not deliver (tickets, analytics events): send it
  // when the browser is idle.
  const whenIdle = (f) => (window.requestIdleCallback ? requestIdleCallback(f, { timeout: 5000 }) : setTimeout(f, 1500));
  const waiting = (key) => {
    try {
      return Object.keys(JSON.parse(localStorage.getItem(key)) || {}).length > 0;
    } catch {
      return false; // storage blocked: nothing was queued here
    }
  };
  if (config.analytics && waiting(EVENTS_KEY)) whenIdle(() => widget().then((m) => m.flushEvents(config), () => {}));
  if (waiting(OUTBOX_KEY)) whenIdle(() => widget().then((m) => m.flushOutbox(config), () => {}));
}
