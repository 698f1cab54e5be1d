// The relay's test servers work: the SMTP sink parses what a client sends, asks for
// AUTH, fails on purpose and goes down and up on one port; the webhook receiver
// accepts what the Standard Webhooks library signs, refuses a wrong signature and plays
// its faults. The mail is sent by a raw SMTP exchange over `net`, the webhook signed by
// the `standardwebhooks` library itself, so neither test trusts the code it checks.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Webhook } from 'standardwebhooks';
import { DEFAULT_PASSWORD, DEFAULT_USER, startSmtpSink } from './smtp-sink.mjs';
import { startReceiver } from './webhook-receiver.mjs';

const SECRET = 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD';

/** A tiny SMTP client: `send(line)` resolves with the server's (last) reply line. */
async function smtpSession(port) {
  const socket = net.connect(port, '127.0.0.1');
  const lines = createInterface({ input: socket })[Symbol.asyncIterator]();
  const reply = async () => {
    for (;;) {
      const { value, done } = await lines.next();
      if (done) throw new Error('connection closed');
      if (value[3] !== '-') return value; // "250-…" continues, "250 …" ends a reply
    }
  };
  await reply(); // the greeting
  return {
    send: (line) => {
      socket.write(`${line}\r\n`);
      return reply();
    },
    close: () => socket.end(),
  };
}

const MIME = [
  'From: Deflect relay <relay@shop.example>',
  'To: support@shop.example',
  'Reply-To: ada@example.com',
  'Subject: [Billing] Charged twice · Ref ABCD1234',
  'Message-ID: <deflect.abcd1234.created@shop.example>',
  'In-Reply-To: <deflect.abcd1234.earlier@shop.example>',
  'References: <deflect.abcd1234.earlier@shop.example>',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="b1"',
  '',
  '--b1',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Card **** **** **** 4242 was charged twice.',
  '--b1',
  'Content-Type: application/json',
  'Content-Disposition: attachment; filename="ticket-ABCD1234.json"',
  '',
  '{"id":"abcd1234"}',
  '--b1--',
];

/** One authenticated mail transaction; resolves with the reply to the final dot. */
async function sendMail(port, { password = DEFAULT_PASSWORD } = {}) {
  const smtp = await smtpSession(port);
  try {
    assert.match(await smtp.send('EHLO client.localhost'), /^250 /);
    const auth = await smtp.send(`AUTH PLAIN ${Buffer.from(`\0${DEFAULT_USER}\0${password}`).toString('base64')}`);
    if (!auth.startsWith('235')) return auth;
    assert.match(await smtp.send('MAIL FROM:<relay@shop.example>'), /^250 /);
    assert.match(await smtp.send('RCPT TO:<support@shop.example>'), /^250 /);
    assert.match(await smtp.send('DATA'), /^354 /);
    return await smtp.send(`${MIME.join('\r\n')}\r\n.`);
  } finally {
    smtp.close();
  }
}

test('the SMTP sink parses an authenticated message, after failing the first on purpose', async () => {
  const sink = await startSmtpSink({ failFirst: 1, failCode: 451 });
  try {
    assert.match(await sendMail(sink.port), /^451 /);
    assert.equal(sink.messages.length, 0, 'a refused message is not kept');
    assert.match(await sendMail(sink.port), /^250 /);
    const [mail] = await sink.waitFor(1);
    assert.equal(mail.from, 'relay@shop.example');
    assert.deepEqual(mail.to, ['support@shop.example']);
    assert.equal(mail.replyTo, 'ada@example.com');
    assert.equal(mail.messageId, '<deflect.abcd1234.created@shop.example>');
    assert.equal(mail.inReplyTo, '<deflect.abcd1234.earlier@shop.example>');
    assert.deepEqual(mail.references, ['<deflect.abcd1234.earlier@shop.example>']);
    assert.match(mail.text, /\*\*\*\* 4242/);
    assert.equal(mail.attachments[0].filename, 'ticket-ABCD1234.json');
    assert.equal(mail.attachments[0].content.toString(), '{"id":"abcd1234"}');
    assert.equal(mail.user, DEFAULT_USER);
    assert.equal(sink.countsByMessageId.get(mail.messageId), 1);
    assert.equal(sink.rejected, 1);
    assert.deepEqual(sink.duplicates(), []);
  } finally {
    await sink.close();
  }
});

