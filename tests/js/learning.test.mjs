// What analytics carry for `deflect learn`: a "Yes, it helped" carries the visitor's
// question masked as tickets are, and without the data-analytics attribute nothing is
// recorded or sent at all. The real analytics module, on a fake localStorage and fetch.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeStorage } from './fake-storage.mjs';
import { EVENTS_KEY } from '../../www/widget/storage-keys.js';

const storage = fakeStorage();
const posted = [];
globalThis.localStorage = storage;
globalThis.addEventListener ??= () => {};
globalThis.fetch = async (url, init) => {
  posted.push({ url, body: JSON.parse(init.body) });
  return new Response(JSON.stringify({ accepted: 1, duplicates: 0 }), { status: 200 });
};

const { flushEvents } = await import('../../www/widget/analytics.js');
const { rememberQuestion, trackFeedback, questionText, QUESTION_TEXT_MAX } = await import('../../www/widget/learning.js');

const stored = () => Object.values(JSON.parse(storage.getItem(EVENTS_KEY) || '{}'));
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
let conversations = 0;
const conversation = () => ({ convo: { id: `c0ffee00-0000-4000-8000-${String(++conversations).padStart(12, '0')}`, started: 0, log: [] } });
const CARD = '4242 4242 4242 4242';

// Runs first: the module has no endpoint until a test gives it one.
test('without data-analytics no question, and no event at all, is recorded or sent', async () => {
  flushEvents({}); // the tag had no data-analytics attribute
  const state = conversation();
  rememberQuestion(state, `refund to my card ${CARD}?`);
  trackFeedback(state, 'refund-policy', true, 'en');
  await settle();
  assert.equal(storage.getItem(EVENTS_KEY), null);
  assert.deepEqual(posted, []);
});

test('with data-analytics a Yes carries the question masked, a No carries none', async () => {
  flushEvents({ analytics: 'https://inbox.example/api/events' });
  const state = conversation();
  rememberQuestion(state, `  refund to my card ${CARD}?  `);
  trackFeedback(state, 'refund-policy', true, 'en');
  trackFeedback(state, 'duplicate-charge', false, 'en');
  const events = stored();
  assert.equal(events.length, 2);
  const helped = events.find((e) => e.kind === 'helped');
  assert.equal(helped.article, 'refund-policy');
  assert.equal(helped.text, 'refund to my card **** **** **** 4242?');
  assert.equal(helped.conversation_id, state.convo.id);
  const notHelped = events.find((e) => e.kind === 'not_helped');
  assert.equal(notHelped.text, undefined);
  assert.ok(!JSON.stringify(events).includes(CARD));
});

test('a Yes with no question asked (an article opened from a link) carries no text', () => {
  const state = conversation();
  trackFeedback(state, 'refund-policy', true, 'en');
  const helped = stored().filter((e) => e.conversation_id === state.convo.id);
  assert.equal(helped.length, 1);
  assert.equal(helped[0].kind, 'helped');
  assert.ok(!('text' in helped[0]), JSON.stringify(helped[0]));
});

test('question text is masked before it is cut, so a cut never leaves a card number unmasked', () => {
  const text = 'x'.repeat(QUESTION_TEXT_MAX - 8) + ' ' + CARD;
  const carried = questionText(text);
  assert.equal(Array.from(carried).length, QUESTION_TEXT_MAX);
  assert.ok(!/\d{5}/.test(carried.replace(/\s/g, '')), carried);
});
