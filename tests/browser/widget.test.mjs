// The widget as visitors and creators use it, in a real browser against the real
// `deflect serve`: suggestions while typing, answers inside the chat, conversations
// that survive navigation, the embed's data-* config and JS API, languages, analytics
// and the failure states.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, openChat, ask, eventually, useSiteAndBrowser, trackLayoutShift, layoutShift } from './harness.mjs';
import { creatorPage, openHtml, nextEvent } from './widget-helpers.mjs';

const env = useSiteAndBrowser();

const suggestions = (dialog) => dialog.getByRole('group', { name: 'Suggested articles' }).getByRole('button');

test('suggestions appear as the visitor types, counting a partial last word, within a frame', { timeout: 60000 }, async () => {
  const { page, context, assertCleanConsole } = await openPage(env.browser, `${env.server.url}/`);
  const dialog = await openChat(page);
  const input = dialog.getByRole('textbox', { name: 'Type your question' });
  await input.pressSequentially('reset my passw');
  await suggestions(dialog).filter({ hasText: 'Reset your password' }).first().waitFor();
  // One input event, one animation frame later the list is on screen.
  const shownWithinFrame = await input.evaluate(async (el) => {
    const list = el.getRootNode().querySelector('[aria-label="Suggested articles"]');
    el.value = 'refu';
    el.dispatchEvent(new Event('input', { bubbles: true }));
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return [...list.querySelectorAll('button')].map((b) => b.textContent);
  });
  assert.ok(shownWithinFrame.some((t) => /refund/i.test(t)), `suggestions for "refu": ${shownWithinFrame}`);
  await suggestions(dialog).first().click();
  await dialog.getByRole('heading', { level: 2 }).filter({ hasText: /refund/i }).waitFor();
  assertCleanConsole();
  await context.close();
});

test('Enter asks the question in the conversation', { timeout: 60000 }, async () => {
  const { page, context, assertCleanConsole } = await openPage(env.browser, `${env.server.url}/`);
  const dialog = await openChat(page);
  const input = dialog.getByRole('textbox', { name: 'Type your question' });
  await input.fill('my download link expired');
  await input.press('Enter');
  const log = dialog.getByRole('log');
  await log.getByText('my download link expired').waitFor();
  await log.getByRole('button').first().waitFor();
  assert.equal(await input.inputValue(), '', 'the input is cleared');
  assert.equal(await suggestions(dialog).count(), 0, 'suggestions go away once asked');
  assertCleanConsole();
  await context.close();
});

test('an article opens inside the chat with links in a new tab, and Yes marks the conversation deflected', { timeout: 60000 }, async () => {
  const { page, context, assertCleanConsole } = await openPage(env.browser, `${env.server.url}/`);
  const dialog = await openChat(page);
  await ask(page, 'How do I update my card details?');
  await dialog.getByRole('log').getByRole('button', { name: 'Update your payment method' }).click();
  await dialog.getByRole('heading', { name: 'Update your payment method' }).waitFor();
  const links = await dialog.locator('.prose a').evaluateAll((as) => as.map((a) => ({ target: a.target, rel: a.rel, href: a.href })));
  assert.ok(links.length > 0, 'the article has links');
  for (const link of links) {
    assert.equal(link.target, '_blank', `${link.href} opens in a new tab`);
    assert.match(link.rel, /noopener/);
  }
  assert.equal(await dialog.locator('.prose script, .prose [onclick], .prose iframe').count(), 0, 'sanitised HTML');
  await dialog.getByText('Did this help?').waitFor();
  const deflected = nextEvent(page, 'deflected');
  await dialog.getByRole('button', { name: 'Yes', exact: true }).click();
  const event = await deflected;
  assert.ok(event.conversation_id, 'deflected carries the conversation id');
  await dialog.getByRole('log').getByText('That helped.').waitFor();
  assertCleanConsole();
  await context.close();
});

test('a link to another article opens that article in the chat, not a new tab', { timeout: 60000 }, async () => {
  const { page, context, assertCleanConsole } = await openPage(env.browser, `${env.server.url}/`);
  const dialog = await openChat(page);
  await ask(page, 'My download link has expired');
  await dialog.getByRole('log').getByRole('button', { name: 'Download link expired' }).click();
  await dialog.getByRole('heading', { name: 'Download link expired' }).waitFor();
  const link = dialog.locator('.prose a', { hasText: 'Where to download your files' });
  assert.equal(await link.getAttribute('target'), null, 'no new tab for an article of this KB');
  const pages = context.pages().length;
  await link.click();
  await dialog.getByRole('heading', { name: 'Where to download your files' }).waitFor();
  assert.equal(context.pages().length, pages, 'nothing opened outside the chat');
  assertCleanConsole();
  await context.close();
});

