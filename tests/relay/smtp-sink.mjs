// A real SMTP server for the relay's tests and benchmark: it accepts mail on 127.0.0.1
// after AUTH PLAIN or LOGIN (STARTTLS is offered with a self-signed test certificate
// for localhost and 127.0.0.1, tls/localhost.crt, which a client trusts by adding it as
// its root; smtp-server's built-in one is X.509 v1, which rustls refuses), parses every message with mailparser, counts deliveries by
// Message-ID, and fails on purpose when asked (4xx for the first n messages or a
// share of them; down and up again on the same port).
//
// As a module: `const sink = await startSmtpSink({ failFirst: 2 })`.
// As a program: `node tests/relay/smtp-sink.mjs --port 0` prints `{"port":…}` as one
// JSON line, then one line per message (`"event":"message"`) or refusal
// (`"event":"rejected"`); stdin lines `stop`, `start` and `close` take it down, bring it
// back and end it, and it ends by itself when stdin closes or after --max-seconds.

import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import { cliOptions, isMain, printLine, exitWithParent, waiters } from './cli.mjs';

export const DEFAULT_USER = 'relay';
export const DEFAULT_PASSWORD = 'relay-password';

/** The test certificate and its key (not a secret: it guards nothing but loopback tests). */
export const TLS_CERT = new URL('./tls/localhost.crt', import.meta.url);
const TLS = { key: readFileSync(new URL('./tls/localhost.key', import.meta.url)), cert: readFileSync(TLS_CERT) };

/** What the sink keeps of a message: the parts the relay's tests assert on. */
function describe(parsed, session) {
  const addresses = (field) => (field ? field.value.map((a) => a.address) : []);
  const references = parsed.references;
  return {
    headers: Object.fromEntries(parsed.headers),
    from: addresses(parsed.from)[0] ?? null,
    to: addresses(parsed.to),
    replyTo: addresses(parsed.replyTo)[0] ?? null,
    subject: parsed.subject ?? '',
    messageId: parsed.messageId ?? null,
    inReplyTo: parsed.inReplyTo ?? null,
    references: references ? [].concat(references) : [],
    text: parsed.text ?? '',
    html: parsed.html || '',
    attachments: parsed.attachments.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      content: a.content,
    })),
    envelope: {
      from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
      to: session.envelope.rcptTo.map((r) => r.address),
    },
    user: session.user ?? null,
    tls: Boolean(session.secure),
    /** When the sink accepted it, Unix ms (a benchmark's "delivered"). */
    receivedAtMs: Date.now(),
  };
}

/** An SMTP error with its reply code, as smtp-server sends it. */
function smtpError(code, message) {
  const error = new Error(message);
  error.responseCode = code;
  return error;
}

/**
 * Starts the sink. `failFirst` messages, then a `failRate` share of the rest, are
 * answered `failCode` (a 4xx means "try again later") after their data arrived, so
 * nothing is kept of them; `down` starts it with its port chosen but closed.
 */
export async function startSmtpSink({
  port = 0,
  user = DEFAULT_USER,
  password = DEFAULT_PASSWORD,
  failFirst = 0,
  failCode = 451,
  failRate = 0,
  down = false,
  random = Math.random,
  onMessage = () => {},
  onRejected = () => {},
} = {}) {
  const messages = [];
  const countsByMessageId = new Map();
  const waiting = waiters();
  let attempts = 0;
  let rejected = 0;

  const accept = (message) => {
    messages.push(message);
    const id = message.messageId;
    countsByMessageId.set(id, (countsByMessageId.get(id) ?? 0) + 1);
    onMessage(message);
    waiting.notify();
  };

  const onData = (stream, session, callback) => {
    attempts += 1;
    const fail = attempts <= failFirst || (failRate > 0 && random() < failRate);
    simpleParser(stream).then(
      (parsed) => {
        if (fail) {
          rejected += 1;
          onRejected({ code: failCode, messageId: parsed.messageId ?? null });
          return callback(smtpError(failCode, 'Try again later (the sink fails on purpose)'));
        }
        accept(describe(parsed, session));
        return callback(null, 'Queued');
      },
      (error) => callback(smtpError(554, `Unparsable message: ${error.message}`)),
    );
  };

  const newServer = () => {
    const smtp = new SMTPServer({
      ...TLS,
      name: 'smtp-sink.localhost',
      authMethods: ['PLAIN', 'LOGIN'],
      allowInsecureAuth: true,
      authOptional: false,
      logger: false,
      closeTimeout: 200,
      onAuth(auth, session, callback) {
        if (auth.username === user && auth.password === password) {
          return callback(null, { user: auth.username });
        }
        return callback(smtpError(535, 'Authentication failed'));
      },
      onData,
    });
    // A client that drops the connection or refuses the certificate is the client's
    // problem: the sink says so and keeps serving.
    smtp.on('error', (error) => process.stderr.write(`smtp sink: ${error.message}\n`));
    return smtp;
  };

  let server = null;
  const start = async () => {
    if (server) return;
    server = newServer();
    server.listen(port, '127.0.0.1');
    await once(server.server, 'listening');
    port = server.server.address().port;
  };
  const stop = async () => {
    if (!server) return;
    const closing = server;
    server = null;
    await new Promise((resolve) => closing.close(resolve));
  };

  await start();
  if (down) await stop();

  return {
    get port() {
      return port;
    },
    messages,
    countsByMessageId,
    get attempts() {
      return attempts;
    },
    get rejected() {
      return rejected;
    },
    /** Message-IDs that arrived more than once. */
    duplicates: () => [...countsByMessageId].filter(([, n]) => n > 1).map(([id]) => id),
    /** Resolves with the messages once `count` were accepted, or rejects after `ms`. */
    waitFor: (count, ms = 10_000) =>
      waiting
        .until(() => messages.length >= count, ms, () => `smtp sink: ${messages.length} of ${count} messages after ${ms} ms`)
        .then(() => messages),
    start,
    stop,
    close: stop,
  };
}

if (isMain(import.meta.url)) {
  const options = cliOptions(process.argv.slice(2), {
    port: 0,
    user: DEFAULT_USER,
    password: DEFAULT_PASSWORD,
    'fail-first': 0,
    'fail-code': 451,
    'fail-rate': 0,
    'max-seconds': 600,
    down: false,
  });
  const sink = await startSmtpSink({
    port: options.port,
    user: options.user,
    password: options.password,
    failFirst: options['fail-first'],
    failCode: options['fail-code'],
    failRate: options['fail-rate'],
    down: Boolean(options.down),
    onMessage: (m) =>
      printLine({
        event: 'message',
        ...m,
        attachments: m.attachments.map((a) => ({ ...a, content: a.content.toString('base64') })),
      }),
    onRejected: (r) => printLine({ event: 'rejected', ...r }),
  });
  printLine({ port: sink.port });
  exitWithParent(options['max-seconds'], sink.close, { stop: sink.stop, start: sink.start });
}
