// Ticket delivery under faults, in a real browser against the real inbox: the endpoint
// failing then recovering, a lost acknowledgement, a reload or a closed tab while a
// ticket is pending, a hung endpoint, and the visitor going offline. Each time the
// inbox ends up with exactly one copy of the ticket.
//
// Faults are injected with Playwright routes on the ticket POST only; Chromium logs a
// "Failed to load resource" line for each failed request, which these tests expect
// (INJECTED_FAILURES) — any other console line still fails the test.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPageIn, openChat, ask, eventually, deliveriesSettled, handoffStarted, finishHandoff, INJECTED_FAILURES, useSiteAndBrowser } from './harness.mjs';

const env = useSiteAndBrowser();

const OUTBOX_KEY = 'deflect:outbox';

/** Routes the visitor's ticket POSTs through `handler(route, attempt)`; GETs pass. */
async function routeTicketPosts(context, handler) {
  let attempts = 0;
  await context.route(`${env.server.url}/api/tickets`, (route) => {
    if (route.request().method() !== 'POST') return route.fallback();
    attempts += 1;
    return handler(route, attempts);
  });
  return () => attempts;
}

/** Hands off by asking for a person and waits for the handoff to start (the ticket is
 *  queued then, before the visitor has answered what it asks). */
async function handOff(page) {
  const dialog = await openChat(page);
  await ask(page, 'Can I talk to a person please?');
  await handoffStarted(dialog);
  return { dialog };
}

/** Waits for ticket `id` in the inbox and for the widget to have nothing left to send,
 *  then checks it is the only copy. */
async function storedOnce(id, page) {
  const ticket = await eventually(async () => (await env.server.tickets()).find((t) => t.id === id), { timeout: 30000 });
  await deliveriesSettled(page);
  const copies = (await env.server.tickets()).filter((t) => t.id === id);
  assert.equal(copies.length, 1, 'one copy in the inbox');
  return ticket;
}

async function outbox(page) {
  return page.evaluate((key) => JSON.parse(localStorage.getItem(key) || '{}'), OUTBOX_KEY);
}

/** The id of the one ticket waiting in the outbox. */
async function pendingId(page) {
  const ids = await eventually(async () => {
    const box = await outbox(page);
    return Object.keys(box).length ? Object.keys(box) : null;
  });
  assert.equal(ids.length, 1);
  return ids[0];
}

test('the endpoint answers 500 twice, then the ticket arrives exactly once', async () => {
  const context = await env.browser.newContext();
  const attempts = await routeTicketPosts(context, (route, n) =>
    n <= 2 ? route.fulfill({ status: 500, contentType: 'application/json', body: '{"error":"down"}' }) : route.continue()
  );
  const { page, assertCleanConsole } = await openPageIn(context, `${env.server.url}/`);
  const { dialog } = await handOff(page);
  const id = await pendingId(page);
  await finishHandoff(dialog);
  await dialog.getByText('within 24 hours', { exact: false }).first().waitFor();
  const ticket = await storedOnce(id, page);
  assert.equal(attempts(), 3, 'two failures, then the retry that succeeded');
  assert.equal(ticket.deliveries, 1);
  assert.deepEqual(await outbox(page), {}, 'the outbox is empty once acknowledged');
  assert.equal(await dialog.getByText("as soon as you're back online", { exact: false }).count(), 0, 'online: no offline notice');
  assertCleanConsole({ allow: INJECTED_FAILURES });
  await context.close();
});

test('a 429 with Retry-After is retried and stored once', async () => {
  const context = await env.browser.newContext();
  const attempts = await routeTicketPosts(context, (route, n) =>
    n === 1
      ? route.fulfill({ status: 429, headers: { 'Retry-After': '1' }, contentType: 'application/json', body: '{"error":"slow down"}' })
      : route.continue()
  );
  const { page, assertCleanConsole } = await openPageIn(context, `${env.server.url}/`);
  await handOff(page);
  const id = await pendingId(page);
  await storedOnce(id, page);
  assert.equal(attempts(), 2);
  assertCleanConsole({ allow: INJECTED_FAILURES });
  await context.close();
});

test('when the acknowledgement is lost the same ticket id is resent and stored once', async () => {
  const context = await env.browser.newContext();
  const attempts = await routeTicketPosts(context, async (route, n) => {
    if (n > 1) return route.continue();
    await route.fetch(); // the inbox stores it…
    return route.abort('connectionreset'); // …but the browser never hears back
  });
  const { page, assertCleanConsole } = await openPageIn(context, `${env.server.url}/`);
  await handOff(page);
  const id = await pendingId(page);
  const ticket = await storedOnce(id, page);
  await eventually(async () => Object.keys(await outbox(page)).length === 0);
  assert.equal(attempts(), 2);
  assert.equal((await env.server.tickets()).find((t) => t.id === id).deliveries, 2, 'delivered twice, stored once');
  assert.equal(ticket.id, id);
  assertCleanConsole({ allow: INJECTED_FAILURES });
  await context.close();
});