test('No offers the next best answer, and repeated misses hand off to a person', { timeout: 60000 }, async () => {
  const { page, context, assertCleanConsole } = await openPage(env.browser, `${env.server.url}/`);
  const dialog = await openChat(page);
  const log = dialog.getByRole('log');
  await ask(page, 'How do I update my card details?');
  await log.getByRole('button', { name: 'Update your payment method' }).click();
  await dialog.getByRole('button', { name: 'No', exact: true }).click();
  await log.getByText("That didn't help.").waitFor();
  // Something else is offered: another article or a flow.
  const offered = log.locator('.acts button');
  await offered.first().waitFor();
  const escalated = nextEvent(page, 'escalated');
  // Keep saying No until the widget hands off.
  for (let i = 0; i < 4; i++) {
    const handedOff = await page.evaluate(() => document.querySelector('deflect-chat').shadowRoot.querySelector('.note') !== null);
    if (handedOff) break;
    const next = log.locator('.offers[data-kind=doc] button').first();
    if (!(await next.count())) break;
    await next.click();
    await dialog.getByRole('button', { name: 'No', exact: true }).click();
  }
  const ticket = await escalated;
  assert.ok(ticket.ticket_id, 'a ticket is created after repeated misses');
  const stored = await eventually(async () => (await env.server.tickets()).find((t) => t.id === ticket.ticket_id));
  assert.ok(stored.articles_shown.some((a) => a.helped === false), 'the ticket records what did not help');
  assertCleanConsole();
  await context.close();
});

test('the conversation survives navigation, and "Start a new conversation" starts afresh', { timeout: 60000 }, async () => {
  const { page, context, assertCleanConsole } = await openPage(env.browser, `${env.server.url}/`);
  let dialog = await openChat(page);
  await ask(page, 'Can I get a refund?');
  await dialog.getByRole('log').getByRole('button').first().waitFor();
  await page.goto(`${env.server.url}/course.html`);
  dialog = await openChat(page);
  const log = dialog.getByRole('log');
  await log.getByText('Can I get a refund?').waitFor();
  assert.ok(await log.getByRole('button').count(), 'the offered answers are still there');

  await dialog.getByRole('button', { name: 'Start a new conversation' }).click();
  await eventually(async () => (await log.getByText('Can I get a refund?').count()) === 0);
  await page.reload();
  dialog = await openChat(page);
  await dialog.getByRole('log').locator('.row.bot').first().waitFor();
  assert.equal(await dialog.getByRole('log').getByText('Can I get a refund?').count(), 0, 'the new conversation is the one kept');
  assertCleanConsole();
  await context.close();
});

test('calls made before the loader runs are queued: identify, on ready and open', { timeout: 60000 }, async () => {
  const html = creatorPage({
    before: `Deflect('identify', { email: 'queued@example.com', name: 'Queued Visitor', tier: 'standard' });
      Deflect('on', 'ready', function (e) { window.readyEvent = e; });
      Deflect('on', 'escalated', function (e) { window.escalatedEvent = e; });
      Deflect('open');`,
  });
  const { page, context, assertCleanConsole } = await openHtml(env.browser, env.server.url, html);
  const dialog = page.getByRole('dialog', { name: 'Support chat' });
  await dialog.waitFor();
  const ready = await eventually(() => page.evaluate(() => window.readyEvent));
  assert.ok(ready.kb_version, 'ready carries the KB version');
  await ask(page, 'I already contacted my bank about a chargeback');
  const escalated = await eventually(() => page.evaluate(() => window.escalatedEvent));
  const stored = await eventually(async () => (await env.server.tickets()).find((t) => t.id === escalated.ticket_id));
  assert.equal(stored.customer.email, 'queued@example.com');
  assert.equal(stored.customer.name, 'Queued Visitor');
  await page.evaluate(() => window.Deflect('close'));
  await dialog.waitFor({ state: 'hidden' });
  await page.evaluate(() => window.Deflect('open'));
  await dialog.waitFor();
  assertCleanConsole();
  await context.close();
});

