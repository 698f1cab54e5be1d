// The inbox does not trust the browser: a visitor the page identifies with a signature
// from the creator's server (computed here with node's crypto, exactly as the README
// tells creators to) is stored as verified and keeps the VIP queue; a tier the page
// merely claims is stored unverified and gets no VIP priority; and follow-ups, which
// need the ticket's token, still arrive from the real widget.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { openPageIn, openChat, ask, eventually, deliveriesSettled, handoffStarted, finishHandoff, useSiteAndBrowser } from './harness.mjs';

const SECRET = randomBytes(32).toString('hex');
const env = useSiteAndBrowser({ env: { DEFLECT_IDENTITY_SECRET: SECRET } });

/** The README's signing, as a creator's Node server does it. */
function sign(email, tier) {
  const message = `${email.trim().toLowerCase()}\n${(tier || '').trim().toLowerCase()}`;
  return createHmac('sha256', SECRET).update(message).digest('hex');
}

/** A creator's page at `path` with the loader tag (`attrs`) and `before`, a script run
 *  before it; served from the demo's origin. */
async function hostPage(path, { attrs = '', before = '' } = {}) {
  const context = await env.browser.newContext();
  await context.route(`${env.server.url}${path}`, (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: '<!doctype html><html lang="en"><title>Members</title><h1>Members</h1>' +
        `<script>window.Deflect = window.Deflect || function () { (Deflect.q = Deflect.q || []).push(arguments) };${before}</script>` +
        `<script src="/deflect.js" data-endpoint="/api/tickets" ${attrs} async></script>`,
    })
  );
  const opened = await openPageIn(context, `${env.server.url}${path}`);
  return { context, ...opened };
}

/** The stored ticket of the conversation on `page`, once the widget has sent everything. */
async function storedTicket(page, ready = () => true) {
  const id = await page.evaluate(() => JSON.parse(sessionStorage.getItem('deflect:conversation')).id);
  const ticket = await eventually(async () => {
    const found = (await env.server.tickets()).find((t) => t.id === id);
    return found && ready(found) ? found : null;
  }, { timeout: 30000 });
  await deliveriesSettled(page);
  return ticket;
}

test('a VIP identified with a valid signature is verified and keeps the VIP queue', async () => {
  const signature = sign('Vera@Example.com', 'vip');
  const identify = `Deflect('identify', ${JSON.stringify({ email: 'Vera@Example.com', name: 'Vera', tier: 'vip', signature })});`;
  const { page, context, assertCleanConsole } = await hostPage('/signed.html', { before: identify });
  const dialog = await openChat(page);
  await ask(page, 'Hi, where do I find lesson 4?');
  await handoffStarted(dialog);
  const ticket = await storedTicket(page);
  assert.equal(ticket.customer_verified, true);
  assert.equal(ticket.customer.signature ?? null, null, 'the signature is not kept');
  assert.equal(ticket.server_check.queue, 'Human-Escalation');
  assert.equal(ticket.server_check.priority, 'high');
  assert.deepEqual(ticket.server_check.rules_fired.map((r) => r.rule_id), ['vip-customer']);
  assert.equal(ticket.server_check.agrees, true);
  assert.deepEqual(ticket.server_check.unverified_bot_lines, [], 'every bot line is the engine\'s');
  assertCleanConsole();
  await context.close();
});

test('data-signature on the tag verifies too', async () => {
  const attrs = `data-email="pat@partner.example" data-tier="partner" data-signature="${sign('pat@partner.example', 'partner')}"`;
  const { page, context, assertCleanConsole } = await hostPage('/partner-signed.html', { attrs });
  const dialog = await openChat(page);
  await ask(page, 'hello');
  await handoffStarted(dialog);
  const ticket = await storedTicket(page);
  assert.equal(ticket.customer_verified, true);
  assert.equal(ticket.server_check.queue, 'Human-Escalation');
  assert.equal(ticket.server_check.agrees, true);
  assertCleanConsole();
  await context.close();
});

test('data-tier="vip" without a signature is unverified and not in the VIP queue; its follow-ups arrive with the token', async () => {
  const { page, context, assertCleanConsole } = await hostPage('/claimed-vip.html', { attrs: 'data-tier="vip"' });
  const dialog = await openChat(page);
  await ask(page, 'Hi, where do I find lesson 4?');
  await handoffStarted(dialog);
  // The widget believed the tag (it escalated); the inbox does not.
  await finishHandoff(dialog, 'claimed@example.com');
  const ticket = await storedTicket(page, (t) => t.follow_ups.length > 0);
  assert.equal(ticket.rules_fired[0].rule_id, 'vip-customer', 'the browser claimed VIP');
  assert.equal(ticket.customer_verified, false);
  assert.notEqual(ticket.server_check.queue, 'Human-Escalation');
  assert.deepEqual(ticket.server_check.rules_fired, []);
  assert.equal(ticket.server_check.agrees, false);
  assert.deepEqual(ticket.follow_ups.map((f) => f.contact?.email), ['claimed@example.com'], 'the contact arrived as a follow-up');
  assert.equal(ticket.reply_to.email, 'claimed@example.com');
  const token = await page.evaluate(() => JSON.parse(localStorage.getItem('deflect:ticket-tokens')));
  assert.match(token[ticket.id], /^[0-9a-f]{64}$/, 'the widget keeps the ticket\'s token');
  assertCleanConsole();
  await context.close();
});
