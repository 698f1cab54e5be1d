// The relay end to end: the real `deflect serve` delivers tickets and follow-ups to a
// real SMTP server (smtp-server, with AUTH) and to an HTTP receiver that verifies every
// signature with the Standard Webhooks reference library — through outages, 4xx, 500,
// 429, hangs and a SIGKILL mid-delivery — and each arrives exactly once.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startSmtpSink, DEFAULT_USER, DEFAULT_PASSWORD } from './smtp-sink.mjs';
import { startReceiver } from './webhook-receiver.mjs';
import { startDeflect, createToken, addAgent, relayConfig, SUPPORT } from './deflect-serve.mjs';
import { exampleTicket, exampleFollowUp } from './ticket.mjs';
import { eventually } from '../browser/harness.mjs';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const ENV = { RELAY_SMTP_PASSWORD: DEFAULT_PASSWORD, RELAY_HOOK_SECRET: SECRET };

/** A temp dir with an API token for its inbox; removed after the test. */
function inboxDir(t) {
  const dir = mkdtempSync(join(tmpdir(), 'deflect-relay-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return { dir, token: createToken({ dir }) };
}

async function start(t, options) {
  const server = await startDeflect(options);
  t.after(() => server.kill());
  return server;
}

const reference = (id) => id.replace(/[^A-Za-z0-9]/g, '').slice(0, 8).toUpperCase();

test('a ticket and its follow-up reach the helpdesk as one thread over STARTTLS with auth, the customer is told, and a verified webhook sees both', async (t) => {
  const sink = await startSmtpSink();
  const receiver = await startReceiver({ secret: SECRET });
  t.after(() => Promise.all([sink.close(), receiver.close()]));
  const { dir, token } = inboxDir(t);
  const config = relayConfig({ smtpPort: sink.port, hookUrl: receiver.url, starttls: true });
  const server = await start(t, { dir, token, env: ENV, config });

  // A client that did not mask (no widget): the relay must not pass the number on.
  const ticket = exampleTicket(undefined, {
    transcript: [
      { at_ms: 1, from: 'customer', text: 'I was charged twice on 4242 4242 4242 4242, <script>alert(1)</script>' },
      { at_ms: 2, from: 'bot', text: 'Let me get you to a person.' },
    ],
  });
  const ticketToken = await server.postTicket(ticket);
  await server.postFollowUp(exampleFollowUp(ticket.id, 'It was order 42, card 4242-4242-4242-4242'), ticketToken);

  const mails = await sink.waitFor(3);
  const toDesk = mails.filter((m) => m.to.includes(SUPPORT));
  const [created, followUp] = [toDesk.find((m) => !m.inReplyTo), toDesk.find((m) => m.inReplyTo)];
  assert.ok(created && followUp, `two emails to the helpdesk: ${JSON.stringify(mails.map((m) => m.subject))}`);
  assert.equal(created.from, 'relay@brushwork.example');
  assert.equal(created.replyTo, 'ada@example.com', 'the agent replies straight to the customer');
  assert.equal(created.user, DEFAULT_USER, 'the relay authenticated');
  assert.equal(created.tls, true, 'over STARTTLS');
  assert.match(created.subject, new RegExp(reference(ticket.id)));
  assert.match(created.subject, /refund/i);
  assert.equal(followUp.inReplyTo, created.messageId, 'the follow-up answers the ticket email');
  assert.ok(followUp.references.includes(created.messageId), 'and names it in References');
  assert.equal(followUp.replyTo, 'ada@example.com');
  const attachment = created.attachments.find((a) => a.contentType === 'application/json');
  assert.ok(attachment, 'the ticket JSON is attached');
  assert.equal(JSON.parse(attachment.content.toString('utf8')).id, ticket.id);
  for (const part of [created.text, created.html, followUp.text, attachment.content.toString('utf8')]) {
    assert.doesNotMatch(part, /4242[ -]?4242[ -]?4242[ -]?4242/, 'card numbers stay masked');
  }
  assert.match(created.text, /4242/, 'the last four digits are kept for the agent');
  assert.doesNotMatch(created.html, /<script>/, 'customer text is never HTML');

  const confirmation = mails.find((m) => m.to.includes('ada@example.com'));
  assert.ok(confirmation, 'the customer got a confirmation');
  assert.equal(confirmation.replyTo, SUPPORT);
  assert.match(confirmation.text, new RegExp(reference(ticket.id)));
  assert.match(confirmation.text, /within 24 hours/);

  const hooks = await receiver.waitFor(2);
  assert.deepEqual(hooks.map((h) => h.type).sort(), ['ticket.created', 'ticket.follow_up']);
  assert.equal(receiver.rejectedSignatures, 0);
  assert.equal(hooks.find((h) => h.type === 'ticket.created').payload.data.id, ticket.id);

  const listed = await eventually(async () => {
    const stored = await server.ticket(ticket.id);
    return stored?.relayed?.length === 5 && stored.relayed.every((d) => d.status === 'delivered') && stored;
  }, { what: 'every delivery marked delivered' });
  assert.deepEqual(listed.relayed.map((d) => d.destination).sort(),
    ['automation', 'automation', 'customer-confirmation', 'helpdesk', 'helpdesk']);
  assert.deepEqual([...sink.countsByMessageId.values()].filter((n) => n > 1), []);
  assert.equal(receiver.duplicates, 0);
});

test('the confirmation speaks the visitor\'s language', async (t) => {
  const sink = await startSmtpSink();
  t.after(() => sink.close());
  const { dir, token } = inboxDir(t);
  const server = await start(t, { dir, token, env: ENV, config: relayConfig({ smtpPort: sink.port }) });
  const ticket = exampleTicket(undefined, { lang: 'es' });
  await server.postTicket(ticket);
  const mails = await sink.waitFor(2);
  const confirmation = mails.find((m) => m.to.includes('ada@example.com'));
  assert.match(confirmation.text, /en menos de 24 horas/);
  assert.match(confirmation.text, new RegExp(reference(ticket.id)));
});

test('with only_verified, an unverified customer gets no confirmation, and the inbox says why', async (t) => {
  const sink = await startSmtpSink();
  t.after(() => sink.close());
  const { dir, token } = inboxDir(t);
  const config = `${relayConfig({ smtpPort: sink.port })}\nonly_verified = true\n`;
  const server = await start(t, { dir, token, env: ENV, config });
  const ticket = exampleTicket();
  await server.postTicket(ticket);
  const confirmation = await eventually(async () => {
    const stored = await server.ticket(ticket.id);
    // Settled: neither waiting nor claimed by a worker ('sending') any more.
    return stored?.relayed?.find((d) => d.destination === 'customer-confirmation' && !['pending', 'sending'].includes(d.status));
  }, { what: 'the confirmation settled' });
  assert.equal(confirmation.status, 'skipped');
  assert.match(confirmation.last_error, /not verified/);
  const mails = await sink.waitFor(1);
  assert.deepEqual(mails.map((m) => m.to), [[SUPPORT]], 'only the helpdesk got mail');
});

test('SMTP down, then answering 4xx, then up: every email arrives once', async (t) => {
  const sink = await startSmtpSink({ down: true, failFirst: 2, failCode: 451 });
  t.after(() => sink.close());
  const { dir, token } = inboxDir(t);
  const server = await start(t, { dir, token, env: ENV, config: relayConfig({ smtpPort: sink.port, confirmation: false }) });
  const ids = [];
  for (let n = 0; n < 3; n += 1) {
    const ticket = exampleTicket();
    ids.push(ticket.id);
    await server.postTicket(ticket);
  }
  // The inbox shows the failure, with the mail server's error, while it lasts.
  const waiting = await eventually(async () => {
    const stored = await server.ticket(ids[0]);
    const delivery = stored?.relayed?.[0];
    return delivery?.status === 'pending' && delivery.attempts >= 1 && delivery.last_error ? delivery : null;
  }, { what: 'a failed attempt recorded' });
  assert.match(waiting.last_error, /mail server/);
  await sink.start();
  await sink.waitFor(3, 30_000);
  assert.ok(sink.rejected >= 2, `the sink refused ${sink.rejected} with 451`);
  assert.deepEqual(sink.duplicates(), []);
  assert.equal(new Set(sink.messages.map((m) => m.messageId)).size, 3);
});

test('a receiver answering 500, 429 and hanging gets every ticket once, signed', async (t) => {
  const receiver = await startReceiver({ secret: SECRET, failFirst: 3, modes: ['500', '429', 'hang'] });
  t.after(() => receiver.close());
  const { dir, token } = inboxDir(t);
  const server = await start(t, { dir, token, env: ENV, config: relayConfig({ hookUrl: receiver.url, timeout: 1 }) });
  const ids = [];
  for (let n = 0; n < 3; n += 1) {
    const ticket = exampleTicket();
    ids.push(ticket.id);
    await server.postTicket(ticket);
  }
  const deliveries = await receiver.waitFor(3, 30_000);
  assert.deepEqual(receiver.faults, { 500: 1, 429: 1, hang: 1 });
  assert.equal(receiver.duplicates, 0);
  assert.equal(receiver.rejectedSignatures, 0);
  assert.deepEqual(deliveries.map((d) => d.payload.data.id).sort(), [...ids].sort());
});

test('deflect serve killed with SIGKILL mid-delivery: after a restart every delivery arrives, none twice', async (t) => {
  // Before the kill: every webhook hangs (so the relay is mid-delivery) and the mail
  // server is down. After: the same destination names at a healthy receiver, mail up.
  const hungIds = new Set();
  const hanging = await startReceiver({ secret: SECRET, failRate: 1, modes: ['hang'], onEvent: (e) => e.id && hungIds.add(e.id) });
  const receiver = await startReceiver({ secret: SECRET });
  const sink = await startSmtpSink({ down: true });
  t.after(() => Promise.all([sink.close(), receiver.close(), hanging.close()]));
  const { dir, token } = inboxDir(t);
  const config = (hookUrl) => relayConfig({ smtpPort: sink.port, hookUrl, timeout: 2, confirmation: false });
  const first = await startDeflect({ dir, token, env: ENV, config: config(hanging.url) });
  const ids = [];
  for (let n = 0; n < 20; n += 1) {
    const ticket = exampleTicket();
    ids.push(ticket.id);
    await first.postTicket(ticket);
  }
  await eventually(() => hungIds.size >= 10, { what: 'webhooks in flight' });
  await first.kill('SIGKILL');
  await sink.start();
  const second = await start(t, { dir, token, env: ENV, config: config(receiver.url) });
  await Promise.all([receiver.waitFor(20, 30_000), sink.waitFor(20, 30_000)]);
  assert.equal(hanging.received, 0, 'nothing was acknowledged before the kill');
  assert.equal(receiver.duplicates, 0, 'no webhook id acknowledged twice');
  assert.deepEqual(sink.duplicates(), [], 'no email twice');
  const delivered = new Set(receiver.deliveries.map((d) => d.id));
  assert.ok([...hungIds].every((id) => delivered.has(id)), 'a retry carries the webhook-id of the attempt it repeats');
  assert.deepEqual(receiver.deliveries.map((d) => d.payload.data.id).sort(), [...ids].sort());
  for (const id of ids) {
    const stored = await second.ticket(id);
    assert.ok(stored.relayed.every((d) => d.status === 'delivered'), JSON.stringify(stored.relayed));
  }
});

test('an operator retries a failed delivery from the inbox page', async (t) => {
  const receiver = await startReceiver({ secret: SECRET, failFirst: 1, modes: ['500'] });
  t.after(() => receiver.close());
  const { dir, token } = inboxDir(t);
  addAgent({ dir }, 'ops@brushwork.example', 'a long enough password');
  // No retries: the first failure is final until someone asks again.
  const server = await start(t, { dir, token, env: ENV, config: relayConfig({ hookUrl: receiver.url, giveUpHours: 0 }) });
  const ticket = exampleTicket();
  await server.postTicket(ticket);
  const failed = await eventually(async () => {
    const stored = await server.ticket(ticket.id);
    return stored?.relayed?.[0]?.status === 'failed' && stored.relayed[0];
  }, { what: 'the delivery to fail' });
  assert.match(failed.last_error, /500/);

  const session = await logIn(server.url, 'ops@brushwork.example', 'a long enough password');
  const inbox = await (await fetch(`${server.url}/inbox`, { headers: { Cookie: session } })).text();
  assert.match(inbox, /failed/);
  const form = inbox.match(/<form method="post" action="(\/inbox\/tickets\/[^"]+\/retry)"><input type="hidden" name="csrf" value="([^"]+)"/);
  assert.ok(form, 'the page offers a retry');
  const forged = await fetch(`${server.url}${form[1]}`, {
    method: 'POST', redirect: 'manual', body: new URLSearchParams({ csrf: 'forged' }),
    headers: { Cookie: session, Origin: server.url },
  });
  assert.equal(forged.status, 403, 'a forged form is refused');
  assert.equal(receiver.received, 0);
  const retried = await fetch(`${server.url}${form[1].replaceAll('&amp;', '&')}`, {
    method: 'POST', redirect: 'manual', body: new URLSearchParams({ csrf: form[2] }),
    headers: { Cookie: session, Origin: server.url },
  });
  assert.equal(retried.status, 303);
  await receiver.waitFor(1);
  assert.equal(receiver.duplicates, 0);
});

/** Logs in through the login form as a browser would; resolves with the session cookie. */
async function logIn(url, email, password) {
  const page = await fetch(`${url}/login`);
  const loginCookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const csrf = (await page.text()).match(/name="csrf" value="([^"]+)"/)[1];
  const response = await fetch(`${url}/login`, {
    method: 'POST', redirect: 'manual', body: new URLSearchParams({ email, password, csrf, next: '/inbox' }),
    headers: { Cookie: loginCookie, Origin: url },
  });
  assert.equal(response.status, 303, `login: ${response.status}`);
  return response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

test('two instances on one PostgreSQL share the outbox: each delivery once, even when one is killed mid-delivery', async (t) => {
  const { startPostgres } = await import('./postgres.mjs');
  const pg = await startPostgres();
  t.after(() => pg.stop());
  const hungIds = new Set();
  // A quarter of first attempts hang, so the killed instance is mid-delivery.
  const receiver = await startReceiver({
    secret: SECRET, failRate: 0.25, modes: ['hang', '500'],
    onEvent: (e) => e.mode === 'hang' && hungIds.add(e.id),
  });
  const sink = await startSmtpSink({ failRate: 0.2 });
  t.after(() => Promise.all([sink.close(), receiver.close()]));
  const dir = mkdtempSync(join(tmpdir(), 'deflect-relay-pg-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const token = createToken({ dir, database: pg.url });
  const config = relayConfig({ smtpPort: sink.port, hookUrl: receiver.url, timeout: 1, confirmation: false });
  const doomed = await startDeflect({ dir, database: pg.url, token, env: ENV, config, name: 'a' });
  const survivor = await start(t, { dir, database: pg.url, token, env: ENV, config, name: 'b' });
  const ids = [];
  for (let n = 0; n < 40; n += 1) {
    const ticket = exampleTicket();
    ids.push(ticket.id);
    await (n % 2 ? survivor : doomed).postTicket(ticket);
  }
  await eventually(() => hungIds.size >= 2, { what: 'deliveries in flight' });
  await doomed.kill('SIGKILL');
  await receiver.waitFor(40, 30_000);
  await eventually(() => sink.countsByMessageId.size >= 40, { timeout: 30_000, what: '40 distinct emails' });
  assert.equal(receiver.rejectedSignatures, 0);
  // Each ticket reached each destination under exactly one id, so a destination that
  // keeps the ids it has seen (as Standard Webhooks asks, and as helpdesks do with
  // Message-IDs) files it once. A delivery the killed instance had sent but not yet
  // recorded is sent again under its id: counted here, and never a second ticket.
  const idsPerTicket = (pairs) => {
    const byTicket = new Map();
    for (const [ticket, id] of pairs) byTicket.set(ticket, (byTicket.get(ticket) ?? new Set()).add(id));
    return byTicket;
  };
  const hooks = idsPerTicket(receiver.deliveries.map((d) => [d.payload.data.id, d.id]));
  const mails = idsPerTicket(sink.messages.map((m) => [m.subject.match(/Ref (\w+)/)?.[1], m.messageId]));
  assert.deepEqual([...hooks.keys()].sort(), [...ids].sort(), 'every ticket by webhook');
  assert.equal(mails.size, 40, 'every ticket by email');
  assert.ok([...hooks.values(), ...mails.values()].every((set) => set.size === 1), 'one id per ticket and destination');
  const delivered = new Set(receiver.deliveries.map((d) => d.id));
  assert.ok([...hungIds].every((id) => delivered.has(id)), 'what hung was delivered after all, under its id');
  t.diagnostic(`repeats after the kill, recognised by id: ${receiver.duplicates} webhooks, ${sink.duplicates().length} emails`);
});