test('data-* attributes set the position, colour, greeting and customer tier', { timeout: 60000 }, async () => {
  const html = creatorPage({
    attrs: 'data-position="left" data-color="#0f766e" data-greeting="Hello from the creator!" data-tier="vip" data-email="vip@example.com"',
  });
  const { page, context, assertCleanConsole } = await openHtml(env.browser, env.server.url, html, { viewport: { width: 1200, height: 800 } });
  const launcher = page.getByRole('button', { name: 'Open support chat' });
  const box = await launcher.boundingBox();
  assert.ok(box.x < 100, `launcher on the left (x=${box.x})`);
  const escalated = page.evaluate(() => new Promise((resolve) => window.Deflect('on', 'escalated', resolve)));
  const dialog = await openChat(page);
  await dialog.getByText('Hello from the creator!').waitFor();
  const header = await dialog.locator('header').evaluate((el) => getComputedStyle(el).backgroundColor);
  assert.equal(header, 'rgb(15, 118, 110)');
  const panelBox = await dialog.boundingBox();
  assert.ok(panelBox.x < 100, 'panel opens on the left too');
  assert.equal(await dialog.getByText("I'm the Brushwork Academy helper", { exact: false }).count(), 0, "the page's greeting replaces the KB's");
  await ask(page, 'Where are my brushes?');
  const ticket = await escalated; // a VIP goes straight to a person on their first message
  const stored = await eventually(async () => (await env.server.tickets()).find((t) => t.id === ticket.ticket_id));
  assert.equal(stored.customer.tier, 'vip');
  assertCleanConsole();
  await context.close();
});

test("the widget, the KB's greeting, the answers and the bot speak the page's language (Spanish); others get English", { timeout: 60000 }, async () => {
  const es = await openHtml(env.browser, env.server.url, creatorPage({ lang: 'es-MX' }));
  await es.page.getByRole('button', { name: 'Abrir el chat de ayuda' }).click();
  const dialog = es.page.getByRole('dialog', { name: 'Chat de ayuda' });
  await dialog.waitFor();
  const input = dialog.getByRole('textbox', { name: 'Escribe tu pregunta' });
  await input.waitFor();
  await dialog.getByRole('button', { name: 'Enviar' }).waitFor();
  await dialog.getByRole('button', { name: 'Hablar con una persona' }).waitFor();
  const log = dialog.getByRole('log');
  await log.getByText('Soy el asistente de Brushwork Academy', { exact: false }).waitFor();
  await dialog.getByText('Una persona responde en menos de 24 horas').waitFor();
  await input.fill('¿Cómo restablezco mi contraseña?');
  await input.press('Enter');
  await log.getByText('Esto es lo que encontré:').waitFor();
  await log.getByRole('button', { name: 'Restablecer tu contraseña' }).waitFor();
  es.assertCleanConsole();
  await es.context.close();

  const fi = await openHtml(env.browser, env.server.url, creatorPage({ lang: 'fi' }));
  const fiDialog = await openChat(fi.page);
  await fiDialog.getByRole('textbox', { name: 'Type your question' }).waitFor();
  fi.assertCleanConsole();
  await fi.context.close();
});

test('analytics events reach the inbox, and insights show deflection and the unanswered question', { timeout: 60000 }, async () => {
  const { page, context, assertCleanConsole } = await openPage(env.browser, `${env.server.url}/`);
  const dialog = await openChat(page);
  const input = dialog.getByRole('textbox', { name: 'Type your question' });
  await input.pressSequentially('reset pass');
  await suggestions(dialog).first().waitFor();
  await input.fill('');
  await ask(page, 'How do I reset my password?');
  await dialog.getByRole('log').getByRole('button', { name: 'Reset your password' }).click();
  await dialog.getByRole('button', { name: 'Yes', exact: true }).click();
  const gap = 'Do you sell framed zebra paintings on the moon';
  await ask(page, gap);
  await dialog.getByRole('log').getByText(gap).waitFor();
  const insights = await eventually(async () => {
    const body = await (await env.server.get(`/api/insights`)).json();
    return body.counts.questions >= 2 && body.knowledge_gaps.length ? body : null;
  });
  assert.ok(insights.counts.suggestions_shown >= 1);
  assert.ok(insights.counts.articles_opened >= 1);
  assert.ok(insights.counts.helped >= 1);
  assert.ok(insights.counts.deflected >= 1);
  assert.ok(insights.deflection_rate > 0);
  assert.ok(insights.knowledge_gaps.some((g) => g.question === gap), JSON.stringify(insights.knowledge_gaps));
  const html = await (await env.server.get(`/inbox/insights`)).text();
  assert.ok(html.includes(gap), 'the insights page lists the unanswered question');
  assertCleanConsole();
  await context.close();
});

