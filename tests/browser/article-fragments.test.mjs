// Article bodies travel apart from the knowledge base: the first download holds what
// matching needs, each body is a content-hashed file fetched when its article opens
// (ahead of time for the top suggestions), bodies seen once open again offline, and a
// body that cannot be fetched says so and can be fetched again.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openPage, openPageIn, openChat, ask, useSiteAndBrowser, INJECTED_FAILURES } from './harness.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const env = useSiteAndBrowser();

const FRAGMENT = /\/articles\/[0-9a-f]{10}\.html$/;
/** A sentence of the body of "Download link expired" (kb/articles/download-link-expired.md). */
const BODY_TEXT = 'Every click creates a new, working link.';

const articleBody = (dialog) => dialog.locator('.prose');

async function openExpiredLinkArticle(page, dialog) {
  await ask(page, 'My download link has expired');
  await dialog.getByRole('log').getByRole('button', { name: 'Download link expired' }).click();
  await dialog.getByRole('heading', { name: 'Download link expired' }).waitFor();
}

test('the knowledge base download holds no article body; each body is its own file, immutable', { timeout: 60000 }, async () => {
  const manifest = JSON.parse(readFileSync(join(root, 'dist', 'manifest.json'), 'utf8'));
  const index = Buffer.from(await (await fetch(`${env.server.url}/${manifest.index}`)).arrayBuffer());
  assert.ok(index.length > 0);
  assert.equal(index.includes(BODY_TEXT), false, 'a body sentence is in the first download');

  const { page, context, requests, assertCleanConsole } = await openPage(env.browser, `${env.server.url}/`);
  const dialog = await openChat(page);
  await openExpiredLinkArticle(page, dialog);
  await articleBody(dialog).getByText(BODY_TEXT).waitFor();
  const fetched = requests.filter((url) => FRAGMENT.test(url));
  assert.ok(fetched.length >= 1, 'the body came as a fragment');
  const response = await fetch(fetched[0]);
  assert.equal(response.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assertCleanConsole();
  await context.close();
});

test('the top suggestions are fetched ahead, so opening one needs no download', { timeout: 60000 }, async () => {
  const { page, context, requests, assertCleanConsole } = await openPage(env.browser, `${env.server.url}/`);
  const dialog = await openChat(page);
  const prefetched = page.waitForRequest(FRAGMENT);
  await dialog.getByRole('textbox', { name: 'Type your question' }).pressSequentially('my download link expired');
  const suggestion = dialog.getByRole('group', { name: 'Suggested articles' }).getByRole('button', { name: 'Download link expired' });
  await suggestion.waitFor();
  await (await prefetched).response();
  const clickedAt = requests.length;
  await suggestion.click();
  await articleBody(dialog).getByText(BODY_TEXT).waitFor();
  // The fragment shown is the one holding BODY_TEXT: fetched once, before the click.
  const fragments = [...new Set(requests.filter((url) => FRAGMENT.test(url)))];
  const bodies = await Promise.all(fragments.map(async (url) => (await fetch(url)).text()));
  const shown = fragments.find((_, i) => bodies[i].includes(BODY_TEXT));
  assert.ok(shown, `no fragment fetched holds the body: ${fragments}`);
  assert.ok(requests.indexOf(shown) < clickedAt, 'the body was fetched ahead of the click');
  assert.equal(requests.filter((url) => url === shown).length, 1, 'and only once');
  assertCleanConsole();
  await context.close();
});

test('an article seen on an earlier page opens again with the network off', { timeout: 60000 }, async () => {
  const context = await env.browser.newContext();
  const first = await openPageIn(context, `${env.server.url}/`);
  await openExpiredLinkArticle(first.page, await openChat(first.page));
  await articleBody(first.page.locator('deflect-chat')).getByText(BODY_TEXT).waitFor();
  first.assertCleanConsole();
  await first.page.close();

  // A later page view: the engine loads, then the visitor loses the network.
  const second = await openPageIn(context, `${env.server.url}/`);
  const dialog = await openChat(second.page);
  await context.setOffline(true);
  await openExpiredLinkArticle(second.page, dialog);
  await articleBody(dialog).getByText(BODY_TEXT).waitFor();
  assert.equal(await dialog.getByRole('alert').count(), 0);
  // Bodies never fetched may fail to prefetch offline; nothing else may complain.
  second.assertCleanConsole({ allow: INJECTED_FAILURES });
  await context.close();
});

test('a body that cannot be fetched says so, Try again fetches it, and the conversation goes on', { timeout: 60000 }, async () => {
  const context = await env.browser.newContext();
  let failing = true;
  await context.route(FRAGMENT, (route) => (failing ? route.abort('failed') : route.continue()));
  const { page, assertCleanConsole } = await openPageIn(context, `${env.server.url}/`);
  const dialog = await openChat(page);
  await openExpiredLinkArticle(page, dialog);
  await dialog.getByRole('alert').filter({ hasText: 'This article could not be loaded.' }).waitFor();
  assert.equal(await dialog.getByText('Did this help?').count(), 1, 'the article view stays usable');

  failing = false;
  await dialog.getByRole('button', { name: 'Try again' }).click();
  await articleBody(dialog).getByText(BODY_TEXT).waitFor();
  assert.equal(await dialog.getByRole('alert').count(), 0);
  await dialog.getByRole('button', { name: 'Yes', exact: true }).click();
  await dialog.getByRole('log').getByText('That helped.').waitFor();
  assertCleanConsole({ allow: INJECTED_FAILURES });
  await context.close();
});

test('an article a flow leads to opens with its body, and an in-article link opens its article', { timeout: 60000 }, async () => {
  const { page, context, assertCleanConsole } = await openPage(env.browser, `${env.server.url}/`);
  const dialog = await openChat(page);
  const log = dialog.getByRole('log');
  await ask(page, "I can't log in");
  await dialog.getByRole('button', { name: "My magic sign-in link doesn't work", exact: true }).click();
  await log.getByRole('button', { name: 'Magic sign-in link expired or not working' }).click();
  await articleBody(dialog).getByText('only the latest one works').waitFor();

  await dialog.getByRole('button', { name: 'Back' }).click();
  await openExpiredLinkArticle(page, dialog);
  await articleBody(dialog).getByRole('link', { name: 'Where to download your files' }).click();
  await dialog.getByRole('heading', { name: 'Where to download your files' }).waitFor();
  await dialog.locator('.prose:not([aria-busy])').waitFor();
  assert.ok((await articleBody(dialog).textContent()).trim().length > 40, 'the linked article has its body');
  assertCleanConsole();
  await context.close();
});
