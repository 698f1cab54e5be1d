// The relay under load, with its destinations failing part of the time: tickets and
// follow-ups posted to the real `deflect serve` (SQLite, one instance; PostgreSQL, two
// instances on one database, posts spread over both), delivered by email to a real SMTP
// server and by webhook to a receiver verifying Standard Webhooks signatures. Prints,
// per setup: tickets/s accepted, p50/p99 from accepted to delivered for each channel,
// and lost and duplicated deliveries (both must be 0; the run fails otherwise).
//
//   npm run bench:relay [-- --tickets 600 --concurrency 16 --fail-rate 0.1 --only sqlite|postgres]

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { startSmtpSink, DEFAULT_PASSWORD } from '../relay/smtp-sink.mjs';
import { startReceiver } from '../relay/webhook-receiver.mjs';
import { startDeflect, createToken, relayConfig } from '../relay/deflect-serve.mjs';
import { startPostgres } from '../relay/postgres.mjs';
import { exampleTicket, exampleFollowUp } from '../relay/ticket.mjs';

const { values: args } = parseArgs({
  options: {
    tickets: { type: 'string', default: '600' },
    concurrency: { type: 'string', default: '16' },
    'fail-rate': { type: 'string', default: '0.1' },
    'follow-up-share': { type: 'string', default: '0.3' },
    only: { type: 'string', default: '' }, // "sqlite" or "postgres"
  },
});
const TICKETS = Number(args.tickets);
const CONCURRENCY = Number(args.concurrency);
const FAIL_RATE = Number(args['fail-rate']);
const FOLLOW_UP_SHARE = Number(args['follow-up-share']);
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

const config = (smtpPort, hookUrl) => relayConfig({ smtpPort, hookUrl, confirmation: false });

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** Runs `work(i)` for i in 0..n with `concurrency` at once. */
async function pool(n, concurrency, work) {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < n) await work(next++);
  }));
}

/** One setup: `instances` servers on `database` (null: SQLite). */
async function run(label, { database = null, instances = 1 }) {
  const arrivals = { email: new Map(), webhook: new Map() };
  const firstArrival = (channel, key) => {
    if (!arrivals[channel].has(key)) arrivals[channel].set(key, performance.now());
  };
  const sink = await startSmtpSink({
    failRate: FAIL_RATE, failCode: 451,
    onMessage: (m) => firstArrival('email', m.messageId),
  });
  const receiver = await startReceiver({
    secret: SECRET, failRate: FAIL_RATE, modes: ['500', '429', 'hang'],
    onEvent: (e) => e.event === 'delivery' && firstArrival('webhook', e.id),
  });
  const dir = mkdtempSync(join(tmpdir(), 'deflect-relay-bench-'));
  const token = createToken({ dir, database });
  const env = { RELAY_SMTP_PASSWORD: DEFAULT_PASSWORD, RELAY_HOOK_SECRET: SECRET };
  const servers = [];
  for (let i = 0; i < instances; i += 1) {
    servers.push(await startDeflect({ dir, database, token, env, config: config(sink.port, receiver.url), name: `deflect-${i}` }));
  }

  // What was accepted, and when: the key of each expected delivery → its acceptance time.
  const accepted = [];
  const started = performance.now();
  await pool(TICKETS, CONCURRENCY, async (i) => {
    const server = servers[i % servers.length];
    const ticket = exampleTicket();
    const ticketToken = await server.postTicket(ticket);
    accepted.push({ ticket: ticket.id, event: 'created', at: performance.now() });
    if ((i * 7919) % 100 < FOLLOW_UP_SHARE * 100) {
      // The visitor adds something, through whichever instance the balancer picks.
      const followUp = exampleFollowUp(ticket.id, 'One more thing: it was the annual plan.');
      await servers[(i + 1) % servers.length].postFollowUp(followUp, ticketToken);
      accepted.push({ ticket: ticket.id, event: followUp.id, at: performance.now() });
    }
  });
  const postSeconds = (performance.now() - started) / 1000;

  const expected = accepted.length;
  const deadline = 120_000;
  await Promise.allSettled([sink.waitFor(expected, deadline), receiver.waitFor(expected, deadline)]);
  const result = { label, tickets: TICKETS, events: expected, perSecond: TICKETS / postSeconds };
  for (const [channel, keyOf] of [['email', emailKey], ['webhook', webhookKey]]) {
    const arrivedAt = new Map([...arrivals[channel]].map(([id, at]) => [keyOf(id, receiver), at]));
    const latencies = accepted.filter((a) => arrivedAt.has(`${a.ticket}/${a.event}`))
      .map((a) => arrivedAt.get(`${a.ticket}/${a.event}`) - a.at).sort((x, y) => x - y);
    result[channel] = {
      p50: percentile(latencies, 50), p99: percentile(latencies, 99),
      lost: expected - latencies.length,
      duplicated: channel === 'email' ? sink.duplicates().length : receiver.duplicates,
    };
  }
  result.faults = { smtp4xx: sink.rejected, webhook: receiver.faults, badSignatures: receiver.rejectedSignatures };
  await Promise.all(servers.map((s) => s.stop()));
  await Promise.all([sink.close(), receiver.close()]);
  rmSync(dir, { recursive: true, force: true });
  return result;
}

