// Deflect widget: the chat panel. deflect.js imports this module on first open and
// hands it the launcher's shadow root; the engine (wasm + knowledge base) loads from here.
//
// Exports:
//   mount({root, host, launcher, config, manifest, base, queue}) -> {call(args)}
//   flushOutbox(config) -> Promise<number>   deliver tickets left over from earlier page views
//   preload(manifest, base)                   start downloading the engine (launcher hover/focus)
//   flushEvents(config)                       deliver analytics events left over from earlier page views
//   uiLanguage(...candidates) -> 'en' | 'es'  the UI language for data-lang / <html lang> / the KB's default
//   maskCardNumbers(text) -> {text, count}   card numbers masked to their last four digits

const OUTBOX_KEY = 'deflect:outbox';
const CONV_KEY = 'deflect:conversation';
const CONV_MAX_IDLE_MS = 30 * 60 * 1000; // a conversation older than this starts afresh
const LOAD_TIMEOUT_MS = 20000;
const MAX_BACKOFF_MS = 60000;
const SEND_TIMEOUT_MS = 15000; // a hung endpoint counts as a failed attempt and is retried
const DEFAULT_COLOR = '#4f46e5';

/* ------------------------------------------------------------------ outbox --- */
// Tickets are written to localStorage before they are sent and removed once the
// endpoint accepts them. The ticket id is the conversation id, so resending is safe.
// Follow-ups (what the visitor writes after the handoff) wait in the same outbox until
// their ticket is accepted, then go to <endpoint>/<ticket id>/messages.

const pending = new Map(); // ticket or follow-up id -> {ticket, endpoint}
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
  // The ticket's follow-ups were waiting for it; a dropped ticket takes them along.
  for (const [other, item] of [...pending]) {
    if (item.ticket.ticket_id !== id) continue;
    if (status === 'sent') send(other);
    else if (status === 'dropped') finish(other, 'dropped');
  }
}

/** Where an outbox item goes: a ticket to the endpoint, a follow-up to its ticket's messages. */
function targetOf(item) {
  const { ticket, endpoint } = item;
  if (!ticket.ticket_id) return endpoint;
  return `${endpoint.replace(/\/+$/, '')}/${encodeURIComponent(ticket.ticket_id)}/messages`;
}

async function send(id) {
  const item = pending.get(id);
  if (!item || inflight.has(id)) return;
  if (item.ticket.ticket_id && pending.has(item.ticket.ticket_id)) return; // sent when its ticket is
  clearTimeout(timers.get(id));
  timers.delete(id);
  inflight.add(id);
  let status = 0;
  let retryAfter = 0;
  const abort = new AbortController();
  const timeout = setTimeout(() => abort.abort(), SEND_TIMEOUT_MS);
  try {
    const body = JSON.stringify(item.ticket);
    const res = await fetch(targetOf(item), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body,
      keepalive: body.length < 60000, // browsers cap keepalive bodies at 64 KiB
      signal: abort.signal,
    });
    status = res.status;
    retryAfter = Number(res.headers.get('Retry-After')) || 0;
  } catch {
    status = 0; // offline, timed out, blocked, DNS, CORS…
  } finally {
    clearTimeout(timeout);
    inflight.delete(id);
  }
  if (!pending.has(id)) return;
  if (status >= 200 && status < 300) {
    finish(id, 'sent');
  } else if (status >= 400 && status < 500 && status !== 429) {
    console.warn(`Deflect: ${targetOf(item)} refused ${id} with HTTP ${status}; it was not delivered and will not be retried.`);
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

/** Masks payment card numbers (13–19 digits, optionally grouped by single spaces or
 *  dashes, passing the Luhn check) to their last four digits, like the engine does for
 *  everything it records; used for tickets built without the engine. */
export function maskCardNumbers(text) {
  let count = 0;
  const masked = String(text).replace(/(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)/g, (run) => {
    const digits = run.replace(/\D/g, '');
    let sum = 0;
    for (let i = 0; i < digits.length; i++) {
      let d = Number(digits[digits.length - 1 - i]);
      if (i % 2) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
    }
    if (sum % 10) return run;
    count++;
    let seen = 0;
    return run.replace(/\d/g, (d) => (++seen > digits.length - 4 ? d : '*'));
  });
  return { text: masked, count };
}

function endpointOf(config = {}) {
  return config.endpoint || (config.settings && config.settings.ticket_endpoint) || '/api/tickets';
}

/** Deliver tickets a previous page view could not send. Resolves with how many were found. */
export function flushOutbox(config = {}) {
  const box = readBox();
  const ids = Object.keys(box);
  const found = [];
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
    found.push(id);
  }
  if (dirty) writeBox(box);
  // All queued first, so a follow-up sees that its ticket is still on its way.
  const rounds = found.map((id) => send(id));
  return Promise.all(rounds).then(() => rounds.length);
}