test('a reload while the ticket is pending delivers it exactly once on the next page view', async () => {
  const context = await env.browser.newContext();
  const attempts = await routeTicketPosts(context, (route) =>
    route.fulfill({ status: 500, contentType: 'application/json', body: '{"error":"down"}' })
  );
  const { page, assertCleanConsole } = await openPageIn(context, `${env.server.url}/`);
  await handOff(page);
  const id = await pendingId(page);
  await eventually(() => attempts() >= 1);
  assert.equal((await env.server.tickets()).filter((t) => t.id === id).length, 0, 'nothing stored yet');
  await context.unrouteAll({ behavior: 'ignoreErrors' });
  await page.reload();
  // The chat is not even opened: the loader finds the outbox and delivers it.
  const ticket = await storedOnce(id, page);
  assert.equal(ticket.deliveries, 1);
  await eventually(async () => Object.keys(await outbox(page)).length === 0);
  assertCleanConsole({ allow: INJECTED_FAILURES });
  await context.close();
});

test('a tab closed mid-send leaves the ticket to the next page view, stored once', async () => {
  const context = await env.browser.newContext();
  let held = null;
  await routeTicketPosts(context, (route) => {
    held = route; // never answered while this tab is open
  });
  const first = await openPageIn(context, `${env.server.url}/`);
  await handOff(first.page);
  const id = await pendingId(first.page);
  await eventually(() => held);
  await first.page.close();
  await held.abort().catch(() => {});
  await context.unrouteAll({ behavior: 'ignoreErrors' });
  const second = await openPageIn(context, `${env.server.url}/course.html`);
  const ticket = await storedOnce(id, second.page);
  assert.equal(ticket.id, id);
  first.assertCleanConsole({ allow: INJECTED_FAILURES });
  second.assertCleanConsole({ allow: INJECTED_FAILURES });
  await context.close();
});

test('offline: the visitor is told it will be sent, and it is sent once back online', async () => {
  const context = await env.browser.newContext();
  const { page, assertCleanConsole } = await openPageIn(context, `${env.server.url}/`);
  let failedPosts = 0;
  page.on('requestfailed', (request) => {
    if (request.method() === 'POST' && request.url().endsWith('/api/tickets')) failedPosts += 1;
  });
  const dialog = await openChat(page);
  await context.setOffline(true);
  await ask(page, 'agent');
  await handoffStarted(dialog);
  const notice = dialog.getByText("We'll send this as soon as you're back online.");
  await notice.waitFor();
  const id = await pendingId(page);
  await eventually(() => failedPosts >= 2); // the first attempt and its retry both failed
  assert.equal((await env.server.tickets()).filter((t) => t.id === id).length, 0, 'nothing sent while offline');
  await context.setOffline(false);
  await storedOnce(id, page);
  await notice.waitFor({ state: 'detached' });
  assertCleanConsole({ allow: INJECTED_FAILURES });
  await context.close();
});

test('a hung endpoint times out and the ticket is retried, stored once', { timeout: 60000 }, async () => {
  const context = await env.browser.newContext();
  let hung = null;
  const attempts = await routeTicketPosts(context, (route, n) => {
    if (n === 1) hung = route; // no answer: the widget gives up on it after its timeout
    else return route.continue();
  });
  const { page, assertCleanConsole } = await openPageIn(context, `${env.server.url}/`);
  await handOff(page);
  const id = await pendingId(page);
  await storedOnce(id, page);
  assert.equal(attempts(), 2, 'one timed-out attempt, one retry');
  await hung?.abort().catch(() => {});
  assertCleanConsole({ allow: INJECTED_FAILURES });
  await context.close();
});

test('what the visitor writes after the handoff reaches the ticket once, and only after the ticket itself', async () => {
  const context = await env.browser.newContext();
  const log = [];
  const ticketAttempts = await routeTicketPosts(context, (route, n) => {
    log.push(n === 1 ? 'ticket failed' : 'ticket sent');
    return n === 1 ? route.fulfill({ status: 500, contentType: 'application/json', body: '{"error":"down"}' }) : route.continue();
  });
  let followUpAttempts = 0;
  await context.route(`${env.server.url}/api/tickets/*/messages`, (route) => {
    followUpAttempts += 1;
    log.push(followUpAttempts === 1 ? 'follow-up failed' : 'follow-up sent');
    return followUpAttempts === 1 ? route.fulfill({ status: 503, body: 'busy' }) : route.continue();
  });
  const { page, assertCleanConsole } = await openPageIn(context, `${env.server.url}/`);
  const { dialog } = await handOff(page);
  const id = await pendingId(page);
  await ask(page, 'Forgot to say: my order number is BA-10442');
  await dialog.getByText('is with our team', { exact: false }).waitFor();
  const ticket = await eventually(async () => {
    const stored = (await env.server.tickets()).find((t) => t.id === id);
    return stored && stored.follow_ups.length ? stored : null;
  }, { timeout: 30000 });
  await deliveriesSettled(page);
  const again = (await env.server.tickets()).find((t) => t.id === id);
  assert.deepEqual(again.follow_ups.map((f) => f.text), ['Forgot to say: my order number is BA-10442'], 'stored once');
  assert.equal(ticket.deliveries, 1);
  assert.equal(ticketAttempts(), 2);
  assert.deepEqual(log.slice(0, 2), ['ticket failed', 'ticket sent'], `the follow-up waited for its ticket: ${log}`);
  assert.deepEqual(await outbox(page), {}, 'the outbox is empty once both are acknowledged');
  assertCleanConsole({ allow: INJECTED_FAILURES });
  await context.close();
});
