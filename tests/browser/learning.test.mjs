// What `deflect learn` gets from the browser: on a page with data-analytics, a visitor's
// "Yes" to "Did this help?" sends the question they asked with the helped event; on a
// page without it, nothing is recorded or sent. A real browser against `deflect serve`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, openChat, ask, eventually, useSiteAndBrowser } from './harness.mjs';
import { creatorPage, openHtml, nextEvent } from './widget-helpers.mjs';

const env = useSiteAndBrowser();
const QUESTION = 'how can I reset my password';

/** Every analytics event `page` posts (fetch or beacon), as sent. */
function eventsPosted(page) {
  const events = [];
  page.on('request', (req) => {
    if (req.method() === 'POST' && new URL(req.url()).pathname === '/api/events') events.push(...JSON.parse(req.postData()).events);
  });
  return events;
}

/** Asks QUESTION, opens the answer and says it helped; resolves once deflected. */
async function askAndSayItHelped(page) {
  const dialog = await openChat(page);
  await ask(page, QUESTION);
  await dialog.getByRole('log').getByRole('button', { name: 'Reset your password' }).click();
  const deflected = nextEvent(page, 'deflected');
  await dialog.getByRole('button', { name: 'Yes', exact: true }).click();
  await deflected;
}

test('with data-analytics, a Yes carries the question the visitor asked', { timeout: 60000 }, async () => {
  const { page, context, assertCleanConsole } = await openPage(env.browser, `${env.server.url}/`);
  const events = eventsPosted(page);
  await askAndSayItHelped(page);
  const helped = await eventually(async () => events.find((e) => e.kind === 'helped') ?? null);
  assert.equal(helped.article, 'reset-password');
  assert.equal(helped.text, QUESTION);
  assert.ok(events.filter((e) => e.kind !== 'helped' && e.kind !== 'unanswered').every((e) => !('text' in e)), JSON.stringify(events));
  assertCleanConsole();
  await context.close();
});

test('without data-analytics, no question and no event leaves the browser', { timeout: 60000 }, async () => {
  const { page, context, assertCleanConsole } = await openHtml(env.browser, env.server.url, creatorPage());
  const events = eventsPosted(page);
  await askAndSayItHelped(page);
  // `track` writes to the outbox at once: after the deflection there is nothing in it.
  assert.equal(await page.evaluate(() => localStorage.getItem('deflect:events')), null);
  assert.deepEqual(events, []);
  assertCleanConsole();
  await context.close();
});
