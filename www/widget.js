// Deflect widget: the chat panel. deflect.js imports this module on first open and
// hands it the launcher's shadow root; the engine (wasm + knowledge base) loads from here.
//
// Exports:
//   mount({root, host, launcher, config, manifest, base, queue}) -> {call(args)}
//   flushOutbox(config) -> Promise<number>   deliver tickets left over from earlier page views

const OUTBOX_KEY = 'deflect:outbox';
const CONV_KEY = 'deflect:conversation';
const CONV_MAX_IDLE_MS = 30 * 60 * 1000; // a conversation older than this starts afresh
const LOAD_TIMEOUT_MS = 20000;
const MAX_BACKOFF_MS = 60000;
const DEFAULT_COLOR = '#4f46e5';

/* ------------------------------------------------------------------ outbox --- */
// Tickets are written to localStorage before they are sent and removed once the
// endpoint accepts them. The ticket id is the conversation id, so resending is safe.

const pending = new Map(); // ticket id -> {ticket, endpoint}
const inflight = new Set();
const attempts = new Map();
const timers = new Map();
const watchers = new Set(); // fn(id, status) with status 'sent' | 'dropped' | 'offline' | 'retrying'
let onlineHooked = false;

function readBox() {
  try {
    const box = JSON.parse(localStorage.getItem(OUTBOX_KEY));
    return box && typeof box === 'object' && !Array.isArray(box) ? box : {};
  } catch {
    return {};
  }
}

function writeBox(box) {
  try {
    if (Object.keys(box).length) localStorage.setItem(OUTBOX_KEY, JSON.stringify(box));
    else localStorage.removeItem(OUTBOX_KEY);
  } catch {
    /* storage full or blocked: the in-memory copy still retries while the page is open */
  }
}

function notify(id, status) {
  for (const fn of watchers) {
    try {
      fn(id, status);
    } catch {
      /* a closed panel's watcher */
    }
  }
}

function hookOnline() {
  if (onlineHooked) return;
  onlineHooked = true;
  addEventListener('online', () => {
    for (const id of pending.keys()) {
      attempts.set(id, 0);
      send(id);
    }
  });
}

function finish(id, status) {
  pending.delete(id);
  attempts.delete(id);
  clearTimeout(timers.get(id));
  timers.delete(id);
  const box = readBox();
  delete box[id];
  writeBox(box);
  notify(id, status);
}

async function send(id) {
  const item = pending.get(id);
  if (!item || inflight.has(id)) return;
  clearTimeout(timers.get(id));
  timers.delete(id);
  inflight.add(id);
  let status = 0;
  let retryAfter = 0;
  try {
    const body = JSON.stringify(item.ticket);
    const res = await fetch(item.endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body,
      keepalive: body.length < 60000, // browsers cap keepalive bodies at 64 KiB
    });
    status = res.status;
    retryAfter = Number(res.headers.get('Retry-After')) || 0;
  } catch {
    status = 0; // offline, blocked, DNS, CORS…
  } finally {
    inflight.delete(id);
  }
  if (!pending.has(id)) return;
  if (status >= 200 && status < 300) {
    finish(id, 'sent');
  } else if (status >= 400 && status < 500 && status !== 429) {
    console.warn(`Deflect: ${item.endpoint} refused ticket ${id} with HTTP ${status}; it was not delivered and will not be retried.`);
    finish(id, 'dropped');
  } else {
    const n = attempts.get(id) || 0;
    attempts.set(id, n + 1);
    const wait = Math.min(MAX_BACKOFF_MS, Math.max(1000 * 2 ** n, retryAfter * 1000));
    timers.set(id, setTimeout(() => send(id), wait));
    notify(id, status === 0 && navigator.onLine === false ? 'offline' : 'retrying');
  }
}

function enqueue(ticket, endpoint) {
  hookOnline();
  const box = readBox();
  box[ticket.id] = ticket;
  writeBox(box); // persisted BEFORE the first attempt
  if (!pending.has(ticket.id)) pending.set(ticket.id, { ticket, endpoint });
  return send(ticket.id);
}

function endpointOf(config = {}) {
  return config.endpoint || (config.settings && config.settings.ticket_endpoint) || '/api/tickets';
}

/** Deliver tickets a previous page view could not send. Resolves with how many were found. */
export function flushOutbox(config = {}) {
  const box = readBox();
  const ids = Object.keys(box);
  const rounds = [];
  let dirty = false;
  for (const id of ids) {
    const ticket = box[id];
    if (!ticket || typeof ticket !== 'object' || ticket.id !== id) {
      delete box[id];
      dirty = true;
      continue;
    }
    hookOnline();
    if (!pending.has(id)) pending.set(id, { ticket, endpoint: endpointOf(config) });
    rounds.push(send(id));
  }
  if (dirty) writeBox(box);
  return Promise.all(rounds).then(() => rounds.length);
}

/* ----------------------------------------------------------------- helpers --- */

function h(tag, attrs, ...kids) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const kid of kids) if (kid != null) node.append(kid);
  return node;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
const ICONS = {
  close: 'M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6l5.6-5.6L5 6.4z',
  send: 'M3.4 20.4 21 12 3.4 3.6 3.4 10l12.6 2-12.6 2z',
  doc: 'M7 2h7l5 5v13a2 2 0 0 1-2 2H7a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2zm6 1.5V8h4.5zM8 12v1.6h8V12zm0 4v1.6h6V16z',
  flow: 'M6 3a3 3 0 0 1 1 5.8V11h6a3 3 0 0 0 3-3v-.2a3 3 0 1 1 2 0V8a5 5 0 0 1-5 5H7v2.2a3 3 0 1 1-2 0V8.8A3 3 0 0 1 6 3z',
  person: 'M12 12a4.5 4.5 0 1 0 0-9 4.5 4.5 0 0 0 0 9zm0 2c-4.4 0-8 2.2-8 5v2h16v-2c0-2.8-3.6-5-8-5z',
  back: 'M20 11H7.8l5.6-5.6L12 4l-8 8 8 8 1.4-1.4L7.8 13H20z',
  check: 'M9.5 16.2 5.3 12l-1.4 1.4 5.6 5.6 11-11-1.4-1.4z',
  alert: 'M12 2 1 21h22zm-1 7h2v6h-2zm0 8h2v2h-2z',
  external: 'M14 3h7v7h-2V6.4l-9.3 9.3-1.4-1.4L17.6 5H14zM5 5h6v2H5v12h12v-6h2v6a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V7a2 2 0 0 1 2-2z',
};

