// What the widget keeps and sends holds no card number and no secret of the page's
// address, in a real browser against the real `deflect serve`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, openChat, ask, finishHandoff, handoffStarted, useSiteAndBrowser } from './harness.mjs';

const env = useSiteAndBrowser();

const CARDS = ['4111 1111 1111 1111', '4111.1111.1111.1111', '4111\u00a01111\u00a01111\u00a01111', '４１１１１１１１１１１１１１１１'];
const FULL_NUMBERS = [/4111\D{0,3}1111\D{0,3}1111/, /４１１１１１１１/];

/** Everything the page keeps in Web Storage, as one string. */
const storedText = (page) =>
  page.evaluate(() => [sessionStorage, localStorage].map((s) => Object.keys(s).map((k) => `${k}=${s.getItem(k)}`).join('\n')).join('\n'));

test('a card number typed into the chat is masked on screen and in sessionStorage', { timeout: 60000 }, async () => {
  const { page, context, assertCleanConsole } = await openPage(env.browser, `${env.server.url}/`);
  const dialog = await openChat(page);
  for (const card of CARDS) {
    await ask(page, `I was charged twice on my card ${card}`);
    await dialog.getByText('1111, charged', { exact: false }).or(dialog.getByText(/\*{4}.?1111|＊/)).first().waitFor();
  }
  // The conversation is saved after every change; wait until the last line is in it.
  await page.waitForFunction(() => (sessionStorage.getItem('deflect:conversation') || '').includes('１１１１'));
  const stored = await storedText(page);
  for (const full of FULL_NUMBERS) assert.doesNotMatch(stored, full, 'a full card number in Web Storage');
  const shown = await dialog.locator('.row.me').allTextContents();
  assert.equal(shown.length, CARDS.length);
  for (const line of shown) for (const full of FULL_NUMBERS) assert.doesNotMatch(line, full, `shown: ${line}`);
  assertCleanConsole();
  await context.close();
});

test('a ticket from a password-reset page carries neither the token nor the card number', { timeout: 60000 }, async () => {
  const url = `${env.server.url}/?token=RESET-SECRET&utm_source=mail#access_token=OAUTH-SECRET`;
  const { page, context, assertCleanConsole } = await openPage(env.browser, url);
  const dialog = await openChat(page);
  const posted = page.waitForRequest((req) => req.method() === 'POST' && new URL(req.url()).pathname === '/api/tickets');
  await ask(page, 'talk to a person about 4111-1111-1111-1111 please');
  await handoffStarted(dialog);
  const ticket = JSON.parse((await posted).postData());
  assert.equal(ticket.page.url, `${env.server.url}/?utm_source=mail`);
  const body = JSON.stringify(ticket);
  for (const secret of ['RESET-SECRET', 'OAUTH-SECRET', '4111-1111-1111-1111']) assert.ok(!body.includes(secret), `${secret} in the ticket`);
  assert.equal(ticket.redactions.card_numbers, 1);
  await finishHandoff(dialog);
  for (const full of FULL_NUMBERS) assert.doesNotMatch(await storedText(page), full);
  assertCleanConsole();
  await context.close();
});
