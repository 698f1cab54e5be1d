// The UI language and the strings catalogues.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CATALOGS, translator, uiLanguage } from '../../www/widget/i18n.js';
import { pickLanguage, primaryLang } from '../../www/widget/lang.js';

test('the first candidate the widget speaks wins, by its primary language', () => {
  assert.equal(uiLanguage('es-MX', 'en'), 'es');
  assert.equal(uiLanguage(null, 'ES_es'), 'es');
  assert.equal(uiLanguage('fi', '', 'es'), 'es');
  assert.equal(uiLanguage('fi', 'de'), 'en');
  assert.equal(uiLanguage(), 'en');
  assert.equal(primaryLang('pt-BR'), 'pt');
  assert.equal(pickLanguage(['en', 'fr'], 'fr-CA'), 'fr');
});

test('placeholders are filled and unknown ones left as they are', () => {
  const t = translator('es');
  assert.equal(t('replies', { when: 'pronto' }), 'Una persona responde pronto');
  assert.equal(translator('en')('dropped', {}), 'Sorry — your request could not be sent. Please contact {brand} another way and quote this reference.');
});

test('a string missing in a language falls back to English, then to its key', () => {
  const t = translator('es', { en: { send: 'Send', only: 'English only' }, es: { send: 'Enviar' } });
  assert.equal(t('send'), 'Enviar');
  assert.equal(t('only'), 'English only');
  assert.equal(t('nowhere'), 'nowhere');
  assert.equal(translator('fi')('send'), 'Send', 'a language the widget lacks reads English');
});

test('every language has every English string, with the same placeholders', () => {
  const placeholders = (s) => [...s.matchAll(/\{\w+\}/g)].map((m) => m[0]).sort();
  for (const [lang, catalog] of Object.entries(CATALOGS)) {
    for (const [key, text] of Object.entries(CATALOGS.en)) {
      assert.equal(typeof catalog[key], 'string', `${lang} lacks ${key}`);
      assert.deepEqual(placeholders(catalog[key]), placeholders(text), `${lang}.${key}`);
    }
  }
});