/* ----------------------------------------------------------------- strings --- */
// The UI in the knowledge base's languages, chosen from data-lang, then the page's
// lang, then the KB's default language; English when there is no translation.

const STRINGS = {
  en: {
    dialog: 'Support chat',
    close: 'Close support chat',
    conversation: 'Conversation',
    back: 'Back',
    startOver: 'Start over',
    input: 'Type your question',
    placeholder: 'Type your question…',
    send: 'Send',
    suggested: 'Suggested articles',
    human: 'Talk to a person',
    newChat: 'Start a new conversation',
    replies: (when) => `A person replies ${when}`,
    delivered: (brand, when, ref) => `Thanks — a person from ${brand || 'our team'} will reply ${when}. Your reference: ${ref}.`,
    soon: 'soon',
    added: 'Added to your request; a person will see it.',
    dropped: (brand) => `Sorry — your request could not be sent. Please contact ${brand} another way and quote this reference.`,
    instant: 'Answers right away',
    you: 'You: ',
    greeting: 'Hi! Ask me anything — I can point you to the right answer or get a person to help.',
    loading: 'Loading answers… You can already type your question.',
    offline: "You're offline, so I can't look up answers right now. You can still leave a message for a person.",
    loadFailed: "Sorry — the help assistant couldn't load. You can try again, or leave a message for a person.",
    retry: 'Try again',
    broken: 'Sorry — something went wrong on my side. You can try again, or talk to a person.',
    cantLookUp: 'I can\'t look up answers right now. Press "Talk to a person" and we\'ll get back to you.',
    notSure: "I'm not sure, but these might help:",
    didHelp: 'Did this help?',
    yes: 'Yes',
    no: 'No',
    helped: 'That helped.',
    notHelped: "That didn't help.",
    newTab: 'Open this article in a new tab',
    details: 'Details',
    choose: 'Choose…',
    sendDetails: 'Send details',
    sentDetails: 'I sent the details.',
    contact: 'Contact a person',
    leaveMessage: 'Leave a message for a person',
    email: 'Your email',
    addMore: 'Anything to add?',
    howHelp: 'How can we help?',
    sendPerson: 'Send to a person',
    needEmail: 'Please enter your email address so we can reply.',
    needMessage: 'Please tell us what you need help with.',
  },
  es: {
    dialog: 'Chat de ayuda',
    close: 'Cerrar el chat de ayuda',
    conversation: 'Conversación',
    back: 'Volver',
    startOver: 'Empezar de nuevo',
    input: 'Escribe tu pregunta',
    placeholder: 'Escribe tu pregunta…',
    send: 'Enviar',
    suggested: 'Artículos sugeridos',
    human: 'Hablar con una persona',
    newChat: 'Empezar una conversación nueva',
    replies: (when) => `Una persona responde ${when}`,
    delivered: (brand, when, ref) => `Gracias: una persona de ${brand || 'nuestro equipo'} te responderá ${when}. Tu referencia: ${ref}.`,
    soon: 'pronto',
    added: 'Añadido a tu solicitud; una persona lo verá.',
    dropped: (brand) => `Lo siento, no se pudo enviar tu solicitud. Ponte en contacto con ${brand} por otra vía e indica esta referencia.`,
    instant: 'Respuestas al instante',
    you: 'Tú: ',
    greeting: '¡Hola! Pregúntame lo que quieras: te llevo a la respuesta correcta o te paso con una persona.',
    loading: 'Cargando respuestas… Ya puedes escribir tu pregunta.',
    offline: 'No tienes conexión, así que ahora no puedo buscar respuestas. Aún puedes dejar un mensaje para una persona.',
    loadFailed: 'Lo siento, el asistente no se pudo cargar. Puedes volver a intentarlo o dejar un mensaje para una persona.',
    retry: 'Reintentar',
    broken: 'Lo siento, algo falló por mi parte. Puedes intentarlo de nuevo o hablar con una persona.',
    cantLookUp: 'Ahora no puedo buscar respuestas. Pulsa «Hablar con una persona» y te responderemos.',
    notSure: 'No estoy seguro, pero esto puede ayudarte:',
    didHelp: '¿Te ha servido?',
    yes: 'Sí',
    no: 'No',
    helped: 'Me ha servido.',
    notHelped: 'No me ha servido.',
    newTab: 'Abrir este artículo en una pestaña nueva',
    details: 'Datos',
    choose: 'Elige…',
    sendDetails: 'Enviar datos',
    sentDetails: 'He enviado los datos.',
    contact: 'Contactar con una persona',
    leaveMessage: 'Deja un mensaje para una persona',
    email: 'Tu correo electrónico',
    addMore: '¿Algo más que añadir?',
    howHelp: '¿En qué podemos ayudarte?',
    sendPerson: 'Enviar a una persona',
    needEmail: 'Escribe tu correo electrónico para que podamos responderte.',
    needMessage: 'Cuéntanos en qué necesitas ayuda.',
  },
};

