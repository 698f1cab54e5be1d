// A large KB's postings travel in shards (issue #14): a synthetic help centre of 2,000
// articles built by the real `deflect site`, whose posting lists are split into
// content-hashed files. Typed and asked questions get the top answer the native engine
// gives (`deflect ask`); before `ready` no shard is fetched, and until the browser is
// idle only the shards a question needs; then the rest, after which the chat answers
// with the network off. A shard that cannot be fetched offers Try again and loses
// nothing typed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ask, openChat, openPageIn, useBuiltSite, INJECTED_FAILURES } from './harness.mjs';
import { runDeflect, syntheticSite } from '../perf/bench-kbs.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SHARD = /\/postings\/[0-9a-f]{10}\.bin$/;
/** Articles spread over the KB (tests/perf/synthetic-kb.mjs) whose questions are asked. */
const QUESTIONS = [17, 402, 1111, 1833];
// (The hook may run as soon as it is registered: what it reads is declared above.)
const env = useBuiltSite(() => {
  const { kb, site } = syntheticSite(root, 2000);
  const manifest = JSON.parse(readFileSync(join(site, 'manifest.json'), 'utf8'));
  const shards = readdirSync(join(site, manifest.postings)).filter((f) => f.endsWith('.bin'));
  const expected = new Map(QUESTIONS.map((i) => [question(kb, i), nativeTop(kb, question(kb, i))]));
  return { kb, site, shards, expected, temporary: [site, kb] };
});

/** The first example question of article `synthetic-<i>`. */
function question(kb, i) {
  const text = readFileSync(join(kb, 'articles', `synthetic-${i}.md`), 'utf8');
  return JSON.parse(text.match(/^questions = \[("(?:[^"\\]|\\.)*")/m)[1]);
}

/** The native engine's top article for `text` (`deflect ask`), by its title. */
function nativeTop(kb, text) {
  const { output } = runDeflect(root, ['ask', '--kb', kb, '--limit', '1', text]);
  const id = output.match(/^\s*1\.\s+article\s+(\S+)/m)?.[1];
  assert.ok(id, `deflect ask found no article for ${text}: ${output}`);
  const front = readFileSync(join(kb, 'articles', `${id}.md`), 'utf8');
  return JSON.parse(front.match(/^title = ("(?:[^"\\]|\\.)*")\s*$/m)[1]);
}

/** A browser context whose idle callbacks wait until `releaseIdle(page)`: what a busy
 *  page would do, so what is fetched before then is only what questions need. */
async function heldIdleContext() {
  const context = await env.browser.newContext();
  await context.addInitScript(() => {
    const held = [];
    window.requestIdleCallback = (run) => held.push(run);
    window.__releaseIdle = () => held.splice(0).forEach((run) => run({ timeRemaining: () => 50, didTimeout: false }));
  });
  return context;
}

const releaseIdle = (page) => page.evaluate(() => window.__releaseIdle());
const allShardsIn = (page) => page.waitForFunction(() => performance.getEntriesByName('deflect: shards loaded').length > 0);
const shardRequests = (requests) => requests.filter((url) => SHARD.test(url));
const suggestions = (dialog) => dialog.getByRole('group', { name: 'Suggested articles' }).getByRole('button');
/** The articles offered in the conversation's last reply. */
const lastOffer = (dialog) => dialog.getByRole('log').getByRole('button');

test('the KB is split: the first download holds no posting list, the shards are immutable files', async () => {
  assert.ok(env.shards.length >= 4, `${env.shards.length} shards`);
  const { output } = runDeflect(root, ['sizes', '--out', env.site, '--parts']);
  assert.match(output, /^shards\s+\d+\s+\d+\s+-\s+postings\/ \(\d+ files/m);
  assert.match(output, /^postings\s+0\s+\d+$/m, 'the bundle still holds postings');
  const response = await fetch(`${env.server.url}/postings/${env.shards[0]}`);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('cache-control'), 'public, max-age=31536000, immutable');
});

test('typed and asked questions get the native top answer; shards come only as needed until the page is idle', { timeout: 120000 }, async () => {
  const context = await heldIdleContext();
  const { page, requests, assertCleanConsole } = await openPageIn(context, `${env.server.url}/`);
  const dialog = await openChat(page);
  assert.deepEqual(shardRequests(requests), [], 'a shard was fetched before ready');
  const input = dialog.getByRole('textbox', { name: 'Type your question' });
  const [typed, asked] = [question(env.kb, QUESTIONS[0]), question(env.kb, QUESTIONS[1])];
  await input.fill(typed);
  await suggestions(dialog).first().waitFor();
  assert.equal(await suggestions(dialog).first().textContent(), env.expected.get(typed));
  const afterTyping = new Set(shardRequests(requests));
  assert.ok(afterTyping.size > 0 && afterTyping.size < env.shards.length, `${afterTyping.size} of ${env.shards.length} shards for one question`);

  await input.fill('');
  await ask(page, asked);
  await lastOffer(dialog).filter({ hasText: env.expected.get(asked) }).first().waitFor();
  assert.equal(await lastOffer(dialog).first().textContent(), env.expected.get(asked));
  const beforeIdle = new Set(shardRequests(requests));
  assert.ok(beforeIdle.size < env.shards.length, 'every shard was fetched before the page was idle');

  await releaseIdle(page);
  await allShardsIn(page);
  assert.equal(new Set(shardRequests(requests)).size, env.shards.length);
  assert.equal(shardRequests(requests).length, env.shards.length, 'a shard was fetched twice');
  assertCleanConsole();
  await context.close();
});

test('after one visit the chat answers with the network off', { timeout: 120000 }, async () => {
  const context = await env.browser.newContext();
  const first = await openPageIn(context, `${env.server.url}/`);
  await openChat(first.page);
  await allShardsIn(first.page);
  // Kept in the Cache API (written as each arrives; wait until every one is stored).
  await first.page.waitForFunction(async (count) => (await (await caches.open('deflect-postings')).keys()).length === count, env.shards.length, { polling: 100 });
  first.assertCleanConsole();
  await first.page.close();

  const second = await openPageIn(context, `${env.server.url}/`);
  await context.setOffline(true);
  const dialog = await openChat(second.page);
  for (const text of [question(env.kb, QUESTIONS[2]), question(env.kb, QUESTIONS[3])]) {
    await ask(second.page, text);
    await lastOffer(dialog).filter({ hasText: env.expected.get(text) }).first().waitFor();
  }
  assert.equal(await dialog.locator('.note.warn').count(), 0, 'a warning: the help could not load offline');
  second.assertCleanConsole({ allow: INJECTED_FAILURES });
  await context.close();
});

test('a shard that cannot be fetched offers Try again, and the question is answered then', { timeout: 120000 }, async () => {
  const context = await heldIdleContext();
  let failing = true;
  await context.route(SHARD, (route) => (failing ? route.abort('failed') : route.continue()));
  const { page, assertCleanConsole } = await openPageIn(context, `${env.server.url}/`);
  const dialog = await openChat(page);
  const text = question(env.kb, QUESTIONS[2]);
  await ask(page, text);
  const retry = dialog.getByRole('button', { name: 'Try again' });
  await retry.waitFor();
  assert.equal(await dialog.getByRole('log').getByText(text, { exact: true }).count(), 1, 'the question stays on screen');

  failing = false;
  await retry.click();
  await lastOffer(dialog).filter({ hasText: env.expected.get(text) }).first().waitFor();
  assert.equal(await dialog.getByRole('log').getByText(text, { exact: true }).count(), 1, 'asked once');
  assertCleanConsole({ allow: INJECTED_FAILURES });
  await context.close();
});
