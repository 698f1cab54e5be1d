// The panel's own words in every language the widget speaks (strings/*.json, one file
// per language, so translating means adding a file, not touching code).

import en from './strings/en.json' with { type: 'json' };
import es from './strings/es.json' with { type: 'json' };
import { pickLanguage } from './lang.js';

export const CATALOGS = { en, es };

/** The UI language for data-lang, then the page's lang, then the KB's default: the
 *  first the widget speaks ("es-MX" → "es"), else English. */
export function uiLanguage(...candidates) {
  return pickLanguage(Object.keys(CATALOGS), ...candidates);
}

/** `t(key, vars)` in `lang`: the string with `{name}` filled from `vars`; English
 *  when `lang` lacks the key, and the key itself when English lacks it too. */
export function translator(lang, catalogs = CATALOGS) {
  const catalog = catalogs[lang] || {};
  return (key, vars = {}) => {
    const text = catalog[key] ?? catalogs.en[key] ?? key;
    return text.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
  };
}
