// Language tags, shared by the loader (the launcher's label) and the widget, so both
// pick the same language for the same page.

/** "es-MX" → "es". */
export const primaryLang = (tag) => String(tag || '').toLowerCase().split(/[-_]/)[0];

/** The first of `candidates` (data-lang, the page's lang, the KB's default) whose
 *  primary language is in `available`, else English. */
export function pickLanguage(available, ...candidates) {
  for (const tag of candidates) {
    const code = primaryLang(tag);
    if (available.includes(code)) return code;
  }
  return 'en';
}
