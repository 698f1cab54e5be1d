// The page's side of the widget: commands in (Deflect('open'), 'identify', 'on', …,
// queued by the loader until the widget arrived) and events out ('ready', 'escalated',
// 'deflected'), which analytics counts too.

import { track } from './analytics.js';
import { identify } from './customer.js';
import { open, close } from './panel.js';
import { startNew } from './conversation.js';
import { visitorLang } from './settings.js';

/** The KB version the engine reports ('' when it cannot). */
export function kbVersion(w) {
  try {
    return w.state.engine.kbVersion();
  } catch {
    return '';
  }
}

/** Tells the page's listeners about `name`; a listener that throws is reported as its
 *  own error, without stopping the widget or the other listeners. */
export function emit(w, name, data) {
  const { convo } = w.state;
  if (name === 'escalated') track('handoff', convo.id, { queue: data.queue || null, rule: data.rule || null, lang: visitorLang(w) });
  if (name === 'deflected') track('deflected', convo.id, { lang: visitorLang(w) });
  for (const fn of w.state.listeners[name] || []) {
    try {
      fn(data);
    } catch (e) {
      setTimeout(() => {
        throw e;
      });
    }
  }
}

/** Runs one Deflect(cmd, a, b) call. */
export function call(w, [cmd, a, b]) {
  const { state } = w;
  switch (cmd) {
    case 'open':
      return open(w);
    case 'close':
      return close(w, false);
    case 'toggle':
      return w.dom.panel.hidden ? open(w) : close(w, false);
    case 'new':
      return startNew(w);
    case 'identify':
      if (a && typeof a === 'object') {
        identify(state.customer, a);
        if (state.engine && state.started) {
          try {
            state.engine.identify({ ...state.customer });
          } catch {
            /* no conversation yet: start() passes the customer */
          }
        }
      }
      return;
    case 'on':
      if (state.listeners[a] && typeof b === 'function') {
        state.listeners[a].push(b);
        if (a === 'ready' && state.engine) queueMicrotask(() => b({ kb_version: kbVersion(w), conversation_id: state.convo.id }));
      }
      return;
    default:
      console.warn(`Deflect: unknown command ${JSON.stringify(cmd)}`);
  }
}
