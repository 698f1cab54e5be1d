// Saving and restoring the conversation across page views (sessionStorage).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { saveConversation, loadConversation, forgetConversation, MAX_IDLE_MS } from '../../www/widget/session.js';
import { CONVERSATION_KEY } from '../../www/widget/storage-keys.js';
import { fakeStorage } from './fake-storage.mjs';

const snapshot = {
  id: 'c0ffee00-0000-4000-8000-000000000001',
  started: 1700000000000,
  log: [{ from: 'bot', text: 'Hi!', at: 1700000000000 }, { from: 'customer', text: 'refund?', at: 1700000001000 }],
  state: { engine: 'state' },
  handoff: null,
  last: { articles: [{ id: 'refunds', title: 'Refunds' }], offerIdx: [2] },
  failed: false,
};

test('a saved conversation comes back as it was', () => {
  const storage = fakeStorage();
  saveConversation(snapshot, () => storage);
  const saved = loadConversation(() => storage);
  const { v, at, ...rest } = saved;
  assert.equal(v, 1);
  assert.ok(Math.abs(Date.now() - at) < 1000);
  assert.deepEqual(rest, snapshot);
});

test('an idle, empty, other-version or unreadable conversation is not restored', () => {
  const stored = (value) => () => fakeStorage({ [CONVERSATION_KEY]: JSON.stringify(value) });
  const now = Date.now();
  assert.ok(loadConversation(stored({ ...snapshot, v: 1, at: now - MAX_IDLE_MS + 60000 })), 'recent enough');
  assert.equal(loadConversation(stored({ ...snapshot, v: 1, at: now - MAX_IDLE_MS - 1 })), null, 'idle too long');
  assert.equal(loadConversation(stored({ ...snapshot, v: 1, at: now, log: [] })), null, 'nothing said');
  assert.equal(loadConversation(stored({ ...snapshot, v: 2, at: now })), null, 'another version');
  assert.equal(loadConversation(() => fakeStorage({ [CONVERSATION_KEY]: '{not json' })), null);
  assert.equal(loadConversation(() => fakeStorage()), null);
});

test('blocked storage neither throws nor restores anything', () => {
  const storage = fakeStorage();
  storage.blocked = true;
  saveConversation(snapshot, () => storage);
  assert.equal(loadConversation(() => storage), null);
  forgetConversation(() => storage);
  assert.equal(loadConversation(() => { throw new Error('no sessionStorage'); }), null);
});

test('a forgotten conversation is gone', () => {
  const storage = fakeStorage();
  saveConversation(snapshot, () => storage);
  forgetConversation(() => storage);
  assert.equal(loadConversation(() => storage), null);
});
