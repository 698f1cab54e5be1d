// The retry queue behind tickets, follow-ups and analytics events: backoff, persistence,
// one copy per id, prerequisites and batches. Timers are Node's mock timers.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRetryQueue, outcomeOf, retryDelay } from '../../www/widget/retry-queue.js';
import { fakeStorage } from './fake-storage.mjs';

const KEY = 'test:queue';
const settle = () => new Promise((resolve) => setImmediate(resolve)); // setImmediate is not mocked

/** A queue whose endpoint answers `statuses` in turn (then 200); `sent` lists each request's ids. */
function queueWith(storage, statuses = [], options = {}) {
  const sent = [];
  const queue = createRetryQueue({
    storageKey: KEY,
    storage: () => storage,
    firstRetryMs: 1000,
    async deliver(items) {
      sent.push(items.map((i) => i.id));
      const status = statuses.length ? statuses.shift() : 200;
      return typeof status === 'object' ? status : { status, retryAfterMs: 0 };
    },
    ...options,
  });
  return { queue, sent };
}

const stored = (storage) => JSON.parse(storage.getItem(KEY) || '{}');

test('HTTP statuses: 2xx delivered, other 4xx refused for good, 429, 5xx and no answer retried', () => {
  assert.equal(outcomeOf(201), 'sent');
  assert.equal(outcomeOf(400), 'dropped');
  assert.equal(outcomeOf(413), 'dropped');
  assert.equal(outcomeOf(429), 'retry');
  assert.equal(outcomeOf(503), 'retry');
  assert.equal(outcomeOf(0), 'retry');
});

test('the backoff doubles up to its cap and honours Retry-After', () => {
  const opts = { firstMs: 1000, maxMs: 60000 };
  assert.deepEqual([0, 1, 2, 3, 6, 7].map((n) => retryDelay(n, opts)), [1000, 2000, 4000, 8000, 60000, 60000]);
  assert.equal(retryDelay(0, { ...opts, retryAfterMs: 5000 }), 5000);
  assert.equal(retryDelay(3, { ...opts, retryAfterMs: 5000 }), 8000);
});

test('an item is stored before the first attempt and removed once acknowledged', async () => {
  const storage = fakeStorage();
  let storedDuringSend = null;
  const queue = createRetryQueue({
    storageKey: KEY,
    storage: () => storage,
    firstRetryMs: 1000,
    async deliver([item]) {
      storedDuringSend = stored(storage)[item.id];
      return { status: 200 };
    },
  });
  queue.add({ id: 'a', text: 'hello' });
  await settle();
  assert.deepEqual(storedDuringSend, { id: 'a', text: 'hello' });
  assert.equal(storage.getItem(KEY), null, 'acknowledged: nothing left');
});

test('failures are retried after 1 s, 2 s, 4 s, and watchers hear each step', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const storage = fakeStorage();
  const { queue, sent } = queueWith(storage, [500, 503, 0]);
  const heard = [];
  queue.watch((id, status) => heard.push(`${id} ${status}`));
  queue.add({ id: 'a' });
  await settle();
  assert.equal(sent.length, 1);
  for (const [wait, attempts] of [[1000, 2], [2000, 3], [4000, 4]]) {
    t.mock.timers.tick(wait - 1);
    await settle();
    assert.equal(sent.length, attempts - 1, `not before ${wait} ms`);
    t.mock.timers.tick(1);
    await settle();
    assert.equal(sent.length, attempts, `after ${wait} ms`);
  }
  assert.deepEqual(heard, ['a retrying', 'a retrying', 'a retrying', 'a sent']);
  assert.deepEqual(stored(storage), {});
});

test('Retry-After stretches the wait; coming back online retries at once', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { queue, sent } = queueWith(fakeStorage(), [{ status: 429, retryAfterMs: 30000 }, 500]);
  queue.add({ id: 'a' });
  await settle();
  t.mock.timers.tick(29999);
  await settle();
  assert.equal(sent.length, 1);
  t.mock.timers.tick(1);
  await settle();
  assert.equal(sent.length, 2);
  queue.retryNow();
  await settle();
  assert.equal(sent.length, 3, 'no waiting for the 1 s backoff');
});

test('one id is queued and sent once, however often it is added', async () => {
  const storage = fakeStorage();
  const { queue, sent } = queueWith(storage, [500]);
  queue.add({ id: 'a', n: 1 });
  queue.add({ id: 'a', n: 2 });
  await settle();
  queue.add({ id: 'a', n: 3 });
  assert.deepEqual(sent, [['a']]);
  assert.deepEqual(queue.items(), [{ id: 'a', n: 1 }]);
  assert.deepEqual(stored(storage), { a: { id: 'a', n: 1 } });
});

test("a new page view's queue takes over what the last one stored, and drops what is not an item", async () => {
  const storage = fakeStorage();
  const first = queueWith(storage, [500]);
  first.queue.add({ id: 'a' });
  await settle();
  const box = stored(storage);
  box.junk = 'not an item';
  box.wrong = { id: 'other' };
  storage.setItem(KEY, JSON.stringify(box));

  const next = queueWith(storage);
  assert.equal(next.queue.restore(), 1);
  await settle();
  assert.deepEqual(next.sent, [['a']]);
  assert.equal(storage.getItem(KEY), null);
});

test('blocked storage still delivers from memory', async () => {
  const storage = fakeStorage();
  storage.blocked = true;
  const { queue, sent } = queueWith(storage);
  queue.add({ id: 'a' });
  await settle();
  assert.deepEqual(sent, [['a']]);
  assert.equal(queue.restore(), 0);
});

test('an item waits for its prerequisite, and is dropped with it when that is refused', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const waitsFor = (item) => item.ticket || null;
  const delivered = queueWith(fakeStorage(), [500], { waitsFor });
  delivered.queue.add({ id: 't' });
  delivered.queue.add({ id: 'f', ticket: 't' });
  await settle();
  assert.deepEqual(delivered.sent, [['t']], 'the follow-up waits while its ticket is retried');
  t.mock.timers.tick(1000);
  await settle();
  assert.deepEqual(delivered.sent, [['t'], ['t'], ['f']]);

  const refused = queueWith(fakeStorage(), [400], { waitsFor });
  const heard = [];
  refused.queue.watch((id, status) => heard.push(`${id} ${status}`));
  refused.queue.add({ id: 't' });
  refused.queue.add({ id: 'f', ticket: 't' });
  await settle();
  assert.deepEqual(refused.sent, [['t']]);
  assert.deepEqual(heard, ['t dropped', 'f dropped']);
  assert.deepEqual(refused.queue.items(), []);
});

test('items gathered for a moment travel in batches; storage keeps only the newest', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const storage = fakeStorage();
  const { queue, sent } = queueWith(storage, [], { batchSize: 2, gatherMs: 1500, maxStored: 2 });
  for (const id of ['a', 'b', 'c']) queue.add({ id });
  assert.deepEqual(Object.keys(stored(storage)), ['b', 'c']);
  await settle();
  assert.deepEqual(sent, [], 'gathering');
  t.mock.timers.tick(1500);
  await settle();
  assert.deepEqual(sent, [['a', 'b'], ['c']]);
});
