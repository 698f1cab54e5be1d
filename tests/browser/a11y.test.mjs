// WCAG 2.1 AA in a real browser: axe-core finds nothing on the demo page with the widget
// closed, open, showing an article and in a flow (light and dark); the keyboard alone
// can use it; focus stays in the open panel and returns to the launcher.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import { openPage, openChat, ask, useSiteAndBrowser } from './harness.mjs';
import { creatorPage, openHtml, focused } from './widget-helpers.mjs';

const env = useSiteAndBrowser();

/** Every WCAG 2.0/2.1 A and AA violation axe finds, described for the failure message. */
async function violations(page) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

for (const colorScheme of ['light', 'dark']) {
  test(`axe finds no violations with the widget closed, open, in an article and in a flow (${colorScheme})`, { timeout: 60000 }, async () => {
    const { page, context, assertCleanConsole } = await openPage(env.browser, `${env.server.url}/`, { colorScheme, reducedMotion: 'reduce' });
    await page.getByRole('button', { name: 'Open support chat' }).waitFor();
    assert.deepEqual(await violations(page), [], 'closed');
    const dialog = await openChat(page);
    assert.deepEqual(await violations(page), [], 'open');
    await ask(page, 'How do I reset my password?');
    await dialog.getByRole('log').getByRole('button', { name: 'Reset your password' }).click();
    await dialog.getByRole('heading', { name: 'Reset your password' }).waitFor();
    await dialog.locator('.prose:not([aria-busy])').waitFor(); // the body has arrived
    assert.deepEqual(await violations(page), [], 'article');
    await dialog.getByRole('button', { name: 'Back' }).click();
    await dialog.getByRole('button', { name: "I can't log in", exact: true }).click();
    await dialog.getByRole('button', { name: 'I forgot my password', exact: true }).waitFor();
    assert.deepEqual(await violations(page), [], 'flow');
    assertCleanConsole();
    await context.close();
  });
}

test('a pale brand colour still gets readable text and controls (axe finds nothing)', { timeout: 60000 }, async () => {
  const { page, context, assertCleanConsole } = await openHtml(env.browser, env.server.url, creatorPage({ attrs: 'data-color="#ffeb3b"' }), { reducedMotion: 'reduce' });
  const dialog = await openChat(page);
  await ask(page, 'How do I reset my password?');
  await dialog.getByRole('log').getByRole('button', { name: 'Reset your password' }).waitFor();
  assert.deepEqual(await violations(page), []);
  assertCleanConsole();
  await context.close();
});

test('the keyboard alone opens, uses and closes the chat; focus is trapped and returns to the launcher', { timeout: 60000 }, async () => {
  const { page, context, assertCleanConsole } = await openPage(env.browser, `${env.server.url}/`);
  const launcher = page.getByRole('button', { name: 'Open support chat' });
  await launcher.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Support chat' });
  await dialog.waitFor();
  await page.evaluate(() => new Promise((resolve) => window.Deflect('on', 'ready', resolve)));
  assert.deepEqual(await focused(page), { inWidget: true, inPanel: true, tag: 'INPUT', name: 'Type your question' });
  await page.keyboard.type('How do I reset my password?');
  await page.keyboard.press('Enter');
  await dialog.getByRole('log').getByRole('button', { name: 'Reset your password' }).waitFor();

  // Tab and Shift+Tab go round the panel's controls and never leave it.
  const seen = new Set();
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    assert.equal(f.inPanel, true, `Tab #${i + 1} left the panel: ${JSON.stringify(f)}`);
    seen.add(f.name);
  }
  for (const name of ['Close support chat', 'Start a new conversation', 'Type your question', 'Send', 'Reset your password']) {
    assert.ok(seen.has(name), `reached "${name}" with Tab (saw ${[...seen].join(' | ')})`);
  }
  for (let i = 0; i < 5; i++) {
    await page.keyboard.press('Shift+Tab');
    assert.equal((await focused(page)).inPanel, true, 'Shift+Tab stays in the panel');
  }

  // Enter on an offered article opens it inside the chat; its heading takes focus.
  const article = dialog.getByRole('log').getByRole('button', { name: 'Reset your password' });
  await article.focus();
  await page.keyboard.press('Enter');
  await dialog.getByRole('heading', { name: 'Reset your password' }).waitFor();
  assert.equal((await focused(page)).tag, 'H2');

  // A visible focus indicator on every control.
  await dialog.getByRole('button', { name: 'Back' }).focus();
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Tab');
  const outline = await page.evaluate(() => {
    const el = document.querySelector('deflect-chat').shadowRoot.activeElement;
    const s = getComputedStyle(el);
    return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
  });
  assert.notEqual(outline.style, 'none');
  assert.ok(outline.width >= 2, `outline ${JSON.stringify(outline)}`);

  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  assert.deepEqual(await focused(page), { inWidget: true, inPanel: false, tag: 'BUTTON', name: 'Open support chat' });
  assertCleanConsole();
  await context.close();
});

test('replies are announced through the live region, and motion and colour follow the visitor', { timeout: 60000 }, async () => {
  const { page, context, assertCleanConsole } = await openPage(env.browser, `${env.server.url}/`, { reducedMotion: 'reduce', colorScheme: 'dark' });
  const dialog = await openChat(page);
  const log = dialog.getByRole('log');
  assert.equal(await log.getAttribute('aria-live'), 'polite');
  await ask(page, 'Can I get a refund?');
  await log.getByRole('button').first().waitFor();
  assert.ok((await log.locator('.row.bot').count()) >= 2, 'the reply is inside the live region');
  const style = await dialog.evaluate((el) => {
    const s = getComputedStyle(el);
    return { animation: s.animationName, background: s.backgroundColor };
  });
  assert.equal(style.animation, 'none', 'no animation with prefers-reduced-motion');
  assert.equal(style.background, 'rgb(22, 23, 28)', 'dark panel with prefers-color-scheme: dark');
  assertCleanConsole();
  await context.close();
});