function icon(name) {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('class', 'i');
  const path = document.createElementNS(SVG_NS, 'path');
  path.setAttribute('d', ICONS[name]);
  svg.append(path);
  return svg;
}

/** Plain text with **bold** spans, built without innerHTML. */
function rich(text) {
  const frag = document.createDocumentFragment();
  String(text)
    .split(/(\*\*[^*]+\*\*)/)
    .forEach((part) => {
      if (!part) return;
      if (/^\*\*[^*]+\*\*$/.test(part)) frag.append(h('strong', { text: part.slice(2, -2) }));
      else frag.append(document.createTextNode(part));
    });
  return frag;
}

function inkFor(color) {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color || '');
  if (!m) return '#fff';
  const hex = m[1].length === 3 ? m[1].replace(/./g, '$&$&') : m[1];
  const n = parseInt(hex, 16);
  return ((n >> 16) * 299 + ((n >> 8) & 255) * 587 + (n & 255) * 114) / 1000 > 160 ? '#111' : '#fff';
}

function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16)); // http:// pages are not a secure context
  b[6] = (b[6] & 15) | 64;
  b[8] = (b[8] & 63) | 128;
  const x = [...b].map((v) => v.toString(16).padStart(2, '0')).join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

function pageInfo() {
  return {
    url: location.href,
    title: document.title,
    referrer: document.referrer,
    user_agent: navigator.userAgent,
    language: navigator.language || '',
  };
}

function str(v) {
  return v == null || v === '' ? null : String(v);
}

function withTimeout(promise, ms) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error('timed out')), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

const EMAIL_RE = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/* -------------------------------------------------------------------- CSS --- */

