// Takes the README's screenshots from the real demo page, so they always show what the
// widget really looks like: closed, open, answering, an article, a flow, a handoff, and on a phone.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openPage, openChat, ask, finishHandoff, useSiteAndBrowser } from './harness.mjs';

const shots = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'screenshots');
const env = useSiteAndBrowser();
const started = Date.now() - 1000; // file times have coarse resolution on some filesystems

test('the README screenshots show every state of the widget', async () => {
  const { page, context, assertCleanConsole } = await openPage(env.browser, `${env.server.url}/`, { viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' });
  await page.screenshot({ path: join(shots, 'closed.png') });
  const dialog = await openChat(page);
  await dialog.getByRole('log').locator('.row.bot').first().waitFor();
  await page.screenshot({ path: join(shots, 'open.png') });
  await ask(page, 'How do I reset my password?');
  await dialog.getByRole('log').getByRole('button').first().waitFor();
  await page.screenshot({ path: join(shots, 'answer.png') });
  await dialog.getByRole('log').getByRole('button', { name: 'Reset your password' }).click();
  await dialog.getByRole('heading', { name: 'Reset your password' }).waitFor();
  await dialog.locator('.prose:not([aria-busy])').waitFor(); // the body has arrived
  await page.screenshot({ path: join(shots, 'article.png') });
  await dialog.getByRole('button', { name: 'Back' }).first().click();
  await dialog.getByRole('button', { name: "I can't log in", exact: true }).click();
  await dialog.getByRole('button', { name: 'I forgot my password', exact: true }).waitFor();
  await page.screenshot({ path: join(shots, 'flow.png') });
  await ask(page, 'I already contacted my bank about a chargeback');
  await finishHandoff(dialog);
  await dialog.getByText('within 24 hours', { exact: false }).first().waitFor();
  await page.screenshot({ path: join(shots, 'handoff.png') });
  const files = ['closed', 'open', 'answer', 'article', 'flow', 'handoff'].map((n) => join(shots, `${n}.png`));
  for (const file of files) assert.ok(statSync(file).mtimeMs >= started, `${file} was written by this run`);
  assertCleanConsole();
  await context.close();
});

test('the README screenshot of the widget on a phone', async () => {
  const { page, context, assertCleanConsole } = await openPage(env.browser, `${env.server.url}/`, {
    viewport: { width: 390, height: 780 }, isMobile: true, hasTouch: true, reducedMotion: 'reduce',
  });
  const dialog = await openChat(page);
  await ask(page, 'My download link expired');
  await dialog.getByRole('log').getByRole('button').first().waitFor();
  await page.screenshot({ path: join(shots, 'mobile.png') });
  assert.ok(statSync(join(shots, 'mobile.png')).mtimeMs >= started, 'mobile.png was written by this run');
  assertCleanConsole();
  await context.close();
});
