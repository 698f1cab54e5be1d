// The panel as a modal dialog: opening and closing it (focus goes in, and back to the
// launcher), keeping Tab inside it, Escape, and on phones following the visual
// viewport so the input stays above the on-screen keyboard.

import { boot } from './conversation.js';
import { scrollToLatest } from './log.js';

const FOCUSABLE = 'button, input, select, textarea, a[href], [tabindex]:not([tabindex="-1"])';

export function open(w) {
  const { panel, input } = w.dom;
  if (!panel.hidden) return input.focus();
  panel.hidden = false;
  fitViewport(w);
  w.launcher.hidden = true;
  w.launcher.setAttribute('aria-expanded', 'true');
  if (!w.state.booted) boot(w);
  input.focus();
  w.state.batchFirst = null; // (re)opening shows the latest lines
  scrollToLatest(w);
}

/** Closes the panel; focus returns to the launcher if it was inside (or `refocus`). */
export function close(w, refocus) {
  const { panel } = w.dom;
  if (panel.hidden) return;
  const hadFocus = refocus || panel.contains(w.root.activeElement);
  panel.hidden = true;
  w.launcher.hidden = false;
  w.launcher.setAttribute('aria-expanded', 'false');
  if (hadFocus) w.launcher.focus();
}

/** Escape closes; Tab from the last control goes to the first (and Shift+Tab back). */
export function onPanelKey(w, e) {
  const { panel } = w.dom;
  if (e.key === 'Escape' && !e.defaultPrevented) {
    e.stopPropagation();
    close(w, true);
  } else if (e.key === 'Tab') {
    const items = [...panel.querySelectorAll(FOCUSABLE)].filter((el) => !el.disabled && el.getClientRects().length);
    if (!items.length) return;
    const active = w.root.activeElement;
    const first = items[0];
    const last = items[items.length - 1];
    if (e.shiftKey ? active === first || !panel.contains(active) : active === last || !panel.contains(active)) {
      e.preventDefault();
      (e.shiftKey ? last : first).focus();
    }
  }
}

const phone = () => globalThis.matchMedia && matchMedia('(max-width: 479px)').matches;

/** Full screen on phones: the panel takes the visual viewport, which shrinks when the
 *  keyboard opens. */
function fitViewport(w) {
  const { panel } = w.dom;
  const vv = globalThis.visualViewport;
  if (vv && phone() && !panel.hidden) {
    panel.style.top = `${vv.offsetTop}px`;
    panel.style.height = `${vv.height}px`;
    panel.style.bottom = 'auto';
  } else {
    panel.style.top = panel.style.height = panel.style.bottom = '';
  }
}

/** Refits the panel whenever the visual viewport moves or resizes. */
export function followViewport(w) {
  const vv = globalThis.visualViewport;
  if (!vv) return;
  vv.addEventListener('resize', () => fitViewport(w));
  vv.addEventListener('scroll', () => fitViewport(w));
}
