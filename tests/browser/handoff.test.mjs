// Guided troubleshooting and every kind of handoff trigger in a real browser, each
// counted in the real inbox: a solved flow sends nothing, a handoff sends exactly one
// ticket with the context a person needs, and a negated trigger keeps the bot helping.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, openPageIn, openChat, ask, eventually, deliveriesSettled, handoffStarted, contactForm, useSiteAndBrowser } from './harness.mjs';

const env = useSiteAndBrowser();

/** The tickets that arrived since `before` was taken, once the widget has nothing left
 *  to send (so a duplicate would be among them). */
async function newTickets(before, page, expected = 1) {
  await eventually(async () => (await env.server.tickets()).length >= before.length + expected);
  await deliveriesSettled(page);
  const known = new Set(before.map((t) => t.id));
  return (await env.server.tickets()).filter((t) => !known.has(t.id));
}

const handedOff = handoffStarted;

test('a flow started from a question can go back, start over and end solved without a ticket', async () => {
  const before = await env.server.tickets();
  const { page, context, requests, assertCleanConsole } = await openPage(env.browser, `${env.server.url}/`);
  const dialog = await openChat(page);
  await ask(page, "I can't log in");
  await dialog.getByRole('button', { name: 'I forgot my password', exact: true }).click();
  await dialog.getByRole('button', { name: 'Back', exact: true }).click();
  await dialog.getByRole('button', { name: 'The page reloads and I\'m still signed out', exact: true }).click();
  await dialog.getByRole('button', { name: 'Start over', exact: true }).click();
  // The first step again: its choices are back and "Back" is not offered.
  await dialog.getByRole('button', { name: 'I forgot my password', exact: true }).click();
  await dialog.getByRole('button', { name: "Yes, I'm in", exact: true }).click();
  await dialog.getByText("glad that's sorted", { exact: false }).waitFor();
  // A handoff stores its ticket in the outbox in the same task that renders the reply.
  assert.equal(await page.evaluate(() => localStorage.getItem('deflect:outbox')), null, 'no ticket queued');
  assert.deepEqual(requests.filter((url) => url.includes('/api/tickets')), [], 'no ticket sent');
  assert.equal((await env.server.tickets()).length, before.length, 'a solved flow sends no ticket');
  assertCleanConsole();
  await context.close();
});

test('a flow that ends in a handoff sends its checklist and path, refuses a card number as an order number, and needs no contact', async () => {
  const before = await env.server.tickets();
  const { page, context, assertCleanConsole } = await openPage(env.browser, `${env.server.url}/`);
  const dialog = await openChat(page);
  await ask(page, 'I paid but have no access');
  await dialog.getByRole('button', { name: 'No confirmation email', exact: true }).click();
  await dialog.getByRole('button', { name: "There's a charge but no email", exact: true }).click();
  const form = dialog.getByRole('form');
  await form.getByLabel('Email used at checkout').fill('not an email');
  await form.getByRole('button', { name: 'Send details' }).click();
  await dialog.getByText('is not an email address', { exact: false }).waitFor();
  await form.getByLabel('Order or invoice number', { exact: false }).fill('4111 1111 1111 1111');
  await form.getByLabel('Email used at checkout').fill('maya@example.com');
  await form.getByLabel('How did you pay?').selectOption('Card');
  await form.getByRole('button', { name: 'Send details' }).click();
  await dialog.getByText('just the order or invoice number', { exact: false }).waitFor();
  await form.getByLabel('Order or invoice number', { exact: false }).fill('BA-10432');
  await form.getByRole('button', { name: 'Send details' }).click();
  // The checkout email is the way to reply, and the flow asked the checklist already.
  await dialog.getByText('reply to maya@example.com within 24 hours', { exact: false }).first().waitFor();
  assert.equal(await contactForm(dialog).count(), 0, 'no contact asked');
  const [ticket, ...more] = await newTickets(before, page);
  assert.equal(more.length, 0, 'exactly one ticket');
  assert.equal(ticket.reason, 'Paid but purchase not unlocked after troubleshooting');
  assert.equal(ticket.queue, 'Billing');
  assert.deepEqual(ticket.flow_path.map((s) => s.step_id), ['receipt', 'find-receipt', 'details']);
  assert.equal(ticket.details.invoice_number, 'BA-10432');
  assert.equal(ticket.details.billing_email, 'maya@example.com');
  assert.equal(ticket.customer.email, 'maya@example.com');
  assert.ok(!JSON.stringify(ticket).includes('4111 1111 1111 1111'), 'the full card number never left the browser');
  assert.equal(ticket.deliveries, 1);
  assertCleanConsole();
  await context.close();
});

for (const [kind, message, rule] of [
  ['a chargeback (bank contact)', 'I contacted my bank about this charge', 'chargeback'],
  ['a legal threat', "I'm going to talk to my lawyer about this", 'legal-threat'],
  ['an explicit request for a human', 'agent', 'human-request'],
]) {
  test(`${kind} hands off at once with exactly one ticket`, async () => {
    const before = await env.server.tickets();
    const { page, context, assertCleanConsole } = await openPage(env.browser, `${env.server.url}/`);
    const dialog = await openChat(page);
    await ask(page, message);
    await handedOff(dialog);
    const [ticket, ...more] = await newTickets(before, page);
    assert.equal(more.length, 0, 'exactly one ticket');
    assert.equal(ticket.queue, 'Human-Escalation');
    assert.equal(ticket.rules_fired[0].rule_id, rule);
    assert.equal(ticket.rules_fired[0].text, message);
    // The bot has stopped deflecting and says so.
    await ask(page, 'How do I reset my password?');
    await dialog.getByText('is with our team', { exact: false }).waitFor();
    assert.equal(await dialog.getByRole('button', { name: 'Reset your password' }).count(), 0);
    assertCleanConsole();
    await context.close();
  });
}