const STYLES = `
:host{--dfl-bg:#fff;--dfl-fg:#1d2130;--dfl-muted:#5b6275;--dfl-line:#e3e5ec;--dfl-soft:#f5f6f9;--dfl-bot:#f0f1f6;--dfl-err:#b42318;--dfl-ok:#067647;
  --dfl-accent:var(--dfl-accent-light,var(--dfl-brand,${DEFAULT_COLOR}));--dfl-shadow:0 20px 50px rgba(17,20,45,.22),0 4px 14px rgba(17,20,45,.1)}
@media (prefers-color-scheme:dark){:host{--dfl-bg:#16171c;--dfl-fg:#eceef3;--dfl-muted:#a2a8b8;--dfl-line:#2c2f3a;--dfl-soft:#1e2027;--dfl-bot:#23252e;--dfl-err:#ff8a80;--dfl-ok:#6ce9a6;
  --dfl-accent:var(--dfl-accent-dark,color-mix(in srgb,var(--dfl-brand,${DEFAULT_COLOR}) 55%,#fff));--dfl-shadow:0 20px 50px rgba(0,0,0,.55),0 4px 14px rgba(0,0,0,.35)}}
.panel,.panel *{box-sizing:border-box}
.panel{position:fixed;right:20px;bottom:20px;width:380px;height:560px;max-width:calc(100vw - 40px);max-height:calc(100vh - 40px);
  display:flex;flex-direction:column;overflow:hidden;overflow:clip;background:var(--dfl-bg);color:var(--dfl-fg);border:1px solid var(--dfl-line);border-radius:16px;
  box-shadow:var(--dfl-shadow);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;text-align:left;
  letter-spacing:normal;word-spacing:normal;text-transform:none;-webkit-font-smoothing:antialiased;animation:dfl-in .2s ease-out;transform-origin:bottom right;color-scheme:light dark}
.panel.left{right:auto;left:20px;transform-origin:bottom left}
.panel[hidden]{display:none}
@keyframes dfl-in{from{opacity:0;transform:translateY(10px) scale(.98)}}
@media (max-width:479px){.panel,.panel.left{inset:0;width:100%;height:100%;max-width:none;max-height:none;border:0;border-radius:0}}
button,input,select,textarea{font:inherit;color:inherit;letter-spacing:inherit}
button{cursor:pointer;margin:0}
button:disabled{cursor:default;opacity:.55}
:focus-visible{outline:2px solid var(--dfl-accent);outline-offset:2px}
.i{width:18px;height:18px;fill:currentColor;flex:none}
.sr{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
.head{display:flex;align-items:center;gap:12px;padding:14px 12px 14px 16px;background:var(--dfl-brand,${DEFAULT_COLOR});color:var(--dfl-ink,#fff);flex:none}
.avatar{width:36px;height:36px;border-radius:50%;display:grid;place-items:center;font-weight:700;font-size:16px;background:color-mix(in srgb,currentColor 18%,transparent);flex:none}
.who{flex:1;min-width:0}
.title{margin:0;font-size:16px;font-weight:650;line-height:1.25;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.sub{margin:2px 0 0;font-size:13px;opacity:.85;line-height:1.3}
.x{width:36px;height:36px;border:0;border-radius:10px;background:transparent;display:grid;place-items:center;color:inherit}
.x:hover{background:color-mix(in srgb,currentColor 16%,transparent)}
.x:focus-visible{outline-color:currentColor;outline-offset:-2px}
.x .i{width:22px;height:22px}
.body{position:relative;flex:1;min-height:0;display:flex;flex-direction:column;overflow:hidden;overflow:clip}
.log{position:relative;flex:1;overflow-y:auto;padding:16px 14px 8px;display:flex;flex-direction:column;gap:10px;overscroll-behavior:contain;scroll-behavior:smooth}
.log[hidden],.article[hidden]{display:none}
.row{position:relative;display:flex;flex-direction:column;align-items:flex-start;max-width:100%}
.row.me{align-items:flex-end}
.bubble{margin:0;padding:9px 13px;border-radius:16px 16px 16px 5px;background:var(--dfl-bot);max-width:86%;white-space:pre-wrap;overflow-wrap:anywhere}
.me .bubble{background:var(--dfl-brand,${DEFAULT_COLOR});color:var(--dfl-ink,#fff);border-radius:16px 16px 5px 16px}
.status{margin:0;color:var(--dfl-muted);font-size:14px;display:flex;align-items:center;gap:8px}
.spin{width:14px;height:14px;border-radius:50%;border:2px solid var(--dfl-line);border-top-color:var(--dfl-accent);animation:dfl-spin .8s linear infinite}
@keyframes dfl-spin{to{transform:rotate(360deg)}}
.acts{display:flex;flex-direction:column;align-items:stretch;gap:6px;width:86%}
.acts.choices{flex-direction:row;flex-wrap:wrap;width:auto;max-width:100%}
.chip{display:flex;align-items:center;gap:9px;width:100%;padding:9px 12px;border:1px solid color-mix(in srgb,var(--dfl-accent) 35%,var(--dfl-line));border-radius:12px;
  background:var(--dfl-bg);color:var(--dfl-fg);text-align:left;line-height:1.35;transition:background .12s,border-color .12s}
.chip .i{color:var(--dfl-accent)}
.chip:hover{background:color-mix(in srgb,var(--dfl-accent) 8%,var(--dfl-bg));border-color:var(--dfl-accent)}
.choices .chip{width:auto;border-radius:999px;padding:7px 14px;color:var(--dfl-accent);font-weight:550}
.past{list-style:none;margin:0;padding:0 0 0 2px;display:flex;flex-direction:column;gap:3px;color:var(--dfl-muted);font-size:14px;max-width:86%}
.past li{display:flex;gap:7px;align-items:flex-start;line-height:1.35}
.past .i{width:15px;height:15px;margin-top:1px;opacity:.7}
.note{display:flex;gap:10px;align-items:flex-start;margin:0;padding:11px 13px;border-radius:12px;background:color-mix(in srgb,var(--dfl-ok) 10%,var(--dfl-bg));border:1px solid color-mix(in srgb,var(--dfl-ok) 35%,var(--dfl-line));width:100%}
.note .i{color:var(--dfl-ok);margin-top:2px}
.note.warn{background:color-mix(in srgb,var(--dfl-err) 8%,var(--dfl-bg));border-color:color-mix(in srgb,var(--dfl-err) 35%,var(--dfl-line))}
.note.warn .i{color:var(--dfl-err)}
.note p{margin:0}
.card{width:100%;padding:12px;border:1px solid var(--dfl-line);border-radius:14px;background:var(--dfl-soft);display:flex;flex-direction:column;gap:10px}
.card h3{margin:0;font-size:15px;font-weight:650}
.field{display:flex;flex-direction:column;gap:4px}
.field label{font-size:14px;font-weight:550}
.req{color:var(--dfl-err);margin-left:2px}
.field input,.field select,.field textarea{width:100%;padding:8px 10px;border:1px solid var(--dfl-line);border-radius:9px;background:var(--dfl-bg);font-size:14px}
.field textarea{resize:vertical;min-height:70px}
.field input:focus-visible,.field select:focus-visible,.field textarea:focus-visible{outline:2px solid var(--dfl-accent);outline-offset:0;border-color:transparent}
.field [aria-invalid=true]{border-color:var(--dfl-err)}
.err{margin:0;color:var(--dfl-err);font-size:13px}
.err:empty{display:none}
.primary{align-self:flex-start;display:inline-flex;align-items:center;gap:8px;padding:8px 16px;border:0;border-radius:10px;background:var(--dfl-brand,${DEFAULT_COLOR});color:var(--dfl-ink,#fff);font-weight:600}
.primary:hover{filter:brightness(1.08)}
.ghost{padding:7px 14px;border:1px solid var(--dfl-line);border-radius:10px;background:var(--dfl-bg);font-weight:550}
.ghost:hover{border-color:var(--dfl-accent)}
.foot{flex:none;border-top:1px solid var(--dfl-line);padding:10px 12px 8px;display:flex;flex-direction:column;gap:8px;background:var(--dfl-bg)}
.compose{display:flex;gap:8px;margin:0}
.compose input{flex:1;min-width:0;padding:10px 13px;border:1px solid var(--dfl-line);border-radius:12px;background:var(--dfl-soft);font-size:15px}
.compose input::placeholder{color:var(--dfl-muted);opacity:1}
.compose input:focus-visible{outline:2px solid var(--dfl-accent);outline-offset:0;border-color:transparent;background:var(--dfl-bg)}
.send{width:42px;border:0;border-radius:12px;background:var(--dfl-brand,${DEFAULT_COLOR});color:var(--dfl-ink,#fff);display:grid;place-items:center;flex:none}
.send:hover{filter:brightness(1.08)}
.send .i{width:20px;height:20px}
.suggest{display:flex;flex-direction:column;gap:4px}
.suggest:empty{display:none}
.suggest .chip{padding:7px 10px;font-size:14px;border-color:var(--dfl-line)}
.meta{display:flex;align-items:center;justify-content:space-between;gap:8px;font-size:12px;color:var(--dfl-muted)}
.human{display:inline-flex;align-items:center;gap:6px;padding:4px 8px;margin-left:-8px;border:0;border-radius:8px;background:transparent;color:var(--dfl-accent);font-size:13px;font-weight:600}
.human:hover{background:color-mix(in srgb,var(--dfl-accent) 10%,transparent)}
.human .i{width:16px;height:16px}
.human[hidden]{display:none}
.brandline{margin-left:auto}
.article{flex:1;overflow-y:auto;padding:0 18px 18px;overscroll-behavior:contain}
.artbar{position:sticky;top:0;margin:0 -18px;padding:10px 12px;background:var(--dfl-bg);border-bottom:1px solid var(--dfl-line);display:flex}
.back{display:inline-flex;align-items:center;gap:6px;padding:5px 10px 5px 6px;border:0;border-radius:8px;background:transparent;color:var(--dfl-accent);font-weight:600}
.back:hover{background:color-mix(in srgb,var(--dfl-accent) 10%,transparent)}
.article h2{margin:16px 0 8px;font-size:19px;line-height:1.3;outline:none}
.prose{overflow-wrap:anywhere}
.prose p,.prose ul,.prose ol{margin:0 0 10px}
.prose ul,.prose ol{padding-left:22px}
.prose li{margin:4px 0}
.prose h1,.prose h2,.prose h3,.prose h4{font-size:16px;margin:14px 0 6px}
.prose a,.fulllink{color:var(--dfl-accent);text-underline-offset:2px}
.prose img{max-width:100%;height:auto}
.prose code{font-size:.9em;background:var(--dfl-soft);padding:1px 4px;border-radius:4px}
.prose pre{overflow:auto;background:var(--dfl-soft);padding:10px;border-radius:8px}
.prose table{border-collapse:collapse;max-width:100%;display:block;overflow:auto}
.prose td,.prose th{border:1px solid var(--dfl-line);padding:4px 8px}
.fulllink{display:inline-flex;align-items:center;gap:4px;font-size:14px}
.fulllink .i{width:14px;height:14px}
.helped{margin-top:18px;padding:12px 14px;border-radius:12px;background:var(--dfl-soft);display:flex;align-items:center;gap:8px;flex-wrap:wrap}
.helped p{margin:0 auto 0 0;font-weight:600}
@media (max-width:479px){.compose input,.field input,.field select,.field textarea{font-size:16px}}
@media (prefers-reduced-motion:reduce){.panel,.panel *{animation:none!important;transition:none!important;scroll-behavior:auto!important}}
@media (forced-colors:active){.panel{border:1px solid CanvasText}.chip,.send,.primary{border:1px solid ButtonText}}
`;

