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

test("the engine's JS API names a field of the wrong type, and refuses a saved conversation it cannot read", async () => {
  const { page, context, assertCleanConsole } = await openPage(env.browser, `${env.server.url}/`);
  const result = await page.evaluate(async () => {
    const manifest = await (await fetch('/manifest.json')).json();
    const at = (path) => new URL(path, location.href).href;
    const mod = await import(at(manifest.engine_js));
    await mod.default({ module_or_path: at(manifest.engine_wasm) });
    const engine = mod.Engine.open(new Uint8Array(await (await fetch(at(manifest.index))).arrayBuffer()));
    const error = (f) => {
      try {
        f();
        return null;
      } catch (e) {
        return e.message;
      }
    };
    const start = { id: 'api-0001', lang: 'en', customer: { email: 'maya@example.com' }, page: { url: location.href }, now: Date.now() };
    const out = {
      beforeStart: engine.state(),
      badId: error(() => engine.start({ ...start, id: 7 })),
      badTier: error(() => engine.start({ ...start, customer: { tier: 3 } })),
      badTime: error(() => engine.start({ ...start, now: 'soon' })),
      notAnObject: error(() => engine.start('api-0001')),
      started: error(() => engine.start(start)),
    };
    engine.startFlow('cant-log-in', Date.now());
    const saved = engine.state();
    Object.assign(out, {
      savedType: typeof saved,
      badAnswer: error(() => engine.submitDetails({ order: 12 }, Date.now())),
      foreign: error(() => engine.restore('\u0063' + saved.slice(1))),
      notText: error(() => engine.restore({ id: 'api-0001' })),
      unchanged: engine.state() === saved,
      restored: error(() => engine.restore(saved)),
      answered: engine.say('How do I reset my password?', Date.now()).messages.length > 0,
    });
    return out;
  });
  assert.equal(result.beforeStart, undefined);
  assert.equal(result.badId, '`start.id` must be a string');
  assert.equal(result.badTier, '`customer.tier` must be a string');
  assert.equal(result.badTime, '`start.now` must be a time in milliseconds');
  assert.equal(result.notAnObject, '`start` must be an object');
  assert.equal(result.started, null);
  assert.equal(result.savedType, 'string');
  assert.equal(result.badAnswer, 'answer `order` must be a string');
  assert.match(result.foreign, /^saved conversation: saved by state version 99; this engine reads \d+$/);
  assert.equal(result.notText, '`state` must be a string');
  assert.equal(result.unchanged, true, 'a refused state leaves the conversation as it was');
  assert.equal(result.restored, null);
  assert.equal(result.answered, true);
  assertCleanConsole();
  await context.close();
});