test('when the engine cannot load, the panel says so and still reaches a person', { timeout: 60000 }, async () => {
  const { page, context, problems } = await openPage(env.browser, `${env.server.url}/`);
  await context.route(/\/engine\//, (route) => route.abort('internetdisconnected'));
  await page.getByRole('button', { name: 'Open support chat' }).click();
  const dialog = page.getByRole('dialog', { name: 'Support chat' });
  await dialog.getByText("couldn't load", { exact: false }).waitFor();
  await dialog.getByRole('button', { name: 'Try again' }).waitFor();
  await dialog.getByRole('button', { name: 'Talk to a person' }).click();
  await dialog.getByRole('textbox', { name: 'Your email' }).fill('offline@example.com');
  await dialog.getByRole('textbox', { name: 'How can we help?' }).fill('The lessons page is blank');
  await dialog.getByRole('button', { name: 'Send to a person' }).click();
  await eventually(async () => (await env.server.tickets()).some((t) => t.customer.email === 'offline@example.com'));
  // Without the engine, what the visitor adds still reaches that ticket.
  await dialog.getByRole('textbox', { name: 'Type your question' }).fill('It is card 4111 1111 1111 1111, order BA-1');
  await dialog.getByRole('button', { name: 'Send', exact: true }).click();
  await dialog.getByText('Added to your request', { exact: false }).waitFor();
  const ticket = await eventually(async () => {
    const t = (await env.server.tickets()).find((t) => t.customer.email === 'offline@example.com');
    return t && t.follow_ups.length ? t : null;
  });
  assert.deepEqual(ticket.follow_ups.map((f) => f.text), ['It is card **** **** **** 1111, order BA-1']);
  // The only console lines are the blocked engine downloads this test caused.
  const unexpected = problems.filter((p) => !/engine|ERR_INTERNET_DISCONNECTED|Failed to fetch|dynamically imported module/i.test(p));
  assert.deepEqual(unexpected, []);
  await context.close();
});

test('while the engine is still loading the panel says so and already reaches a person', { timeout: 60000 }, async () => {
  const { page, context, assertCleanConsole } = await openPage(env.browser, `${env.server.url}/`);
  await context.route(/\.wasm$/, () => {}); // a network so slow the engine never arrives in this test
  await page.getByRole('button', { name: 'Open support chat' }).click();
  const dialog = page.getByRole('dialog', { name: 'Support chat' });
  await dialog.getByText('Loading answers', { exact: false }).waitFor();
  assert.ok(await dialog.getByRole('log').locator('.row.bot').count(), 'the greeting is there: never an empty window');
  await dialog.getByRole('button', { name: 'Talk to a person' }).click();
  await dialog.getByRole('textbox', { name: 'Your email' }).fill('slow@example.com');
  await dialog.getByRole('textbox', { name: 'How can we help?' }).fill('The course page will not load');
  await dialog.getByRole('button', { name: 'Send to a person' }).click();
  await eventually(async () => (await env.server.tickets()).some((t) => t.customer.email === 'slow@example.com'));
  assertCleanConsole();
  await context.close();
});

test("the README's Content-Security-Policy is enough: the engine loads and answers under it", { timeout: 60000 }, async () => {
  const csp = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; style-src 'self' 'unsafe-inline'";
  const { page, context, assertCleanConsole } = await openHtml(env.browser, env.server.url, creatorPage({ csp }));
  const dialog = await openChat(page);
  await ask(page, 'How do I reset my password?');
  await dialog.getByRole('log').getByRole('button', { name: 'Reset your password' }).waitFor();
  assertCleanConsole(); // a CSP violation is a console error
  await context.close();
});

test('the loader is async, shifts nothing on the host page and fetches nothing heavy before the visitor shows intent', { timeout: 60000 }, async () => {
  const context = await env.browser.newContext();
  await trackLayoutShift(context);
  const page = await context.newPage();
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`${env.server.url}/`);
  await page.waitForLoadState('networkidle');
  await page.getByRole('button', { name: 'Open support chat' }).waitFor();
  assert.equal(await page.evaluate(() => document.querySelector('script[src$="deflect.js"]').async), true, 'not render-blocking');
  assert.deepEqual(requests.filter((u) => /\/engine\/|kb\.[0-9a-f]+\.bin|widget\./.test(u)), []);
  assert.equal(await layoutShift(page), 0, 'cumulative layout shift');
  await openChat(page);
  assert.equal(await layoutShift(page), 0, 'opening the chat shifts nothing either');
  await context.close();
});
