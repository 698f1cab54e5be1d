// A real webhook receiver for the relay's tests and benchmark: an HTTP server on
// 127.0.0.1 that checks every request with the Standard Webhooks reference library
// (npm `standardwebhooks`, not Deflect's code), counts deliveries by `webhook-id`, and
// fails on purpose when asked: 500, 429 with Retry-After, or a hang that never
// answers, for the first n requests or a share of them.
//
// As a module: `const receiver = await startReceiver({ secret, failRate: 0.3 })`.
// As a program: `node tests/relay/webhook-receiver.mjs --port 0 --secret whsec_…`
// prints `{"port":…}` as one JSON line, then one line per request: `delivery`,
// `fault` or `rejected-signature`; it ends when stdin closes or after --max-seconds.

import { once } from 'node:events';
import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { cliOptions, isMain, printLine, exitWithParent, waiters } from './cli.mjs';

/** The faults a receiver can play. */
export const MODES = ['500', '429', 'hang'];

/** The whole request body, as the bytes that were signed. */
async function readBody(request) {
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** Answers with the fault `mode` ('hang' leaves the request open until close()). */
function playFault(mode, response, retryAfter) {
  if (mode === 'hang') return;
  if (mode === '429') {
    response.writeHead(429, { 'retry-after': String(retryAfter) }).end('slow down');
    return;
  }
  response.writeHead(500).end('failing on purpose');
}

/**
 * Starts the receiver. With a `secret` (`whsec_…`) a request whose signature does not
 * verify is answered 401 and counted in `rejectedSignatures`; without one (Slack and
 * Discord shapes are unsigned) every request is taken as it is. The first `failFirst`
 * valid requests, then a `failRate` share, get a fault from `modes` in turn.
 */
export async function startReceiver({
  secret = null,
  port = 0,
  failFirst = 0,
  failRate = 0,
  modes = MODES,
  retryAfter = 1,
  random = Math.random,
  onEvent = () => {},
} = {}) {
  const verifier = secret ? new Webhook(secret) : null;
  const deliveries = [];
  const countsById = new Map();
  const faults = Object.fromEntries(MODES.map((mode) => [mode, 0]));
  const waiting = waiters();
  let valid = 0;
  let rejectedSignatures = 0;
  let duplicates = 0;

  const verify = (body, headers) => {
    if (!verifier) return JSON.parse(body || 'null');
    return verifier.verify(body, headers);
  };

  const handle = async (request, response) => {
    const body = await readBody(request);
    let payload;
    try {
      payload = verify(body, request.headers);
    } catch (error) {
      rejectedSignatures += 1;
      onEvent({ event: 'rejected-signature', message: error.message });
      response.writeHead(401).end('bad signature');
      return;
    }
    valid += 1;
    if (valid <= failFirst || (failRate > 0 && random() < failRate)) {
      const mode = modes[(valid - 1) % modes.length];
      faults[mode] += 1;
      onEvent({ event: 'fault', mode, id: request.headers['webhook-id'] ?? null });
      playFault(mode, response, retryAfter);
      return;
    }
    const id = request.headers['webhook-id'] ?? null;
    const seen = countsById.get(id) ?? 0;
    countsById.set(id, seen + 1);
    if (seen > 0) duplicates += 1;
    const delivery = {
      id,
      type: payload?.type ?? null,
      headers: request.headers,
      payload,
      duplicate: seen > 0,
      receivedAtMs: Date.now(),
    };
    deliveries.push(delivery);
    const { type, duplicate, receivedAtMs } = delivery;
    onEvent({ event: 'delivery', id, type, duplicate, receivedAtMs });
    response.writeHead(204).end();
    waiting.notify();
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error) => response.writeHead(500).end(String(error)));
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');

  return {
    port: server.address().port,
    url: `http://127.0.0.1:${server.address().port}/`,
    deliveries,
    countsById,
    faults,
    /** Distinct webhook ids acknowledged. */
    get received() {
      return countsById.size;
    },
    /** Acknowledged deliveries of an id already acknowledged. */
    get duplicates() {
      return duplicates;
    },
    get rejectedSignatures() {
      return rejectedSignatures;
    },
    /** Resolves with the deliveries once `count` distinct ids were acknowledged, or rejects after `ms`. */
    waitFor: (count, ms = 10_000) =>
      waiting
        .until(() => countsById.size >= count, ms, () => `webhook receiver: ${countsById.size} of ${count} ids after ${ms} ms`)
        .then(() => deliveries),
    /** Stops listening and cuts every open request, hanging ones included. */
    close() {
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      return closed;
    },
  };
}

if (isMain(import.meta.url)) {
  const options = cliOptions(process.argv.slice(2), {
    port: 0,
    secret: '',
    'fail-first': 0,
    'fail-rate': 0,
    modes: MODES.join(','),
    'retry-after': 1,
    'max-seconds': 600,
  });
  const receiver = await startReceiver({
    secret: options.secret || null,
    port: options.port,
    failFirst: options['fail-first'],
    failRate: options['fail-rate'],
    modes: options.modes.split(',').filter((mode) => MODES.includes(mode)),
    retryAfter: options['retry-after'],
    onEvent: printLine,
  });
  printLine({ port: receiver.port });
  exitWithParent(options['max-seconds'], receiver.close);
}