test('the SMTP sink refuses a wrong password, and goes down and up on the same port', async () => {
  const sink = await startSmtpSink();
  try {
    assert.match(await sendMail(sink.port, { password: 'wrong' }), /^535 /);
    const port = sink.port;
    await sink.stop();
    await assert.rejects(sendMail(port), /ECONNREFUSED/);
    await sink.start();
    assert.equal(sink.port, port);
    assert.match(await sendMail(port), /^250 /);
    assert.equal(sink.messages.length, 1);
  } finally {
    await sink.close();
  }
});

/** POSTs `body` to the receiver with Standard Webhooks headers signed by `secret`. */
function post(receiver, { id, body, secret = SECRET, signal }) {
  const timestamp = new Date();
  const signature = new Webhook(secret).sign(id, timestamp, body);
  return fetch(receiver.url, {
    method: 'POST',
    body,
    signal,
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'webhook-signature': signature,
    },
  });
}

test('the webhook receiver counts signed deliveries by id and refuses a wrong signature', async () => {
  const receiver = await startReceiver({ secret: SECRET });
  try {
    const body = JSON.stringify({ type: 'ticket.created', timestamp: new Date().toISOString(), data: { id: 't1' } });
    assert.equal((await post(receiver, { id: 'd1', body })).status, 204);
    assert.equal((await post(receiver, { id: 'd1', body })).status, 204);
    const forged = await post(receiver, { id: 'd2', body, secret: 'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
    assert.equal(forged.status, 401);
    assert.equal(receiver.received, 1);
    assert.equal(receiver.duplicates, 1);
    assert.equal(receiver.rejectedSignatures, 1);
    assert.equal(receiver.deliveries[0].type, 'ticket.created');
    assert.equal(receiver.deliveries[0].payload.data.id, 't1');
  } finally {
    await receiver.close();
  }
});

test('the webhook receiver answers 500, 429 with Retry-After, and hangs, as asked', async () => {
  const receiver = await startReceiver({ secret: SECRET, failFirst: 3, modes: ['500', '429', 'hang'], retryAfter: 7 });
  try {
    const body = '{"type":"ticket.follow_up"}';
    assert.equal((await post(receiver, { id: 'f1', body })).status, 500);
    const limited = await post(receiver, { id: 'f1', body });
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '7');
    await assert.rejects(post(receiver, { id: 'f1', body, signal: AbortSignal.timeout(300) }), /timeout|abort/i);
    assert.equal(receiver.received, 0, 'no fault counts as a delivery');
    assert.equal((await post(receiver, { id: 'f1', body })).status, 204);
    assert.equal(receiver.received, 1);
    assert.deepEqual(receiver.faults, { 500: 1, 429: 1, hang: 1 });
  } finally {
    await receiver.close();
  }
});

/** Spawns a sink program; resolves with its port and a reader of its next JSON line. */
async function spawnProgram(file, args) {
  const child = spawn(process.execPath, [fileURLToPath(new URL(file, import.meta.url)), ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit').then(([code]) => code);
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => JSON.parse((await lines.next()).value);
  const { port } = await next();
  return { child, port, next, exited };
}

test('both sinks run as programs: the port first, then one JSON line per event, ending with stdin', async () => {
  const smtp = await spawnProgram('./smtp-sink.mjs', ['--port', '0', '--fail-first', '1']);
  const hooks = await spawnProgram('./webhook-receiver.mjs', ['--port', '0', '--secret', SECRET]);
  try {
    assert.match(await sendMail(smtp.port), /^451 /);
    assert.deepEqual(await smtp.next(), { event: 'rejected', code: 451, messageId: '<deflect.abcd1234.created@shop.example>' });
    assert.match(await sendMail(smtp.port), /^250 /);
    const line = await smtp.next();
    assert.equal(line.event, 'message');
    assert.equal(line.replyTo, 'ada@example.com');
    assert.equal(Buffer.from(line.attachments[0].content, 'base64').toString(), '{"id":"abcd1234"}');
    smtp.child.stdin.write('stop\n');
    assert.deepEqual(await smtp.next(), { event: 'stop' });
    await assert.rejects(sendMail(smtp.port), /ECONNREFUSED/);

    const receiver = { url: `http://127.0.0.1:${hooks.port}/` };
    assert.equal((await post(receiver, { id: 'cli-1', body: '{"type":"ticket.created"}' })).status, 204);
    const { receivedAtMs, ...delivery } = await hooks.next();
    assert.deepEqual(delivery, { event: 'delivery', id: 'cli-1', type: 'ticket.created', duplicate: false });
    assert.ok(Math.abs(Date.now() - receivedAtMs) < 10_000);
  } finally {
    smtp.child.stdin.end();
    hooks.child.stdin.end();
  }
  assert.deepEqual(await Promise.all([smtp.exited, hooks.exited]), [0, 0]);
});
