// A phone: under 480 px the panel is full screen, and when the on-screen keyboard
// shrinks the visible area the input stays above it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import { openPage, openChat, ask, useSiteAndBrowser } from './harness.mjs';

const env = useSiteAndBrowser();

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

test('on a phone the panel fills the screen and the input stays visible above the keyboard', { timeout: 60000 }, async () => {
  const { page, context, assertCleanConsole } = await openPage(env.browser, `${env.server.url}/`, PHONE);
  const dialog = await openChat(page);
  const box = await dialog.boundingBox();
  assert.deepEqual([box.x, box.y, box.width, box.height], [0, 0, 390, 844], 'full screen');
  const input = dialog.getByRole('textbox', { name: 'Type your question' });
  const fontSize = await input.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  assert.ok(fontSize >= 16, '16 px text so iOS does not zoom into the input');

  // The keyboard opens: the visible area shrinks to 460 px.
  await page.setViewportSize({ width: 390, height: 460 });
  await page.waitForFunction(() => window.visualViewport.height === 460);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const inputBox = await input.boundingBox();
  assert.ok(inputBox.y >= 0 && inputBox.y + inputBox.height <= 460, `input at ${inputBox.y}+${inputBox.height} is visible`);
  const sendBox = await dialog.getByRole('button', { name: 'Send' }).boundingBox();
  assert.ok(sendBox.y + sendBox.height <= 460, 'the send button is visible');

  await ask(page, 'How do I reset my password?');
  await dialog.getByRole('log').getByRole('button', { name: 'Reset your password' }).waitFor();
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  assert.deepEqual(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), []);

  await dialog.getByRole('button', { name: 'Close support chat' }).tap();
  await dialog.waitFor({ state: 'hidden' });
  assertCleanConsole();
  await context.close();
});
