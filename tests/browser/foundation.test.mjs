// The whole path in a real browser: the demo page served by `deflect serve`, the wasm
// engine opened from the content-hashed index, and tickets landing in the SQLite inbox.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, openChat, ask, eventually, deliveriesSettled, finishHandoff, useSiteAndBrowser } from './harness.mjs';

const env = useSiteAndBrowser();

test('the engine is not downloaded until the visitor opens the chat', async () => {
  const { page, requests, context, assertCleanConsole } = await openPage(env.browser, `${env.server.url}/`);
  await page.waitForLoadState('networkidle');
  const engineRequests = () => requests.filter((url) => /\/engine\/|\/kb\.[0-9a-f]+\.bin|\/widget\./.test(url));
  assert.deepEqual(engineRequests(), [], 'nothing but the loader before opening');
  await openChat(page);
  assert.ok(engineRequests().some((url) => url.endsWith('.wasm')), 'the engine loads on open');
  assert.ok(engineRequests().some((url) => /kb\.[0-9a-f]+\.bin$/.test(url)), 'the index loads on open');
  assert.equal(await page.getByRole('textbox', { name: 'Type your question' }).evaluate((el) => el === el.getRootNode().activeElement), true, 'focus moves to the input');
  assertCleanConsole();
  await context.close();
});

test('asking how to reset a password suggests the password article first', async () => {
  const { page, context, assertCleanConsole } = await openPage(env.browser, `${env.server.url}/`);
  const dialog = await openChat(page);
  await ask(page, 'How do I reset my password?');
  const log = dialog.getByRole('log');
  const firstArticle = log.getByRole('button').first();
  await firstArticle.waitFor();
  assert.equal(await firstArticle.textContent(), 'Reset your password');
  await firstArticle.click();
  await dialog.getByRole('heading', { name: 'Reset your password' }).waitFor();
  assertCleanConsole();
  await context.close();
});

test('a troubleshooting flow can be walked to its end', async () => {
  const { page, context, assertCleanConsole } = await openPage(env.browser, `${env.server.url}/`);
  const dialog = await openChat(page);
  await ask(page, 'How do I reset my password?');
  await dialog.getByRole('button', { name: "I can't log in", exact: true }).click();
  await dialog.getByRole('button', { name: 'I forgot my password', exact: true }).click();
  await dialog.getByRole('button', { name: "Yes, I'm in", exact: true }).click();
  await dialog.getByText('glad that\'s sorted', { exact: false }).waitFor();
  const tickets = await env.server.tickets();
  assert.equal(tickets.length, 0, 'a solved conversation sends no ticket');
  assertCleanConsole();
  await context.close();
});

test('a chargeback hands off with the response time and exactly one ticket reaches the inbox', async () => {
  const before = (await env.server.tickets()).length;
  const { page, context, assertCleanConsole } = await openPage(env.browser, `${env.server.url}/`);
  const dialog = await openChat(page);
  await ask(page, 'How do I reset my password?');
  await dialog.getByRole('log').getByRole('button').first().waitFor();
  const message = 'I already contacted my bank about a chargeback';
  await ask(page, message);
  await finishHandoff(dialog);
  await dialog.getByText('within 24 hours', { exact: false }).first().waitFor();
  const tickets = await eventually(async () => {
    const all = await env.server.tickets();
    return all.length > before ? all : null;
  });
  // Once nothing is left to deliver, count again: still exactly one.
  await deliveriesSettled(page);
  const after = await env.server.tickets();
  assert.equal(after.length, before + 1, 'exactly one ticket');
  const ticket = tickets[0];
  assert.equal(ticket.queue, 'Human-Escalation');
  assert.equal(ticket.rules_fired[0].rule_id, 'chargeback');
  assert.equal(ticket.rules_fired[0].text, message);
  assert.ok(ticket.transcript.some((m) => m.from === 'customer' && m.text === message), 'transcript has the message');
  assert.ok(ticket.tags.includes('password'), `tags: ${ticket.tags}`);
  assert.equal(ticket.articles_shown[0].id, 'reset-password');
  assert.equal(ticket.page.url, `${env.server.url}/`);
  assert.equal(ticket.deliveries, 1);
  assertCleanConsole();
  await context.close();
});