/** `<deflect.{ticket}.{event}.{destination hash}@domain>` → `ticket/event`. */
function emailKey(messageId) {
  const match = /^<?deflect\.(.+)\.([^.@]+)\.[0-9a-f]+@/.exec(messageId ?? '');
  return match ? `${match[1]}/${match[2]}` : messageId;
}

/** A webhook id → `ticket/event`, from the delivery it names. */
function webhookKey(id, receiver) {
  const delivery = receiver.deliveries.find((d) => d.id === id);
  const data = delivery?.payload?.data ?? {};
  return delivery?.type === 'ticket.follow_up' ? `${data.id}/${data.follow_up?.id}` : `${data.id}/created`;
}

const ms = (value) => (value === undefined ? '—' : `${Math.round(value)} ms`);

const results = [];
if (args.only !== 'postgres') results.push(await run('SQLite, 1 instance', {}));
if (args.only !== 'sqlite') {
  const pg = await startPostgres();
  try {
    results.push(await run('PostgreSQL, 2 instances', { database: pg.url, instances: 2 }));
  } finally {
    await pg.stop();
  }
}

console.log(`\nRelay benchmark: ${TICKETS} tickets (+${Math.round(FOLLOW_UP_SHARE * 100)}% with a follow-up), ${CONCURRENCY} concurrent clients, `
  + `SMTP answering 451 and the receiver 500/429/hanging for ${Math.round(FAIL_RATE * 100)}% of attempts\n`);
console.log('| setup | tickets/s accepted | email p50 | email p99 | webhook p50 | webhook p99 | lost | duplicated |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
let failed = false;
for (const r of results) {
  const lost = r.email.lost + r.webhook.lost;
  const duplicated = r.email.duplicated + r.webhook.duplicated;
  failed ||= lost > 0 || duplicated > 0 || r.faults.badSignatures > 0;
  console.log(`| ${r.label} | ${r.perSecond.toFixed(0)} | ${ms(r.email.p50)} | ${ms(r.email.p99)} | ${ms(r.webhook.p50)} | ${ms(r.webhook.p99)} | ${lost} | ${duplicated} |`);
}
for (const r of results) {
  console.log(`${r.label}: ${r.events} deliveries per channel; faults played: SMTP 451 ×${r.faults.smtp4xx}, `
    + `webhook 500 ×${r.faults.webhook['500']}, 429 ×${r.faults.webhook['429']}, hang ×${r.faults.webhook.hang}; bad signatures ${r.faults.badSignatures}`);
}
if (failed) {
  console.error('FAILED: a delivery was lost or duplicated');
  process.exitCode = 1;
}