/* ------------------------------------------------------------------- mount --- */

export function mount({ root, host, launcher, config = {}, manifest = {}, base = location.href, queue = [] }) {
  const settings = { ...(manifest.settings || {}) };
  const customer = { email: str(config.email), name: str(config.name), tier: str(config.tier) };
  const listeners = { ready: [], escalated: [], deflected: [] };
  const url = (path) => new URL(path, base).href;

  let engine = null;
  let failed = false;
  let booted = false;
  let started = false;
  let loadTry = 0;
  let handoff = null; // {ticket_id, queue, reason, ...} once a person takes over
  let lastReply = null;
  let waiting = []; // things the visitor did while the engine was loading
  let article = null; // {id, opener}
  let form = null; // the checklist being filled in: {stepId, node, fields: Map}
  let offlineNote = null;
  let greetRow = null;
  let greetDefault = false;
  let convo = { id: uuid(), started: Date.now(), log: [] }; // log: [{from, text, at}]

  const brand = () => settings.brand_name || 'Support';
  const endpoint = () => config.endpoint || settings.ticket_endpoint || '/api/tickets';
  const lang = () => config.lang || settings.default_lang || 'en';

  /* ---- DOM ---- */
  const style = h('style', { text: STYLES });
  const title = h('h2', { class: 'title', text: brand() });
  const sub = h('p', { class: 'sub' });
  const avatar = h('span', { class: 'avatar', 'aria-hidden': 'true' });
  const closeBtn = h('button', { type: 'button', class: 'x', 'aria-label': 'Close support chat', onclick: () => close(true) }, icon('close'));
  const log = h('div', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': 'Conversation' });
  const artTitle = h('h2', { tabindex: '-1' });
  const artBody = h('div', { class: 'prose' });
  const artLink = h('p', {});
  const helped = h('div', { class: 'helped' });
  const artView = h(
    'div',
    { class: 'article', hidden: true },
    h('div', { class: 'artbar' }, h('button', { type: 'button', class: 'back', onclick: () => closeArticle() }, icon('back'), 'Back')),
    artTitle,
    artBody,
    artLink,
    helped
  );
  const input = h('input', {
    type: 'text',
    'aria-label': 'Type your question',
    placeholder: 'Type your question…',
    autocomplete: 'off',
    enterkeyhint: 'send',
    maxlength: '2000',
  });
  const sendBtn = h('button', { type: 'submit', class: 'send', 'aria-label': 'Send' }, icon('send'));
  const composer = h('form', { class: 'compose' }, input, sendBtn);
  const suggest = h('div', { class: 'suggest', role: 'group', 'aria-label': 'Suggested articles' });
  const humanBtn = h('button', { type: 'button', class: 'human' }, icon('person'), 'Talk to a person');
  const panel = h(
    'section',
    {
      class: `panel${config.position === 'left' ? ' left' : ''}`,
      role: 'dialog',
      'aria-label': 'Support chat',
      'aria-modal': 'false',
      id: 'deflect-panel',
      hidden: true,
    },
    h('header', { class: 'head' }, avatar, h('div', { class: 'who' }, title, sub), closeBtn),
    h('div', { class: 'body' }, log, artView),
    h('div', { class: 'foot' }, composer, suggest, h('div', { class: 'meta' }, humanBtn, h('span', { class: 'brandline', text: 'Powered by Deflect' })))
  );
  root.append(style, panel);
  launcher.setAttribute('aria-controls', 'deflect-panel');

  function applySettings() {
    const color = config.color && config.color !== DEFAULT_COLOR ? config.color : settings.brand_color || config.color || DEFAULT_COLOR;
    if (host && CSS_SUPPORTS(color)) {
      const light = inkFor(color) !== '#fff'; // a light brand colour needs a darker tone for text on white
      host.style.setProperty('--dfl-brand', color);
      host.style.setProperty('--dfl-ink', inkFor(color));
      host.style.setProperty('--dfl-accent-light', light ? `color-mix(in srgb, ${color} 45%, #000)` : color);
      host.style.setProperty('--dfl-accent-dark', light ? color : `color-mix(in srgb, ${color} 55%, #fff)`);
    }
    title.textContent = brand();
    for (const label of log.querySelectorAll('.row.bot > .sr')) label.textContent = `${brand()}: `;
    avatar.textContent = brand().trim().charAt(0).toUpperCase() || '?';
    sub.textContent = settings.response_time ? `A person replies ${settings.response_time}` : 'Answers right away';
    if (greetRow && greetDefault && !config.greeting && settings.greeting) {
      greetRow.querySelector('.bubble').replaceChildren(rich(settings.greeting));
      convo.log[0].text = settings.greeting;
      greetDefault = false;
    }
  }
  applySettings();

  /* ---- events ---- */
  function emit(name, data) {
    for (const fn of listeners[name] || []) {
      try {
        fn(data);
      } catch (e) {
        setTimeout(() => {
          throw e; // the host page's callback failed: surface it as its own error
        });
      }
    }
  }

  /* ---- conversation log ---- */
  // Everything appended during one task is one batch: if it is taller than the log, its
  // first line is scrolled to the top (so a long reply is read from its start), else to the bottom.
  let batchFirst = null;
  let scrollQueued = false;
  function scrollDown() {
    if (scrollQueued) return;
    scrollQueued = true;
    requestAnimationFrame(() => {
      scrollQueued = false;
      const first = batchFirst;
      batchFirst = null;
      let top = log.scrollHeight;
      if (first && first.isConnected && first.parentNode === log) {
        const start = first.offsetTop - 12;
        if (log.scrollHeight - start > log.clientHeight) top = start;
      }
      log.scrollTop = top;
    });
  }

  function put(node) {
    log.append(node);
    if (!batchFirst) batchFirst = node;
    scrollDown();
    return node;
  }

  function addRow(from, text, { record = true } = {}) {
    const row =
      from === 'me'
        ? h('div', { class: 'row me' }, h('span', { class: 'sr', text: 'You: ' }), h('p', { class: 'bubble', text }))
        : h('div', { class: 'row bot' }, h('span', { class: 'sr', text: `${brand()}: ` }), h('p', { class: 'bubble' }, rich(text)));
    put(row);
    if (record) convo.log.push({ from: from === 'me' ? 'customer' : 'bot', text, at: Date.now() });
    return row;
  }

  function addNote(text, { warn = false, record = true } = {}) {
    const node = h('div', { class: `note${warn ? ' warn' : ''}` }, icon(warn ? 'alert' : 'check'), h('p', { text }));
    put(node);
    if (record) convo.log.push({ from: warn ? 'warn' : 'note', text, at: Date.now() });
    return node;
  }

  function addActions(node) {
    node.classList.add('acts');
    return put(node);
  }

  /** Older replies stop being interactive, so only the current choices are on screen:
   *  flow choices and forms go away, offered articles and flows stay as a plain list. */
  function clearActions() {
    for (const node of log.querySelectorAll('.acts, .card')) {
      const titles = node.matches('.offers') ? [...node.querySelectorAll('button')].map((b) => b.textContent) : [];
      if (titles.length) node.replaceWith(pastList(node.dataset.kind, titles));
      else node.remove();
    }
    form = null;
  }

  function pastList(kind, titles) {
    return h('ul', { class: 'past' }, ...titles.map((t) => h('li', {}, icon(kind === 'flow' ? 'flow' : 'doc'), t)));
  }

  /** Offered articles / flows, remembered so a restored conversation can show them again. */
  function addOffers(kind, items, restoring) {
    if (!restoring && lastReply) {
      (lastReply.offerIdx = lastReply.offerIdx || []).push(convo.log.length);
      convo.log.push({ from: 'offers', kind, titles: items.map(([title]) => title), at: Date.now() });
    }
    addActions(
      h('div', { class: 'offers', 'data-kind': kind }, ...items.map(([title, onclick]) => h('button', { type: 'button', class: 'chip', onclick }, icon(kind), title)))
    );
  }

  function lastBotText() {
    for (let i = convo.log.length - 1; i >= 0; i--) if (convo.log[i].from === 'bot') return convo.log[i].text;
    return null;
  }

  function save() {
    try {
      let state = null;
      if (engine && started) state = engine.state();
      sessionStorage.setItem(
        CONV_KEY,
        JSON.stringify({ v: 1, at: Date.now(), id: convo.id, started: convo.started, log: convo.log, state, handoff, last: lastReply, failed })
      );
    } catch {
      /* storage blocked or a state that does not serialise: the conversation simply won't survive a reload */
    }
  }

  function loadSaved() {
    try {
      const saved = JSON.parse(sessionStorage.getItem(CONV_KEY));
      if (saved && saved.v === 1 && Date.now() - saved.at < CONV_MAX_IDLE_MS && Array.isArray(saved.log) && saved.log.length) return saved;
    } catch {
      /* nothing usable */
    }
    return null;
  }

  /* ---- engine ---- */
  function callEngine(fn) {
    try {
      return fn();
    } catch (e) {
      addNote("Sorry — something went wrong on my side. You can try again, or talk to a person.", { warn: true });
      return null;
    }
  }

  async function loadEngine() {
    const bust = loadTry ? `?retry=${loadTry}` : '';
    const index = fetch(url(manifest.index) + bust).then((res) => {
      if (!res.ok) throw new Error(`knowledge base: HTTP ${res.status}`);
      return res.arrayBuffer();
    });
    index.catch(() => {}); // reported through the await below
    const mod = await import(url(manifest.engine_js) + bust);
    await mod.default({ module_or_path: url(manifest.engine_wasm) + bust });
    return mod.Engine.open(new Uint8Array(await index));
  }

  function boot() {
    booted = true;
    const saved = loadSaved();
    if (saved) {
      convo = { id: saved.id, started: saved.started, log: [] };
      const live = new Set(!saved.handoff && saved.last && saved.last.offerIdx ? saved.last.offerIdx : []);
      saved.log.forEach((item, i) => {
        if (item.from === 'customer') addRow('me', item.text);
        else if (item.from === 'note' || item.from === 'warn') addNote(item.text, { warn: item.from === 'warn' });
        else if (item.from === 'offers') live.has(i) || put(pastList(item.kind, item.titles || []));
        else addRow('bot', item.text);
      });
      convo.log = saved.log;
      handoff = saved.handoff || null;
      if (handoff) afterHandoffUi();
    } else {
      greet();
    }
    startLoading(saved);
  }

  function greet() {
    const text = config.greeting || settings.greeting;
    greetDefault = !text;
    greetRow = addRow('bot', text || 'Hi! Ask me anything — I can point you to the right answer or get a person to help.');
  }

  function startLoading(saved) {
    failed = false;
    const status = h('p', { class: 'status' }, h('span', { class: 'spin', 'aria-hidden': 'true' }), 'Loading…');
    put(status);

    const runWaiting = () => {
      const todo = waiting;
      waiting = [];
      for (const job of todo) job();
    };

    let settled = false;
    const fail = () => {
      if (settled) return;
      settled = true;
      status.remove();
      engine = null;
      failed = true;
      loadTry++;
      addNote(
        navigator.onLine === false
          ? "You're offline, so I can't look up answers right now. You can still leave a message for a person."
          : "Sorry — the help assistant couldn't load. You can try again, or leave a message for a person.",
        { warn: true, record: false }
      );
      const retry = h('button', { type: 'button', class: 'chip' }, 'Try again');
      retry.addEventListener('click', () => {
        retry.closest('.acts').remove();
        startLoading(null);
        input.focus();
      });
      addActions(h('div', { class: 'choices' }, retry));
      runWaiting();
    };

    withTimeout(loadEngine(), LOAD_TIMEOUT_MS).then((eng) => {
      if (settled) return;
      engine = eng;
      try {
        Object.assign(settings, engine.settings() || {});
      } catch {
        /* keep the manifest's settings */
      }
      applySettings();
      let reply = null;
      if (saved && saved.state && !saved.failed) {
        try {
          engine.restore(saved.state);
          started = true;
          lastReply = saved.last || null;
        } catch {
          started = false; // a new knowledge base, or a state this engine can't read: start afresh
        }
      }
      if (!started) {
        if (saved) {
          // The saved conversation can't continue: start a new one (new id, so a new ticket).
          log.replaceChildren(status);
          convo = { id: uuid(), started: Date.now(), log: [] };
          handoff = null;
          lastReply = null;
          humanBtn.hidden = false;
          greet();
        }
        try {
          reply = engine.start({ id: convo.id, lang: lang(), customer: { ...customer }, page: pageInfo(), now: Date.now() });
        } catch {
          return fail();
        }
        started = true;
      }
      settled = true;
      status.remove();
      if (lastReply && !handoff) renderActions(lastReply, { restoring: true });
      emit('ready', { kb_version: safeKb(), conversation_id: convo.id });
      if (reply) render(reply, { skipGreeting: true });
      save();
      runWaiting();
      if (input.value.trim()) updateSuggest();
    }, fail);
  }

  /** Run now if the engine is up, later if it is still loading. */
  function withEngine(job) {
    if (engine || failed) job();
    else waiting.push(job);
  }

  /* ---- replies ---- */
  function render(reply, { skipGreeting = false } = {}) {
    if (!reply) return;
    lastReply = { ...reply, messages: [] };
    const errors = reply.errors || {};
    const hasErrors = Object.keys(errors).length > 0;
    for (const m of reply.messages || []) {
      if (skipGreeting && convo.log.length === 1 && m === convo.log[0].text) continue;
      if (reply.step && m === reply.step.prompt) continue; // shown with its links by showPrompt
      addRow('bot', m);
    }
    if (hasErrors && form && (!reply.step || reply.step.step_id === form.stepId)) {
      showErrors(errors);
    } else {
      renderActions(reply);
      if (hasErrors && form) showErrors(errors);
    }
    if (reply.solved) emit('deflected', { conversation_id: convo.id });
    if (reply.handoff) onHandoff(reply.handoff);
    save();
  }

  function renderActions(reply, { restoring = false } = {}) {
    clearActions();
    if (reply.step) {
      const s = reply.step;
      if (s.prompt && !restoring) showPrompt(s);
      if (s.checklist) renderChecklist(s);
      else if (s.choices && s.choices.length) {
        addActions(
          h(
            'div',
            { class: 'choices' },
            ...s.choices.map((label, i) => h('button', { type: 'button', class: 'chip', onclick: () => choose(i, label) }, label))
          )
        );
      }
    }
    const articles = (reply.articles || []).slice(0, 5);
    if (articles.length) {
      if (reply.sure === false && !restoring) addRow('bot', "I'm not sure, but these might help:");
      addOffers('doc', articles.map((a) => [a.title, (e) => openArticle(a.id, e.currentTarget)]), restoring);
    }
    const flows = reply.flows || [];
    if (flows.length && !reply.step) {
      addOffers('flow', flows.map((f) => [f.title, () => startFlow(f)]), restoring);
    }
  }

  /** A flow step's prompt: HTML rendered from the KB's Markdown and sanitised at build
   *  time (never customer text), so its links and emphasis survive. */
  function showPrompt(step) {
    if (lastBotText() === step.prompt) return;
    const row = addRow('bot', step.prompt);
    if (step.prompt_html) {
      const bubble = row.querySelector('.bubble');
      bubble.innerHTML = step.prompt_html;
      for (const a of bubble.querySelectorAll('a')) {
        a.target = '_blank';
        a.rel = 'noopener noreferrer';
      }
    }
  }

  function focusAfterReply() {
    const first = log.querySelector('.acts button, .card input, .card select');
    (first || input).focus({ preventScroll: true });
  }

  function choose(i, label) {
    clearActions();
    addRow('me', label);
    render(callEngine(() => engine.choose(i, Date.now())));
    focusAfterReply();
  }

  function startFlow(flow) {
    clearActions();
    addRow('me', flow.title);
    render(callEngine(() => engine.startFlow(flow.id, Date.now())));
    focusAfterReply();
  }

  /* ---- checklist ---- */
  let fieldSeq = 0;
  function renderChecklist(step) {
    const cl = step.checklist;
    const fields = new Map();
    const node = h('form', { class: 'card', novalidate: true, 'aria-label': cl.title || 'Details' });
    if (cl.title) node.append(h('h3', { text: cl.title }));
    for (const f of cl.fields || []) {
      const id = `dfl-f${++fieldSeq}`;
      const errId = `${id}-err`;
      let control;
      if (f.kind === 'choice') {
        control = h('select', { id, name: f.id }, h('option', { value: '', text: 'Choose…' }), ...(f.options || []).map((o) => h('option', { value: o, text: o })));
      } else {
        const type = f.kind === 'email' ? 'email' : f.kind === 'url' ? 'url' : 'text';
        control = h('input', { id, name: f.id, type, autocomplete: type === 'email' ? 'email' : 'off' });
        let value = '';
        if (f.prefill === 'browser') value = navigator.userAgent;
        else if (f.prefill === 'page') value = location.href;
        else if (type === 'email' && customer.email) value = customer.email;
        control.value = value;
      }
      if (f.required) control.setAttribute('aria-required', 'true');
      const err = h('p', { class: 'err', id: errId });
      node.append(
        h(
          'div',
          { class: 'field' },
          h('div', {}, h('label', { for: id, text: f.label }), f.required ? h('span', { class: 'req', 'aria-hidden': 'true', text: '*' }) : null),
          control,
          err
        )
      );
      fields.set(f.id, { control, err, errId });
    }
    node.append(h('button', { type: 'submit', class: 'primary' }, 'Send details'));
    node.addEventListener('submit', (e) => {
      e.preventDefault();
      const values = {};
      for (const [fid, { control }] of fields) values[fid] = control.value.trim();
      const reply = callEngine(() => engine.submitDetails(values, Date.now()));
      if (!reply) return;
      const errs = reply.errors || {};
      if (!Object.keys(errs).length) {
        clearActions();
        addRow('me', 'I sent the details.');
      }
      render(reply);
      if (!Object.keys(errs).length) focusAfterReply();
    });
    form = { stepId: step.step_id, node, fields };
    put(node);
  }

  function showErrors(errors) {
    let first = null;
    for (const [fid, { control, err, errId }] of form.fields) {
      const msg = errors[fid];
      err.textContent = msg || '';
      if (msg) {
        control.setAttribute('aria-invalid', 'true');
        control.setAttribute('aria-describedby', errId);
        first = first || control;
      } else {
        control.removeAttribute('aria-invalid');
        control.removeAttribute('aria-describedby');
      }
    }
    if (first) first.focus();
  }

  /* ---- articles ---- */
  let logScroll = 0;
  function openArticle(id, opener) {
    if (!engine) return;
    const a = callEngine(() => engine.openArticle(id, Date.now()));
    if (!a) return;
    article = { id, opener };
    artTitle.textContent = a.title;
    artBody.innerHTML = a.html || ''; // sanitised at build time
    for (const link of artBody.querySelectorAll('a[href]')) {
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
    }
    artLink.replaceChildren();
    if (a.url) {
      artLink.append(h('a', { class: 'fulllink', href: a.url, target: '_blank', rel: 'noopener noreferrer' }, 'Open this article in a new tab', icon('external')));
    }
    helped.replaceChildren(
      h('p', { text: 'Did this help?' }),
      h('button', { type: 'button', class: 'ghost', onclick: () => feedback(true) }, 'Yes'),
      h('button', { type: 'button', class: 'ghost', onclick: () => feedback(false) }, 'No')
    );
    logScroll = log.scrollTop;
    clearSuggest();
    log.hidden = true;
    artView.hidden = false;
    artView.scrollTop = 0;
    artTitle.focus();
    save();
  }

  function closeArticle(focus = true) {
    if (!article) return;
    const opener = article.opener;
    article = null;
    artView.hidden = true;
    log.hidden = false;
    log.scrollTop = logScroll;
    if (focus) (opener && opener.isConnected ? opener : input).focus();
  }

  function feedback(yes) {
    const id = article && article.id;
    closeArticle(false);
    if (!id) return;
    addRow('me', yes ? 'That helped.' : "That didn't help.");
    render(callEngine(() => engine.feedback(id, yes, Date.now())));
    focusAfterReply();
  }

  /* ---- suggestions ---- */
  let suggestFrame = 0;
  let suggestKey = '';
  function clearSuggest() {
    suggest.replaceChildren();
    suggestKey = '';
  }

  function updateSuggest() {
    suggestFrame = 0;
    const text = input.value.trim();
    if (!engine || handoff || text.length < 2) return clearSuggest();
    let list = [];
    try {
      list = (engine.suggest(text) || []).slice(0, 3);
    } catch {
      list = [];
    }
    const key = list.map((s) => s.id).join('\n');
    if (key === suggestKey) return;
    suggestKey = key;
    suggest.replaceChildren(
      ...list.map((s) => h('button', { type: 'button', class: 'chip', onclick: (e) => openArticle(s.id, input) }, icon('doc'), s.title))
    );
  }

  input.addEventListener('input', () => {
    if (!suggestFrame) suggestFrame = requestAnimationFrame(updateSuggest);
  });

  /* ---- sending ---- */
  composer.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return input.focus();
    input.value = '';
    clearSuggest();
    if (article) closeArticle(false);
    addRow('me', text);
    save();
    withEngine(() => {
      if (failed) {
        if (!handoff) addRow('bot', 'I can\'t look up answers right now. Press "Talk to a person" and we\'ll get back to you.');
        save();
        return;
      }
      clearActions();
      render(callEngine(() => engine.say(text, Date.now())));
    });
    input.focus();
  });

  humanBtn.addEventListener('click', () => {
    if (article) closeArticle(false);
    withEngine(() => {
      if (handoff) return;
      if (failed || !engine) return contactForm();
      clearActions();
      const reply = callEngine(() => engine.requestHuman(Date.now()));
      if (reply) render(reply);
      else contactForm();
      focusAfterReply();
    });
  });

  /* ---- handoff ---- */
  function afterHandoffUi() {
    humanBtn.hidden = true;
    clearSuggest();
  }

  function onHandoff(info) {
    if (handoff) return; // one ticket per conversation
    let ticket = null;
    try {
      ticket = engine && engine.ticket(Date.now());
    } catch {
      ticket = null;
    }
    if (!ticket) ticket = localTicket({ reason: info.reason, queue: info.queue, priority: info.priority });
    handoff = { ticket_id: ticket.id, queue: info.queue || ticket.queue, reason: info.reason || ticket.reason, priority: info.priority || ticket.priority };
    deliver(ticket, info.response_time);
    emit('escalated', { ticket_id: handoff.ticket_id, queue: handoff.queue, reason: handoff.reason });
  }

  function deliver(ticket, responseTime) {
    clearActions();
    afterHandoffUi();
    const when = responseTime || settings.response_time || 'soon';
    const who = settings.brand_name ? `a person from ${settings.brand_name}` : 'a person from our team';
    addNote(`Thanks — ${who} will reply ${when}. Your reference: ${ticket.id.slice(0, 8).toUpperCase()}.`);
    const id = ticket.id;
    const watcher = (tid, status) => {
      if (tid !== id) return;
      if (status === 'offline') showOffline(true);
      else if (status === 'sent') {
        showOffline(false);
        watchers.delete(watcher);
      } else if (status === 'dropped') {
        showOffline(false);
        watchers.delete(watcher);
        addNote(`Sorry — your request could not be sent. Please contact ${brand()} another way and quote this reference.`, { warn: true });
        save();
      }
    };
    watchers.add(watcher);
    if (navigator.onLine === false) showOffline(true);
    save();
    enqueue(ticket, endpoint());
  }

  function showOffline(on) {
    if (on && !offlineNote) {
      offlineNote = addNote("We'll send this as soon as you're back online.", { warn: true, record: false });
    } else if (!on && offlineNote) {
      offlineNote.remove();
      offlineNote = null;
    }
  }

  /** A schema-valid ticket built without the engine (it failed to load, or returned nothing). */
  function localTicket({ email = customer.email, message = '', reason, queue, priority } = {}) {
    const now = Date.now();
    const transcript = convo.log
      .filter((m) => m.from === 'bot' || m.from === 'customer')
      .map((m) => ({ at_ms: m.at || now, from: m.from, text: String(m.text) }));
    if (message) transcript.push({ at_ms: now, from: 'customer', text: message });
    if (!transcript.length) transcript.push({ at_ms: now, from: 'customer', text: 'The visitor asked for a person.' });
    return {
      schema_version: 1,
      id: convo.id,
      created_at_ms: now,
      conversation_started_at_ms: convo.started,
      kb_version: 'unavailable',
      customer: { email: str(email), name: customer.name, tier: customer.tier },
      page: pageInfo(),
      lang: lang(),
      transcript,
      articles_shown: [],
      flow_path: [],
      details: {},
      tags: [],
      queue: queue || settings.default_queue || 'Tier-1',
      priority: ['low', 'normal', 'high', 'urgent'].includes(priority) ? priority : 'normal',
      reason: reason || 'The help assistant could not load; the visitor asked for a person',
      needs_review: false,
      rules_fired: [],
    };
  }

  /** Offline / engine-less contact path: email + message, then a local ticket. */
  function contactForm() {
    if (handoff || log.querySelector('.card.contact')) return;
    clearActions();
    const emailId = `dfl-f${++fieldSeq}`;
    const msgId = `dfl-f${++fieldSeq}`;
    const asked = convo.log.some((m) => m.from === 'customer');
    const email = h('input', { id: emailId, type: 'email', autocomplete: 'email', 'aria-required': 'true' });
    email.value = customer.email || '';
    const msg = h('textarea', { id: msgId, rows: '3' });
    if (!asked) msg.setAttribute('aria-required', 'true');
    const emailErr = h('p', { class: 'err', id: `${emailId}-err` });
    const msgErr = h('p', { class: 'err', id: `${msgId}-err` });
    const node = h(
      'form',
      { class: 'card contact', novalidate: true, 'aria-label': 'Contact a person' },
      h('h3', { text: 'Leave a message for a person' }),
      h('div', { class: 'field' }, h('div', {}, h('label', { for: emailId, text: 'Your email' }), h('span', { class: 'req', 'aria-hidden': 'true', text: '*' })), email, emailErr),
      h(
        'div',
        { class: 'field' },
        h('div', {}, h('label', { for: msgId, text: asked ? 'Anything to add?' : 'How can we help?' }), asked ? null : h('span', { class: 'req', 'aria-hidden': 'true', text: '*' })),
        msg,
        msgErr
      ),
      h('button', { type: 'submit', class: 'primary' }, 'Send to a person')
    );
    const mark = (control, err, text) => {
      err.textContent = text;
      if (text) {
        control.setAttribute('aria-invalid', 'true');
        control.setAttribute('aria-describedby', err.id);
      } else {
        control.removeAttribute('aria-invalid');
        control.removeAttribute('aria-describedby');
      }
      return !text;
    };
    email.addEventListener('input', () => emailErr.textContent && mark(email, emailErr, ''));
    msg.addEventListener('input', () => msgErr.textContent && mark(msg, msgErr, ''));
    node.addEventListener('submit', (e) => {
      e.preventDefault();
      const okEmail = mark(email, emailErr, EMAIL_RE.test(email.value.trim()) ? '' : 'Please enter your email address so we can reply.');
      const okMsg = mark(msg, msgErr, asked || msg.value.trim() ? '' : 'Please tell us what you need help with.');
      if (!okEmail) return email.focus();
      if (!okMsg) return msg.focus();
      customer.email = email.value.trim();
      const ticket = localTicket({ email: customer.email, message: msg.value.trim() });
      node.remove();
      if (msg.value.trim()) addRow('me', msg.value.trim(), { record: false });
      handoff = { ticket_id: ticket.id, queue: ticket.queue, reason: ticket.reason };
      deliver(ticket, settings.response_time);
      emit('escalated', { ticket_id: ticket.id, queue: ticket.queue, reason: ticket.reason });
      input.focus();
    });
    put(node);
    email.value ? msg.focus() : email.focus();
  }

  /* ---- open / close ---- */
  function open() {
    if (!panel.hidden) return input.focus();
    panel.hidden = false;
    launcher.hidden = true;
    launcher.setAttribute('aria-expanded', 'true');
    if (!booted) boot();
    input.focus();
    batchFirst = null; // (re)opening shows the latest lines
    scrollDown();
  }

  function close(refocus) {
    if (panel.hidden) return;
    const hadFocus = refocus || panel.contains(root.activeElement);
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute('aria-expanded', 'false');
    if (hadFocus) launcher.focus();
  }

  panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !e.defaultPrevented) {
      e.stopPropagation();
      close(true);
    }
  });

  /* ---- public API (Deflect('…')) ---- */
  function call(args) {
    const [cmd, a, b] = args;
    switch (cmd) {
      case 'open':
        return open();
      case 'close':
        return close(false);
      case 'toggle':
        return panel.hidden ? open() : close(false);
      case 'identify':
        if (a && typeof a === 'object') {
          for (const k of ['email', 'name', 'tier']) if (k in a) customer[k] = str(a[k]);
          if (engine && started) {
            try {
              engine.identify({ ...customer });
            } catch {
              /* no conversation yet: start() passes the customer */
            }
          }
        }
        return;
      case 'on':
        if (listeners[a] && typeof b === 'function') {
          listeners[a].push(b);
          if (a === 'ready' && engine) queueMicrotask(() => b({ kb_version: safeKb(), conversation_id: convo.id }));
        }
        return;
      default:
        console.warn(`Deflect: unknown command ${JSON.stringify(cmd)}`);
    }
  }

  function safeKb() {
    try {
      return engine.kbVersion();
    } catch {
      return '';
    }
  }

  // Replay what the page asked for before this module arrived, in order.
  while (queue.length) call(queue.shift());
  flushOutbox({ endpoint: endpoint() });

  return { call, open, close: () => close(false) };
}

function CSS_SUPPORTS(color) {
  return typeof color === 'string' && globalThis.CSS && globalThis.CSS.supports('color', color);
}