/** The first of `candidates` the UI speaks ("es-MX" -> "es"), else English. */
/** "es-MX" → "es". */
const primaryLang = (tag) => String(tag || '').toLowerCase().split(/[-_]/)[0];

export function uiLanguage(...candidates) {
  for (const c of candidates) {
    const code = primaryLang(c);
    if (STRINGS[code]) return code;
  }
  return 'en';
}

/* ---------------------------------------------------------------- contrast --- */
// WCAG 2.1 contrast, so text on the brand colour and brand-coloured text on the
// panel's background stay readable whatever colour the creator picks.

function rgbOf(color) {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color || '');
  if (!m) return null;
  const hex = m[1].length === 3 ? m[1].replace(/./g, '$&$&') : m[1];
  const n = parseInt(hex, 16);
  return [n >> 16, (n >> 8) & 255, n & 255];
}

function luminance([r, g, b]) {
  const lin = (v) => ((v /= 255) <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

function contrast(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const hexOf = (rgb) => `#${rgb.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;

/** `color`, mixed towards `toward` just enough to reach `ratio` against `bg`. */
function readableOn(color, bg, toward, ratio = 4.5) {
  const c = rgbOf(color);
  if (!c) return color;
  const target = rgbOf(bg);
  const end = rgbOf(toward);
  for (let t = 0; t <= 1.0001; t += 0.05) {
    const mixed = c.map((v, i) => v + (end[i] - v) * t);
    if (contrast(mixed, target) >= ratio) return hexOf(mixed);
  }
  return toward;
}

/* --------------------------------------------------------------- analytics --- */
// Counts of what visitors do, sent to the optional data-analytics endpoint with the
// same guarantees as tickets: kept in a localStorage outbox until the endpoint
// acknowledges them, batched, retried with backoff, each event with its own id so a
// resent batch never counts twice.

const EVENTS_KEY = 'deflect:events';
const EVENTS_BATCH = 100;
const EVENTS_DELAY_MS = 1500;
const events = { endpoint: null, timer: 0, inflight: false, tries: 0, hooked: false };

function readEvents() {
  try {
    const list = JSON.parse(localStorage.getItem(EVENTS_KEY));
    return Array.isArray(list) ? list : [];
  } catch {
    return [];
  }
}

function writeEvents(list) {
  try {
    if (list.length) localStorage.setItem(EVENTS_KEY, JSON.stringify(list.slice(-1000)));
    else localStorage.removeItem(EVENTS_KEY);
  } catch {
    /* storage blocked: events are best effort, unlike tickets */
  }
}

function scheduleEvents(wait = EVENTS_DELAY_MS) {
  if (!events.endpoint || events.timer) return;
  events.timer = setTimeout(() => {
    events.timer = 0;
    sendEvents();
  }, wait);
}

async function sendEvents() {
  if (!events.endpoint || events.inflight) return;
  const batch = readEvents().slice(0, EVENTS_BATCH);
  if (!batch.length) return;
  events.inflight = true;
  let status = 0;
  try {
    const res = await fetch(events.endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ events: batch }),
      keepalive: true,
    });
    status = res.status;
  } catch {
    status = 0;
  } finally {
    events.inflight = false;
  }
  const done = (status >= 200 && status < 300) || (status >= 400 && status < 500 && status !== 429);
  if (done) {
    const sent = new Set(batch.map((e) => e.id));
    writeEvents(readEvents().filter((e) => !sent.has(e.id)));
    events.tries = 0;
    if (readEvents().length) scheduleEvents(0);
  } else {
    scheduleEvents(Math.min(MAX_BACKOFF_MS, 2000 * 2 ** events.tries++));
  }
}

/** Starts delivering events to `endpoint` (a no-op without one). */
function useEvents(endpoint) {
  if (!endpoint) return;
  events.endpoint = endpoint;
  if (!events.hooked) {
    events.hooked = true;
    addEventListener('online', () => sendEvents());
    // Leaving the page: hand what is left to the browser (text/plain needs no preflight).
    addEventListener('pagehide', () => {
      const batch = readEvents().slice(0, EVENTS_BATCH);
      if (batch.length && navigator.sendBeacon) {
        // Not removed from the outbox: the ids make a second delivery harmless.
        navigator.sendBeacon(events.endpoint, JSON.stringify({ events: batch }));
      }
    });
  }
  scheduleEvents();
}

function track(kind, conversationId, extra = {}) {
  if (!events.endpoint) return;
  const list = readEvents();
  list.push({ id: uuid(), at_ms: Date.now(), conversation_id: conversationId, kind, ...extra });
  writeEvents(list);
  scheduleEvents();
}

/** Deliver analytics events an earlier page view could not send. */
export function flushEvents(config = {}) {
  useEvents(config.analytics);
  if (events.endpoint) sendEvents();
}

/* ------------------------------------------------------------------ engine --- */
// The engine's three downloads start once, as early as the visitor shows intent
// (hovering or focusing the launcher), and mount() reuses them.

let engineDownload = null;

export function preload(manifest, base = location.href, bust = '') {
  if (engineDownload) return engineDownload;
  const url = (path) => new URL(path, base).href + bust;
  const index = fetch(url(manifest.index)).then((res) => {
    if (!res.ok) throw new Error(`knowledge base: HTTP ${res.status}`);
    return res.arrayBuffer();
  });
  const module = import(url(manifest.engine_js));
  const wasm = fetch(url(manifest.engine_wasm));
  engineDownload = { index, module, wasm };
  for (const p of [index, module, wasm]) p.catch(() => { engineDownload = null; });
  return engineDownload;
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
  restart: 'M17.65 6.35A7.96 7.96 0 0 0 12 4a8 8 0 1 0 7.75 10h-2.08A6 6 0 1 1 12 6c1.66 0 3.14.69 4.22 1.78L13 11h7V4z',
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

/** White or near-black text on `color`, whichever contrasts more (WCAG 2.1). */
function inkFor(color) {
  const rgb = rgbOf(color);
  if (!rgb) return '#fff';
  return contrast(rgb, [255, 255, 255]) >= contrast(rgb, [17, 17, 17]) ? '#fff' : '#111';
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
@media (max-width:479px){.panel,.panel.left{inset:0;width:100%;height:100%;max-width:none;max-height:none;border:0;border-radius:0;
  padding-left:env(safe-area-inset-left);padding-right:env(safe-area-inset-right);animation:none}
  .head{padding-top:max(14px,env(safe-area-inset-top))}.foot{padding-bottom:max(8px,env(safe-area-inset-bottom))}}
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
.sub{margin:2px 0 0;font-size:13px;line-height:1.3}
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
  const ui = uiLanguage(config.lang, document.documentElement.lang, settings.default_lang);
  const t = (key, ...args) => {
    const s = STRINGS[ui][key] ?? STRINGS.en[key];
    return typeof s === 'function' ? s(...args) : s;
  };
  useEvents(config.analytics);
  let prevStep = false; // the last reply was in a running flow
  let shownSuggestions = '';
  const endpoint = () => config.endpoint || settings.ticket_endpoint || '/api/tickets';
  // The visitor's language: the tag's data-lang, else the page's; the engine falls back
  // to the KB's default language when the KB has no articles in it.
  const lang = () => config.lang || document.documentElement.lang || settings.default_lang || 'en';
  // The KB's greeting and response time in that language (kb/settings.toml [languages.xx]).
  const localized = (key) => settings.languages?.[primaryLang(lang())]?.[key] || settings[key];

  /* ---- DOM ---- */
  const style = h('style', { text: STYLES });
  const title = h('h2', { class: 'title', text: brand() });
  const sub = h('p', { class: 'sub' });
  const avatar = h('span', { class: 'avatar', 'aria-hidden': 'true' });
  const closeBtn = h('button', { type: 'button', class: 'x', 'aria-label': t('close'), onclick: () => close(true) }, icon('close'));
  const log = h('div', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': t('conversation') });
  const artTitle = h('h2', { tabindex: '-1' });
  const artBody = h('div', { class: 'prose' });
  const artLink = h('p', {});
  const helped = h('div', { class: 'helped' });
  const artView = h(
    'div',
    { class: 'article', hidden: true },
    h('div', { class: 'artbar' }, h('button', { type: 'button', class: 'back', onclick: () => closeArticle() }, icon('back'), t('back'))),
    artTitle,
    artBody,
    artLink,
    helped
  );
  const input = h('input', {
    type: 'text',
    'aria-label': t('input'),
    placeholder: t('placeholder'),
    autocomplete: 'off',
    enterkeyhint: 'send',
    maxlength: '2000',
  });
  const sendBtn = h('button', { type: 'submit', class: 'send', 'aria-label': t('send') }, icon('send'));
  const composer = h('form', { class: 'compose' }, input, sendBtn);
  const suggest = h('div', { class: 'suggest', role: 'group', 'aria-label': t('suggested') });
  const humanBtn = h('button', { type: 'button', class: 'human' }, icon('person'), t('human'));
  const newBtn = h('button', { type: 'button', class: 'x', 'aria-label': t('newChat'), title: t('newChat'), onclick: () => startNew() }, icon('restart'));
  const panel = h(
    'section',
    {
      class: `panel${config.position === 'left' ? ' left' : ''}`,
      role: 'dialog',
      'aria-label': t('dialog'),
      'aria-modal': 'true',
      lang: ui,
      id: 'deflect-panel',
      hidden: true,
    },
    h('header', { class: 'head' }, avatar, h('div', { class: 'who' }, title, sub), newBtn, closeBtn),
    h('div', { class: 'body' }, log, artView),
    h('div', { class: 'foot' }, composer, suggest, h('div', { class: 'meta' }, humanBtn, h('span', { class: 'brandline', text: 'Powered by Deflect' })))
  );
  root.append(style, panel);
  launcher.setAttribute('aria-controls', 'deflect-panel');

  function applySettings() {
    const color = config.color && config.color !== DEFAULT_COLOR ? config.color : settings.brand_color || config.color || DEFAULT_COLOR;
    if (host && CSS_SUPPORTS(color)) {
      host.style.setProperty('--dfl-brand', color);
      host.style.setProperty('--dfl-ink', inkFor(color));
      // Brand-coloured text (links, choices) darkened or lightened just enough for 4.5:1.
      if (rgbOf(color)) {
        // 5:1, not 4.5:1, so the hover tint behind a choice still leaves 4.5:1.
        host.style.setProperty('--dfl-accent-light', readableOn(color, '#ffffff', '#000000', 5));
        host.style.setProperty('--dfl-accent-dark', readableOn(color, '#16171c', '#ffffff', 5));
      }
    }
    title.textContent = brand();
    for (const label of log.querySelectorAll('.row.bot > .sr')) label.textContent = `${brand()}: `;
    avatar.textContent = brand().trim().charAt(0).toUpperCase() || '?';
    sub.textContent = localized('response_time') ? t('replies', localized('response_time')) : t('instant');
    if (greetRow && greetDefault && !config.greeting && localized('greeting')) {
      greetRow.querySelector('.bubble').replaceChildren(rich(localized('greeting')));
      convo.log[0].text = localized('greeting');
      greetDefault = false;
    }
  }
  applySettings();

  /* ---- events ---- */
  function emit(name, data) {
    if (name === 'escalated') track('handoff', convo.id, { queue: data.queue || null, rule: data.rule || null, lang: lang() });
    if (name === 'deflected') track('deflected', convo.id, { lang: lang() });
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
        ? h('div', { class: 'row me' }, h('span', { class: 'sr', text: t('you') }), h('p', { class: 'bubble', text }))
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
      addNote(t('broken'), { warn: true });
      return null;
    }
  }

  async function loadEngine() {
    if (loadTry) engineDownload = null; // a retry downloads afresh
    const { index, module, wasm } = preload(manifest, base, loadTry ? `?retry=${loadTry}` : '');
    index.catch(() => {}); // reported through the await below
    const mod = await module;
    // Marks for the widget benchmark: where the wait between click and ready goes.
    const started = performance.now();
    await mod.default({ module_or_path: wasm });
    const bytes = new Uint8Array(await index);
    const downloaded = performance.now();
    performance.measure('deflect: engine compiled, index downloaded', { start: started, end: downloaded });
    const engine = mod.Engine.open(bytes);
    performance.measure('deflect: index opened', { start: downloaded });
    return engine;
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
    const text = config.greeting || localized('greeting');
    greetDefault = !text;
    greetRow = addRow('bot', text || t('greeting'));
  }

  function startLoading(saved) {
    failed = false;
    const status = h('p', { class: 'status' }, h('span', { class: 'spin', 'aria-hidden': 'true' }), t('loading'));
    put(status);

    const runWaiting = () => {
      const todo = waiting;
      waiting = [];
      for (const job of todo) job();
    };

    let settled = false;
    const fail = (err) => {
      if (settled) return;
      settled = true;
      // For the creator's console: a missing 'wasm-unsafe-eval' in the page's CSP looks
      // exactly like a network failure to the visitor.
      if (err && navigator.onLine !== false) {
        console.warn(`Deflect: the help engine could not load (${err.message || err}). If the page has a Content-Security-Policy, script-src needs 'wasm-unsafe-eval'.`);
      }
      status.remove();
      engine = null;
      failed = true;
      loadTry++;
      addNote(
        navigator.onLine === false
          ? t('offline')
          : t('loadFailed'),
        { warn: true, record: false }
      );
      const retry = h('button', { type: 'button', class: 'chip' }, t('retry'));
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
          prevStep = Boolean(lastReply && lastReply.step); // a flow in progress on the previous page
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
    if (prevStep && !reply.step) track('flow_finished', convo.id, { lang: lang() });
    prevStep = Boolean(reply.step);
    lastReply = { ...reply, messages: [] };
    const errors = reply.errors || {};
    const hasErrors = Object.keys(errors).length > 0;
    for (const m of reply.messages || []) {
      // The greeting is already on screen (the page's data-greeting may replace the KB's).
      if (skipGreeting && (m === convo.log[0]?.text || m === localized('greeting'))) continue;
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
    if (reply.follow_up) enqueue(reply.follow_up, endpoint());
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
      if (s.can_go_back) {
        addActions(
          h(
            'div',
            { class: 'choices' },
            h('button', { type: 'button', class: 'ghost', onclick: () => flowNav(t('back'), (now) => engine.back(now)) }, t('back')),
            h('button', { type: 'button', class: 'ghost', onclick: () => flowNav(t('startOver'), (now) => engine.startOver(now)) }, t('startOver'))
          )
        );
      }
    }
    const articles = (reply.articles || []).slice(0, 5);
    if (articles.length) {
      if (reply.sure === false && !restoring) addRow('bot', t('notSure'));
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

  /** "Back" / "Start over" in a running flow; the engine keeps earlier answers for the ticket. */
  function flowNav(label, move) {
    clearActions();
    addRow('me', label);
    render(callEngine(() => move(Date.now())));
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
    const node = h('form', { class: 'card', novalidate: true, 'aria-label': cl.title || t('details') });
    if (cl.title) node.append(h('h3', { text: cl.title }));
    for (const f of cl.fields || []) {
      const id = `dfl-f${++fieldSeq}`;
      const errId = `${id}-err`;
      let control;
      if (f.kind === 'choice') {
        control = h('select', { id, name: f.id }, h('option', { value: '', text: t('choose') }), ...(f.options || []).map((o) => h('option', { value: o, text: o })));
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
    node.append(h('button', { type: 'submit', class: 'primary' }, t('sendDetails')));
    node.addEventListener('submit', (e) => {
      e.preventDefault();
      const values = {};
      for (const [fid, { control }] of fields) values[fid] = control.value.trim();
      const reply = callEngine(() => engine.submitDetails(values, Date.now()));
      if (!reply) return;
      const errs = reply.errors || {};
      if (!Object.keys(errs).length) {
        clearActions();
        addRow('me', t('sentDetails'));
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
    track('article_opened', convo.id, { article: id, lang: lang() });
    artTitle.textContent = a.title;
    artBody.innerHTML = a.html || ''; // sanitised at build time
    for (const link of artBody.querySelectorAll('a[href]')) {
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
    }
    artLink.replaceChildren();
    if (a.url) {
      artLink.append(h('a', { class: 'fulllink', href: a.url, target: '_blank', rel: 'noopener noreferrer' }, t('newTab'), icon('external')));
    }
    helped.replaceChildren(
      h('p', { text: t('didHelp') }),
      h('button', { type: 'button', class: 'ghost', onclick: () => feedback(true) }, t('yes')),
      h('button', { type: 'button', class: 'ghost', onclick: () => feedback(false) }, t('no'))
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
    addRow('me', yes ? t('helped') : t('notHelped'));
    track(yes ? 'helped' : 'not_helped', convo.id, { article: id, lang: lang() });
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
    if (!engine || handoff || !text) return clearSuggest();
    let list = [];
    try {
      list = (engine.suggest(text) || []).slice(0, 3);
    } catch {
      list = [];
    }
    const key = list.map((s) => s.id).join('\n');
    if (key === suggestKey) return;
    suggestKey = key;
    if (key && key !== shownSuggestions) track('suggestions_shown', convo.id, { lang: lang() });
    shownSuggestions = key;
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
    if (handoff && handoff.local) {
      // Handed off without the engine: what follows goes to that ticket directly.
      enqueue(localFollowUp(text), endpoint());
      addNote(t('added'));
      save();
      return input.focus();
    }
    withEngine(() => {
      if (failed) {
        if (!handoff) addRow('bot', t('cantLookUp'));
        save();
        return;
      }
      clearActions();
      const reply = callEngine(() => engine.say(text, Date.now()));
      track('question', convo.id, { lang: lang() });
      const confident = reply && (reply.handoff || reply.step || (reply.sure !== false && (reply.articles || []).length));
      // The question feeds the knowledge-gap report; card numbers never leave the browser.
      if (reply && !confident) track('unanswered', convo.id, { text: maskCardNumbers(text).text.slice(0, 300), lang: lang() });
      render(reply);
    });
    input.focus();
  });

  humanBtn.addEventListener('click', () => {
    if (article) closeArticle(false);
    // Still loading (a slow network): the visitor need not wait to reach a person.
    if (!engine && !failed) return contactForm();
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
    const rule = (ticket.rules_fired || [])[0];
    emit('escalated', { ticket_id: handoff.ticket_id, queue: handoff.queue, reason: handoff.reason, rule: rule ? rule.rule_id : null });
  }

  function deliver(ticket, responseTime) {
    clearActions();
    afterHandoffUi();
    const when = responseTime || localized('response_time') || t('soon');
    addNote(t('delivered', settings.brand_name, when, ticket.id.slice(0, 8).toUpperCase()));
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
        addNote(t('dropped', brand()), { warn: true });
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
  /** A follow-up to a ticket sent without the engine, shaped like the engine's. */
  function localFollowUp(text) {
    const id = handoff.ticket_id;
    return { schema_version: 1, id: `${id}-${convo.log.length}`, ticket_id: id, at_ms: Date.now(), text: maskCardNumbers(text).text };
  }

  function localTicket({ email = customer.email, message = '', reason, queue, priority } = {}) {
    const now = Date.now();
    let cards = 0;
    const masked = (text) => {
      const out = maskCardNumbers(text);
      cards += out.count;
      return out.text;
    };
    const transcript = convo.log
      .filter((m) => m.from === 'bot' || m.from === 'customer')
      .map((m) => ({ at_ms: m.at || now, from: m.from, text: masked(m.text) }));
    if (message) transcript.push({ at_ms: now, from: 'customer', text: masked(message) });
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
      redactions: { card_numbers: cards },
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
      { class: 'card contact', novalidate: true, 'aria-label': t('contact') },
      h('h3', { text: t('leaveMessage') }),
      h('div', { class: 'field' }, h('div', {}, h('label', { for: emailId, text: t('email') }), h('span', { class: 'req', 'aria-hidden': 'true', text: '*' })), email, emailErr),
      h(
        'div',
        { class: 'field' },
        h('div', {}, h('label', { for: msgId, text: asked ? t('addMore') : t('howHelp') }), asked ? null : h('span', { class: 'req', 'aria-hidden': 'true', text: '*' })),
        msg,
        msgErr
      ),
      h('button', { type: 'submit', class: 'primary' }, t('sendPerson'))
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
      const okEmail = mark(email, emailErr, EMAIL_RE.test(email.value.trim()) ? '' : t('needEmail'));
      const okMsg = mark(msg, msgErr, asked || msg.value.trim() ? '' : t('needMessage'));
      if (!okEmail) return email.focus();
      if (!okMsg) return msg.focus();
      customer.email = email.value.trim();
      const ticket = localTicket({ email: customer.email, message: msg.value.trim() });
      node.remove();
      if (msg.value.trim()) addRow('me', msg.value.trim(), { record: false });
      handoff = { ticket_id: ticket.id, queue: ticket.queue, reason: ticket.reason, local: true };
      deliver(ticket, localized('response_time'));
      emit('escalated', { ticket_id: ticket.id, queue: ticket.queue, reason: ticket.reason });
      input.focus();
    });
    put(node);
    email.value ? msg.focus() : email.focus();
  }

  /* ---- a new conversation ---- */
  function startNew() {
    if (article) closeArticle(false);
    clearSuggest();
    log.replaceChildren();
    try {
      sessionStorage.removeItem(CONV_KEY);
    } catch {
      /* nothing saved */
    }
    convo = { id: uuid(), started: Date.now(), log: [] };
    handoff = null;
    lastReply = null;
    prevStep = false;
    form = null;
    offlineNote = null;
    humanBtn.hidden = false;
    greet();
    input.focus();
    withEngine(() => {
      if (!engine) return save();
      const reply = callEngine(() => engine.start({ id: convo.id, lang: lang(), customer: { ...customer }, page: pageInfo(), now: Date.now() }));
      started = Boolean(reply);
      render(reply, { skipGreeting: true });
      save();
    });
  }

  /* ---- the on-screen keyboard ---- */
  // Full screen on phones: the panel follows the visual viewport, which shrinks when the
  // keyboard opens, so the input stays above the keyboard.
  const vv = globalThis.visualViewport;
  const phone = globalThis.matchMedia && matchMedia('(max-width: 479px)');
  function fitViewport() {
    if (vv && phone && phone.matches && !panel.hidden) {
      panel.style.top = `${vv.offsetTop}px`;
      panel.style.height = `${vv.height}px`;
      panel.style.bottom = 'auto';
    } else {
      panel.style.top = panel.style.height = panel.style.bottom = '';
    }
  }
  if (vv) {
    vv.addEventListener('resize', fitViewport);
    vv.addEventListener('scroll', fitViewport);
  }

  /* ---- open / close ---- */
  function open() {
    if (!panel.hidden) return input.focus();
    panel.hidden = false;
    fitViewport();
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

  const FOCUSABLE = 'button, input, select, textarea, a[href], [tabindex]:not([tabindex="-1"])';
  panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !e.defaultPrevented) {
      e.stopPropagation();
      close(true);
    } else if (e.key === 'Tab') {
      // Focus stays in the open panel: Tab from the last control goes to the first.
      const items = [...panel.querySelectorAll(FOCUSABLE)].filter((el) => !el.disabled && el.getClientRects().length);
      if (!items.length) return;
      const active = root.activeElement;
      const first = items[0];
      const last = items[items.length - 1];
      if (e.shiftKey ? active === first || !panel.contains(active) : active === last || !panel.contains(active)) {
        e.preventDefault();
        (e.shiftKey ? last : first).focus();
      }
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
      case 'new':
        return startNew();
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
