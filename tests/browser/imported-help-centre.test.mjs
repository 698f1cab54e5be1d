// A real help centre brought in with one command: the Arduino export in
// ../shared/data/arduino-help-center/ (Markdown with YAML front matter and embedded
// HTML, CC BY-SA 4.0) imported by `deflect import`, checked by `deflect check`, built
// into a site by `deflect site` and opened in the widget, where its articles render
// without broken markup. Skipped, saying why, when the shared data sets are absent.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openPage, openChat, useBuiltSite } from './harness.mjs';
import { ARDUINO_SOURCE, articleTitles, buildSite, importArduino, runDeflect } from '../perf/bench-kbs.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const skip = existsSync(join(root, ARDUINO_SOURCE)) ? false : `${ARDUINO_SOURCE} is absent: there is no help centre to import`;
const env = useBuiltSite(() => {
  if (skip) return null;
  const imported = importArduino(root);
  console.log(`deflect import of the Arduino help centre took ${(imported.importMs / 1000).toFixed(2)} s`);
  const site = buildSite(root, imported.kb);
  return { imported, site, temporary: [site, imported.kb] };
});

test('the import takes under ten seconds and deflect check warns only about proposed questions', { skip }, () => {
  assert.ok(env.imported.importMs < 10000, `the import took ${env.imported.importMs} ms`);
  // `deflect check` exits non-zero on any error, which fails the test here.
  const { output } = runDeflect(root, ['check', '--kb', env.imported.kb]);
  const warnings = output.split('\n').filter((line) => line.startsWith('warning:'));
  assert.equal(warnings.length, articleTitles(env.imported.kb).length, 'each article still needs real questions');
  for (const warning of warnings) assert.match(warning, /has only proposed questions/);
});

/** Ten titles spread over the help centre, each the title of one article only. */
function tenTitles() {
  const titles = articleTitles(env.imported.kb);
  const unique = titles.filter((t) => titles.indexOf(t) === titles.lastIndexOf(t));
  const step = Math.floor(unique.length / 10);
  return Array.from({ length: 10 }, (_, i) => unique[i * step]);
}

/** HTML elements an import could leave as text (a tag's name and at least its end):
 *  placeholders the help centre writes on purpose, like `<board name>`, are not. */
const VISIBLE_TAG = /<\/?(a|b|br|blockquote|code|div|em|figure|font|h[1-6]|hr|i|iframe|img|li|ol|p|pre|script|section|span|strong|style|sub|sup|table|tbody|td|th|thead|tr|u|ul|video)\b[^<>]*>/i;
const VISIBLE_ENTITY = /&(#\d+|#x[0-9a-f]+|[a-z]+);/i;

/** The text a visitor sees of `body` outside code (where `#include <Wire.h>` is meant),
 *  and whether it still waits or shows an error. Runs in the page. */
function seen(body) {
  const prose = body.cloneNode(true);
  for (const code of prose.querySelectorAll('pre, code')) code.remove();
  return { text: prose.textContent, busy: body.hasAttribute('aria-busy'), alert: !!body.querySelector('[role=alert]') };
}

function assertRendered(title, body) {
  assert.equal(body.alert, false, `${title}: the body did not load`);
  assert.ok(body.text.trim().length > 40, `${title}: empty body`);
  assert.equal(body.text.match(VISIBLE_TAG)?.[0], undefined, `${title}: an HTML tag shown as text`);
  assert.equal(body.text.match(VISIBLE_ENTITY)?.[0], undefined, `${title}: an HTML entity shown as text`);
}

test('ten imported articles open in the widget and render without broken markup', { skip, timeout: 180000 }, async () => {
  const { page, context, assertCleanConsole } = await openPage(env.browser, `${env.server.url}/`);
  const dialog = await openChat(page);
  const input = dialog.getByRole('textbox', { name: 'Type your question' });
  for (const title of tenTitles()) {
    await input.fill(title.toLowerCase());
    await dialog.getByRole('group', { name: 'Suggested articles' }).getByRole('button', { name: title, exact: true }).click();
    await dialog.getByRole('heading', { level: 2, name: title, exact: true }).waitFor();
    await dialog.locator('.prose:not([aria-busy])').waitFor();
    assertRendered(title, await dialog.locator('.prose').evaluate(seen));
    await dialog.getByRole('button', { name: 'Back' }).click();
  }
  assertCleanConsole();
  await context.close();
});

test('no imported article body shows markup as text', { skip, timeout: 60000 }, async () => {
  const names = readdirSync(join(env.site, 'articles')).filter((f) => f.endsWith('.html'));
  assert.ok(names.length > 300, `${names.length} article bodies`);
  const { page, context, assertCleanConsole } = await openPage(env.browser, `${env.server.url}/`);
  // Parsed as the widget's innerHTML parses them, in an inert document.
  const bodies = await page.evaluate((names) => Promise.all(names.map(async (name) => {
    const html = await (await fetch(`/articles/${name}`)).text();
    const body = new DOMParser().parseFromString(html, 'text/html').body;
    for (const code of body.querySelectorAll('pre, code')) code.remove();
    return [name, body.textContent];
  })), names);
  for (const [name, text] of bodies) assertRendered(name, { text, alert: false });
  assertCleanConsole();
  await context.close();
});
