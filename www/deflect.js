/*! Deflect support chat loader. Embed: <script src="/deflect.js" data-endpoint="/api/tickets" async></script>
 * Renders only the launcher; the panel (widget.js) and the engine load when the visitor opens the chat. */
(function (w, d) {
  'use strict';
  var D = w.Deflect;
  if (D && D.l) return; // a second copy of the tag does nothing

  var s = d.currentScript || d.querySelector('script[src*="deflect"][data-endpoint],script[src$="deflect.js"]');
  var base = (s && s.src) || d.baseURI;
  var ds = (s && s.dataset) || {};
  var M = /*__DEFLECT_MANIFEST__*/null || {
    widget: 'widget.js', engine_js: 'engine/deflect.js', engine_wasm: 'engine/deflect_bg.wasm', index: 'kb.bin', settings: {}
  };
  var S = M.settings || (M.settings = {});
  var q = [].slice.call((D && D.q) || []);
  var color = ds.color || S.brand_color || '#4f46e5';
  if (!(w.CSS && CSS.supports('color', color))) color = '#4f46e5';
  var cfg = {
    endpoint: ds.endpoint || S.ticket_endpoint || null,
    tier: ds.tier || null, email: ds.email || null, name: ds.name || null,
    lang: ds.lang || null, greeting: ds.greeting || null, analytics: ds.analytics || null,
    position: ds.position == 'left' ? 'left' : 'right',
    color: color, ink: ink(color)
  };
  var es = /^es\b/i.test(ds.lang || d.documentElement.lang || S.default_lang || '');
  var host, root, btn, note, api, mod, opening;

  // White or near-black icon on the brand colour, whichever has more WCAG contrast
  // (only #rgb / #rrggbb are measured).
  function ink(c) {
    var m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(c), h, n, L = 0, i, v;
    if (!m) return '#fff';
    h = m[1].length == 3 ? m[1].replace(/./g, '$&$&') : m[1];
    n = parseInt(h, 16);
    for (i = 0; i < 3; i++) {
      v = (n >> 16 - 8 * i & 255) / 255;
      L += [.2126, .7152, .0722][i] * (v <= .04045 ? v / 12.92 : Math.pow((v + .055) / 1.055, 2.4));
    }
    return 1.05 / (L + .05) >= (L + .05) / .0556 ? '#fff' : '#111';
  }

  function widget() {
    return mod || (mod = import(new URL(M.widget, base).href).catch(function (e) { mod = null; throw e; }));
  }

  function whenBody(f) {
    if (d.body) f(); else d.addEventListener('DOMContentLoaded', f);
  }

  function render() {
    if (host) return;
    host = d.createElement('deflect-chat');
    host.style.setProperty('--dfl-brand', color);
    host.style.setProperty('--dfl-ink', cfg.ink);
    root = host.attachShadow({ mode: 'open' });
    root.innerHTML = '<style>' +
      ':host{all:initial!important;position:fixed!important;right:0!important;bottom:0!important;width:0!important;height:0!important;display:block!important;z-index:2147483000!important;visibility:visible!important;opacity:1!important}' +
      '.l{all:initial;box-sizing:border-box;position:fixed;bottom:calc(20px + env(safe-area-inset-bottom,0px));right:20px;width:56px;height:56px;border-radius:50%;background:var(--dfl-brand);color:var(--dfl-ink);display:flex;align-items:center;justify-content:center;cursor:pointer;box-shadow:0 6px 20px rgba(17,20,45,.24),0 2px 6px rgba(17,20,45,.16);transition:transform .15s ease,box-shadow .15s ease;-webkit-tap-highlight-color:transparent}' +
      '.l.left{right:auto;left:20px}.l:hover{transform:scale(1.06)}.l:active{transform:scale(.96)}' +
      '.l:focus-visible{outline:3px solid var(--dfl-brand);outline-offset:3px}.l[hidden]{display:none}' +
      '.l svg{width:28px;height:28px;fill:currentColor}.l[aria-busy=true] svg{animation:p .8s ease-in-out infinite alternate}' +
      '.e{all:initial;position:fixed;bottom:86px;right:20px;max-width:240px;padding:8px 12px;border-radius:8px;background:#1f2330;color:#fff;font:13px/1.4 system-ui,sans-serif}.e:empty{display:none}.l.left+.e{right:auto;left:20px}' +
      '@keyframes p{to{opacity:.45}}@media (prefers-reduced-motion:reduce){.l{transition:none}.l[aria-busy=true] svg{animation:none}}' +
      '</style><button class="l' + (cfg.position == 'left' ? ' left' : '') + '" type="button" aria-label="' + (es ? 'Abrir el chat de ayuda' : 'Open support chat') + '" aria-haspopup="dialog">' +
      '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M4 6.5A3.5 3.5 0 0 1 7.5 3h9A3.5 3.5 0 0 1 20 6.5v7a3.5 3.5 0 0 1-3.5 3.5H11l-4.4 3.6c-.6.5-1.6.1-1.6-.7V17A3.5 3.5 0 0 1 4 13.5z"/></svg>' +
      '</button><p class="e" role="status"></p>';
    btn = root.querySelector('button');
    note = root.querySelector('p');
    btn.onclick = function () { Deflect('open'); };
    // The visitor is about to open the chat: start downloading the widget and engine.
    btn.onpointerenter = btn.onfocus = btn.ontouchstart = function () {
      widget().then(function (m) { m.preload(M, base); }, function () {});
    };
    (d.body || d.documentElement).appendChild(host);
  }

  function open() {
    if (opening) return;
    opening = 1;
    whenBody(function () {
      render();
      btn.setAttribute('aria-busy', 'true');
      note.textContent = '';
      widget().then(function (m) {
        if (!api) api = m.mount({ root: root, host: host, launcher: btn, config: cfg, manifest: M, base: base, queue: q });
      }, function () {
        note.textContent = es ? 'El chat de ayuda no se pudo cargar. Revisa tu conexión e inténtalo de nuevo.' : 'Support chat could not load. Please check your connection and try again.';
      }).then(function () {
        opening = 0;
        btn.removeAttribute('aria-busy');
      });
    });
  }

  function Deflect() {
    var a = arguments;
    if (api) return api.call(a);
    q.push(a);
    if (a[0] == 'open') open();
  }
  Deflect.l = 1;
  Deflect.q = q;
  w.Deflect = Deflect;

  whenBody(render);
  for (var i = 0; i < q.length; i++) if (q[i][0] == 'open') { open(); break; }

  // Analytics events from an earlier page view are still waiting: send them when idle.
  try {
    if (cfg.analytics && localStorage.getItem('deflect:events')) {
      (w.requestIdleCallback || function (f) { setTimeout(f, 1500); })(function () {
        widget().then(function (m) { m.flushEvents(cfg); }, function () {});
      }, { timeout: 5000 });
    }
  } catch (e) { /* storage blocked */ }

  // A ticket from an earlier page view is still waiting: deliver it when the browser is idle.
  try {
    var box = JSON.parse(localStorage.getItem('deflect:outbox'));
    if (box && Object.keys(box).length) {
      (w.requestIdleCallback || function (f) { setTimeout(f, 1500); })(function () {
        widget().then(function (m) { m.flushOutbox(cfg); }, function () {});
      }, { timeout: 5000 });
    }
  } catch (e) { /* storage blocked: nothing was queued here */ }
})(window, document);
