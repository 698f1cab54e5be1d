// The KB's look and voice on the panel: brand colour, name, avatar letter and response
// time. Applied at mount from the manifest's settings and again with the engine's.

import { DEFAULT_COLOR, usableColor, paintBrand, paintAccents } from './brand-color.js';
import { brandName, localized } from './settings.js';

export function applySettings(w) {
  const { config, dom, state } = w;
  // The tag's data-color wins; the loader passes the default when there was none.
  const color = config.color && config.color !== DEFAULT_COLOR ? config.color : state.settings.brand_color || config.color || DEFAULT_COLOR;
  if (w.host && usableColor(color)) {
    paintBrand(w.host, color);
    paintAccents(w.host, color);
  }
  const brand = brandName(w);
  dom.title.textContent = brand;
  for (const label of dom.log.querySelectorAll('.row.bot > .sr')) label.textContent = `${brand}: `;
  dom.avatar.textContent = brand.trim().charAt(0).toUpperCase() || '?';
  const responseTime = localized(w, 'response_time');
  dom.sub.textContent = responseTime ? w.t('replies', { when: responseTime }) : w.t('instant');
}