test('a refund asked after troubleshooting was suggested hands off', async () => {
  const before = await env.server.tickets();
  const { page, context, assertCleanConsole } = await openPage(env.browser, `${env.server.url}/`);
  const dialog = await openChat(page);
  await ask(page, 'how can I get a refund');
  await dialog.getByRole('log').getByRole('button').first().waitFor();
  assert.equal((await env.server.tickets()).length, before.length, 'a first refund question is answered');
  await ask(page, 'That did not work, I want my money back');
  await handedOff(dialog);
  const [ticket, ...more] = await newTickets(before, page);
  assert.equal(more.length, 0);
  assert.equal(ticket.rules_fired[0].rule_id, 'refund-after-troubleshooting');
  assert.equal(ticket.priority, 'high');
  assert.ok(ticket.articles_shown.length > 0, 'the ticket lists what was suggested');
  assertCleanConsole();
  await context.close();
});

test('a VIP from the page (Deflect identify, ?tier=vip) reaches a person on the first message', async () => {
  const before = await env.server.tickets();
  const { page, context, assertCleanConsole } = await openPage(env.browser, `${env.server.url}/?tier=vip`);
  const dialog = await openChat(page);
  await ask(page, 'Hi, where do I find lesson 4?');
  await handedOff(dialog);
  const [ticket, ...more] = await newTickets(before, page);
  assert.equal(more.length, 0);
  assert.equal(ticket.rules_fired[0].rule_id, 'vip-customer');
  assert.equal(ticket.customer.tier, 'vip');
  assert.equal(ticket.customer.email, 'sam.rivera@example.com');
  assert.equal(ticket.priority, 'high');
  assertCleanConsole();
  await context.close();
});

test('a visitor identified as VIP after the chat started reaches a person on the next message', async () => {
  const before = await env.server.tickets();
  const { page, context, assertCleanConsole } = await openPage(env.browser, `${env.server.url}/`);
  const dialog = await openChat(page);
  await ask(page, 'where are my invoices');
  await dialog.getByRole('log').getByRole('button').first().waitFor();
  assert.equal((await env.server.tickets()).length, before.length);
  await page.evaluate(() => window.Deflect('identify', { email: 'vip@example.com', name: 'Val', tier: 'vip' }));
  await ask(page, 'and where is my certificate?');
  await handedOff(dialog);
  const [ticket, ...more] = await newTickets(before, page);
  assert.equal(more.length, 0);
  assert.equal(ticket.rules_fired[0].rule_id, 'vip-customer');
  assert.equal(ticket.customer.email, 'vip@example.com');
  assertCleanConsole();
  await context.close();
});

test('a partner from the script tag (data-tier) reaches a person on the first message', async () => {
  const before = await env.server.tickets();
  const context = await env.browser.newContext();
  // A host page embedding the loader with data-tier, served from the demo's origin.
  await context.route(`${env.server.url}/partner.html`, (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: '<!doctype html><html lang="en"><title>Partner area</title><h1>Partner area</h1>' +
        '<script src="/deflect.js" data-endpoint="/api/tickets" data-tier="partner" data-email="pat@partner.example" async></script>',
    })
  );
  const { page, assertCleanConsole } = await openPageIn(context, `${env.server.url}/partner.html`);
  const dialog = await openChat(page);
  await ask(page, 'hello');
  await handedOff(dialog);
  const [ticket, ...more] = await newTickets(before, page);
  assert.equal(more.length, 0);
  assert.equal(ticket.rules_fired[0].rule_id, 'vip-customer');
  assert.equal(ticket.customer.tier, 'partner');
  assertCleanConsole();
  await context.close();
});

test('answers that did not help twice hand off with the articles marked unhelpful', async () => {
  const before = await env.server.tickets();
  const { page, context, assertCleanConsole } = await openPage(env.browser, `${env.server.url}/`);
  const dialog = await openChat(page);
  await ask(page, 'where are my invoices');
  const log = dialog.getByRole('log');
  await log.getByRole('button').first().click();
  await dialog.getByRole('button', { name: 'No', exact: true }).click();
  await dialog.getByText("Let's try something else", { exact: false }).waitFor();
  await log.getByRole('button').first().click();
  await dialog.getByRole('button', { name: 'No', exact: true }).click();
  await handedOff(dialog);
  const [ticket, ...more] = await newTickets(before, page);
  assert.equal(more.length, 0);
  assert.equal(ticket.reason, 'Suggested answers did not help');
  assert.ok(ticket.articles_shown.filter((a) => a.helped === false).length >= 1, JSON.stringify(ticket.articles_shown));
  assert.equal(ticket.queue, 'Billing');
  assertCleanConsole();
  await context.close();
});

test('a negated or quoted trigger does not escalate', async () => {
  const before = await env.server.tickets();
  const { page, context, assertCleanConsole } = await openPage(env.browser, `${env.server.url}/`);
  const dialog = await openChat(page);
  await ask(page, 'This is not a chargeback, I just want to understand a charge on my invoice');
  await dialog.getByRole('log').getByRole('button').first().waitFor();
  await ask(page, 'the email said "chargeback notice" - what does that mean?');
  // The reply follows the question, rendered with any handoff in the same task.
  await dialog.getByRole('log').locator('.row.me').nth(1).locator('xpath=following-sibling::*').first().waitFor();
  assert.equal(await dialog.getByText('Your reference:', { exact: false }).count(), 0, 'no handoff');
  assert.equal(await contactForm(dialog).count(), 0, 'no handoff');
  assert.equal((await env.server.tickets()).length, before.length, 'no ticket');
  assertCleanConsole();
  await context.close();
});
