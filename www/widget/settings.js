// What the embed's data-* config and the KB's settings say, resolved: the tag wins, then
// the KB (the manifest's settings, then the engine's once it has loaded).

import { primaryLang } from './lang.js';

/** The creator's brand name. */
export const brandName = (w) => w.state.settings.brand_name || 'Support';

/** The visitor's language: the tag's data-lang, else the page's; the engine falls back
 *  to the KB's default language when the KB has no articles in it. */
export const visitorLang = (w) => w.config.lang || document.documentElement.lang || w.state.settings.default_lang || 'en';

/** A KB text (greeting, response_time) in the visitor's language (kb/settings.toml
 *  [languages.xx]), else the KB's default. */
export const localized = (w, key) => w.state.settings.languages?.[primaryLang(visitorLang(w))]?.[key] || w.state.settings[key];

/** Where tickets are POSTed. */
export const ticketEndpoint = (w) => w.config.endpoint || w.state.settings.ticket_endpoint || '/api/tickets';
