// The creator's brand colour on the widget's host element, as the custom properties the
// launcher's and the panel's CSS use: the colour itself, the ink written on it, and the
// colour's readable variants for brand-coloured text on the panel's backgrounds.

import { inkFor, parseHex, readableOn } from './contrast.js';

export const DEFAULT_COLOR = '#4f46e5';

/** `color` if the browser can paint it, else null. */
export function usableColor(color) {
  return typeof color === 'string' && globalThis.CSS && CSS.supports('color', color) ? color : null;
}

/** Sets --dfl-brand and --dfl-ink (white or near-black, whichever contrasts more). */
export function paintBrand(host, color) {
  host.style.setProperty('--dfl-brand', color);
  host.style.setProperty('--dfl-ink', inkFor(color));
}

/** Sets the accent (links, choices) for light and dark panels: the brand colour
 *  darkened or lightened to 5:1, not 4.5:1, so the hover tint behind a choice still
 *  leaves 4.5:1. Only hex colours can be measured; others keep the CSS fallbacks. */
export function paintAccents(host, color) {
  if (!parseHex(color)) return;
  host.style.setProperty('--dfl-accent-light', readableOn(color, '#ffffff', '#000000', 5));
  host.style.setProperty('--dfl-accent-dark', readableOn(color, '#16171c', '#ffffff', 5));
}
