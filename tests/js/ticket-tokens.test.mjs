// Each ticket's token, kept for its follow-ups and screenshots (www/widget/ticket-tokens.js).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rememberToken, tokenFor, tokenHeaders, whenToken, TOKEN_HEADER } from '../../www/widget/ticket-tokens.js';
import { TOKENS_KEY } from '../../www/widget/storage-keys.js';
import { fakeStorage } from './fake-storage.mjs';

test('a token is kept per ticket in storage and sent in its header', () => {
  const storage = fakeStorage();
  rememberToken('ticket-a-0001', 'aa'.repeat(32), () => storage);
  assert.deepEqual(JSON.parse(storage.data.get(TOKENS_KEY)), { 'ticket-a-0001': 'aa'.repeat(32) });
  // The next page view reads it back from storage alone.
  const next = fakeStorage({ [TOKENS_KEY]: storage.data.get(TOKENS_KEY) });
  assert.equal(tokenFor('ticket-a-0001', () => next), 'aa'.repeat(32));
  assert.deepEqual(tokenHeaders('ticket-a-0001', () => next), { [TOKEN_HEADER]: 'aa'.repeat(32) });
  assert.deepEqual(tokenHeaders('unknown-00001', () => fakeStorage()), {});
});

test('an answer without a token changes nothing, and only the newest tickets are kept', () => {
  const storage = fakeStorage();
  rememberToken('no-token-0001', undefined, () => storage);
  rememberToken('no-token-0001', 42, () => storage);
  assert.equal(storage.data.has(TOKENS_KEY), false);
  for (let i = 0; i < 25; i++) rememberToken(`many-tickets-${i}`, `t${i}`, () => storage);
  const kept = Object.keys(JSON.parse(storage.data.get(TOKENS_KEY)));
  assert.equal(kept.length, 20);
  assert.equal(kept[0], 'many-tickets-5');
  assert.equal(kept.at(-1), 'many-tickets-24');
});

test('blocked storage still keeps the token for this page view', () => {
  const storage = fakeStorage();
  storage.blocked = true;
  rememberToken('blocked-0001', 'bb', () => storage);
  assert.equal(tokenFor('blocked-0001', () => storage), 'bb');
});

test('an upload waits for its ticket to be accepted, or gives up with null', async () => {
  const storage = fakeStorage();
  const waiting = whenToken('pending-0001', 60000, () => storage);
  rememberToken('pending-0001', 'cc', () => storage);
  assert.equal(await waiting, 'cc');
  assert.equal(await whenToken('never-0001', 1, () => storage), null);
});
