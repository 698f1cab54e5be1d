// Every handoff can be answered, tried as a new visitor in a real browser against the
// real inbox: the widget asks where to reply before it promises anything, then the
// issue type's checklist (a screenshot too); the ticket that arrives carries the email,
// the answers and the image, exactly once, even when the tab closes halfway; an
// identified visitor is not asked; a Spanish page asks in Spanish; axe finds nothing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import AxeBuilder from '@axe-core/playwright';
import { openPage, openPageIn, openChat, ask, eventually, deliveriesSettled, contactForm, INJECTED_FAILURES, useSiteAndBrowser } from './harness.mjs';
import { creatorPage, openHtml } from './widget-helpers.mjs';

const env = useSiteAndBrowser();

/** The inbox's copy of ticket `id` once `done(ticket)` holds and the widget has nothing
 *  left to send (so a duplicate would be there too). */
async function stored(page, id, done = () => true) {
  const ticket = await eventually(async () => (await env.server.tickets()).find((t) => t.id === id && done(t)), { timeout: 30000 });
  await deliveriesSettled(page);
  const copies = (await env.server.tickets()).filter((t) => t.id === id);
  assert.equal(copies.length, 1, 'one copy in the inbox');
  return copies[0];
}

/** The conversation's id, which is its ticket's id (saved in sessionStorage). */
const conversationId = (page) => page.evaluate(() => JSON.parse(sessionStorage.getItem('deflect:conversation') || '{}').id);

/** Every WCAG 2.0/2.1 A and AA violation axe finds. */
async function violations(page) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** A valid 2×2 PNG, made here so the test needs no fixture file. */
function tinyPng() {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(2, 0);
  header.writeUInt32BE(2, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const rows = Buffer.from([0, 255, 0, 0, 0, 0, 255, 0, 0, 255, 0, 255, 255, 255]);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

for (const [kind, lead, checklist] of [
  ['a chargeback', ['I filed a dispute with my bank about this charge'], 'Billing question'],
  ['a legal threat', ["I'm going to talk to my lawyer about this"], null],
  ['a refund after troubleshooting', ['my download link expired', 'That did not work, I want my money back'], 'Billing question'],
  ['talk to a person after a download article', ['my download link expired', 'talk to a person'], 'Course or download problem'],
]) {
  test(`${kind}: a new visitor is asked for the email, then ${checklist ? `the ${checklist} checklist` : 'nothing more'}`, { timeout: 60000 }, async () => {
    const { page, context, assertCleanConsole } = await openPage(env.browser, `${env.server.url}/`);
    const dialog = await openChat(page);
    for (const [i, message] of lead.entries()) {
      await ask(page, message);
      if (i < lead.length - 1) await dialog.getByRole('log').getByRole('button').first().waitFor();
    }
    const contact = contactForm(dialog);
    await contact.waitFor();
    assert.equal(await dialog.getByText('will reply', { exact: false }).count(), 0, 'no promise before a way to reply');
    const id = await conversationId(page);
    await stored(page, id); // queued and delivered at once, before the visitor answers
    await contact.getByLabel('Your email').fill('maya@example');
    await contact.getByRole('button', { name: 'Send email' }).click();
    await contact.getByText('Please enter your email address', { exact: false }).waitFor();
    await contact.getByLabel('Your email').fill('maya@example.com');
    await contact.getByLabel('Your name (optional)').fill('Maya');
    await contact.getByRole('button', { name: 'Send email' }).click();
    if (checklist) {
      const form = dialog.getByRole('form', { name: checklist });
      await form.waitFor();
      if (checklist === 'Billing question') {
        await form.getByLabel('Order or invoice number', { exact: false }).fill('BA-10432');
        await form.getByLabel('Last 4 digits', { exact: false }).fill('4242');
      } else {
        await form.getByLabel('Module, lesson or product name').fill('Lesson 3 worksheet');
      }
      await form.getByRole('button', { name: 'Send details' }).click();
    }
    await dialog.getByText('will reply to maya@example.com within 24 hours', { exact: false }).waitFor();
    const ticket = await stored(page, id, (t) => t.reply_to && (!checklist || t.follow_ups.some((f) => f.details)));
    assert.deepEqual(ticket.reply_to, { email: 'maya@example.com', name: 'Maya' });
    const added = Object.assign({}, ...ticket.follow_ups.map((f) => f.details || {}));
    // The checkout email was prefilled with the one just given: nothing typed twice.
    if (checklist === 'Billing question') assert.deepEqual(added, { invoice_number: 'BA-10432', card_last4: '4242', billing_email: 'maya@example.com' });
    else if (checklist) assert.equal(added.module_name, 'Lesson 3 worksheet');
    else assert.deepEqual(added, {});
    assertCleanConsole();
    await context.close();
  });
}

test('a screenshot is attached, validated by the inbox and served back only as an image', { timeout: 60000 }, async () => {
  const { page, context, assertCleanConsole } = await openPage(env.browser, `${env.server.url}/`);
  const dialog = await openChat(page);
  await ask(page, 'my download link expired');
  await dialog.getByRole('log').getByRole('button').first().waitFor();
  await ask(page, 'talk to a person');
  const contact = contactForm(dialog);
  await contact.getByLabel('Your email').fill('maya@example.com');
  await contact.getByRole('button', { name: 'Send email' }).click();
  const form = dialog.getByRole('form', { name: 'Course or download problem' });
  const shot = form.getByLabel('Screenshot of the error');
  await shot.setInputFiles({ name: 'page.html', mimeType: 'text/html', buffer: Buffer.from('<script>alert(1)</script>') });
  await form.getByText('Please choose a PNG, JPEG or WebP image.').waitFor();
  await shot.setInputFiles({ name: 'error.png', mimeType: 'image/png', buffer: tinyPng() });
  await form.getByText('Attached: error.png').waitFor();
  await form.getByRole('button', { name: 'Send details' }).click();
  await dialog.getByText('will reply to maya@example.com', { exact: false }).waitFor();
  const id = await conversationId(page);
  const ticket = await stored(page, id, (t) => t.follow_ups.some((f) => f.details?.screenshot));
  const reference = ticket.follow_ups.find((f) => f.details?.screenshot).details.screenshot;
  assert.match(reference, /^attachment:[0-9a-f-]{36}$/);
  const image = await env.server.get(`/inbox/attachments/${reference.slice('attachment:'.length)}`);
  assert.equal(image.status, 200);
  assert.equal(image.headers.get('content-type'), 'image/png');
  assert.equal(image.headers.get('x-content-type-options'), 'nosniff');
  const bytes = Buffer.from(await image.arrayBuffer());
  assert.deepEqual([...bytes.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'a PNG');
  const inbox = await (await env.server.get(`/inbox`)).text();
  assert.ok(inbox.includes(`/inbox/attachments/${reference.slice('attachment:'.length)}`), 'the inbox shows it');
  assertCleanConsole();
  await context.close();
});

test('closing the tab halfway still delivers the ticket with what was given, exactly once', { timeout: 60000 }, async () => {
  const context = await env.browser.newContext();
  let held = [];
  // Nothing reaches the inbox while the first tab is open.
  await context.route(`${env.server.url}/api/tickets**`, (route) => {
    if (route.request().method() !== 'POST') return route.fallback();
    held.push(route);
  });
  const first = await openPageIn(context, `${env.server.url}/`);
  const dialog = await openChat(first.page);
  await ask(first.page, 'I filed a dispute with my bank');
  await contactForm(dialog).getByLabel('Your email').fill('maya@example.com');
  await contactForm(dialog).getByRole('button', { name: 'Send email' }).click();
  await dialog.getByRole('form', { name: 'Billing question' }).waitFor();
  const id = await conversationId(first.page);
  await eventually(() => held.length > 0);
  await first.page.close(); // before the checklist: the ticket and the email are queued
  await Promise.all(held.map((r) => r.abort().catch(() => {})));
  await context.unrouteAll({ behavior: 'ignoreErrors' });
  const second = await openPageIn(context, `${env.server.url}/course.html`);
  const ticket = await stored(second.page, id, (t) => t.reply_to);
  assert.equal(ticket.reply_to.email, 'maya@example.com');
  assert.equal(ticket.follow_ups.filter((f) => f.contact).length, 1, 'the email arrived once');
  first.assertCleanConsole({ allow: INJECTED_FAILURES });
  second.assertCleanConsole({ allow: INJECTED_FAILURES });
  await context.close();
});

test('a visitor who leaves without an email is listed apart in the inbox as no way to reply', { timeout: 60000 }, async () => {
  const { page, context, assertCleanConsole } = await openPage(env.browser, `${env.server.url}/`);
  const dialog = await openChat(page);
  await ask(page, "I'm going to talk to my lawyer about this");
  await contactForm(dialog).getByRole('button', { name: 'Continue without email' }).click();
  await dialog.getByText("can't write to you", { exact: false }).waitFor();
  const id = await conversationId(page);
  const ticket = await stored(page, id);
  assert.equal(ticket.reply_to, null);
  const inbox = await (await env.server.get(`/inbox`)).text();
  const apart = inbox.slice(inbox.indexOf('No way to reply'));
  assert.ok(inbox.includes('No way to reply') && apart.includes(id.slice(0, 8).toUpperCase()), 'listed apart');
  assertCleanConsole();
  await context.close();
});

test('an identified visitor is asked no contact, only the checklist', { timeout: 60000 }, async () => {
  const html = creatorPage({ attrs: 'data-email="sam@example.com" data-name="Sam"' });
  const { page, context, assertCleanConsole } = await openHtml(env.browser, env.server.url, html);
  const dialog = await openChat(page);
  await ask(page, 'I filed a dispute with my bank');
  const form = dialog.getByRole('form', { name: 'Billing question' });
  await form.waitFor();
  assert.equal(await contactForm(dialog).count(), 0, 'no contact asked');
  await form.getByRole('button', { name: 'Skip', exact: true }).click();
  await dialog.getByText('will reply to sam@example.com', { exact: false }).waitFor();
  assertCleanConsole();
  await context.close();
});

test('a Spanish page asks in Spanish, with the checklist in Spanish', { timeout: 60000 }, async () => {
  const { page, context, assertCleanConsole } = await openHtml(env.browser, env.server.url, creatorPage({ lang: 'es' }));
  await page.getByRole('button', { name: 'Abrir el chat de ayuda' }).click();
  const dialog = page.getByRole('dialog', { name: 'Chat de ayuda' });
  await page.evaluate(() => new Promise((resolve) => window.Deflect('on', 'ready', resolve)));
  await page.getByRole('textbox', { name: 'Escribe tu pregunta' }).fill('Presenté una disputa, un chargeback, con mi banco');
  await page.getByRole('button', { name: 'Enviar', exact: true }).click();
  const contact = dialog.getByRole('form', { name: '¿A qué correo te respondemos?' });
  await contact.getByLabel('Tu correo electrónico').fill('ana@example.com');
  await contact.getByRole('button', { name: 'Enviar correo' }).click();
  const form = dialog.getByRole('form', { name: 'Consulta de facturación' });
  await form.getByLabel('Número de pedido o de factura', { exact: false }).fill('BA-10432');
  await form.getByRole('button', { name: 'Enviar datos' }).click();
  await dialog.getByText('te responderá a ana@example.com en menos de 24 horas', { exact: false }).waitFor();
  assertCleanConsole();
  await context.close();
});

test('axe finds no violations while the handoff asks for the email and the checklist', { timeout: 60000 }, async () => {
  const { page, context, assertCleanConsole } = await openPage(env.browser, `${env.server.url}/`, { reducedMotion: 'reduce' });
  const dialog = await openChat(page);
  await ask(page, 'I filed a dispute with my bank');
  const contact = contactForm(dialog);
  await contact.waitFor();
  assert.deepEqual(await violations(page), [], 'contact');
  await contact.getByRole('button', { name: 'Send email' }).click();
  await contact.getByText('Please enter your email address', { exact: false }).waitFor();
  assert.deepEqual(await violations(page), [], 'contact with an error');
  await contact.getByLabel('Your email').fill('maya@example.com');
  await contact.getByRole('button', { name: 'Send email' }).click();
  const form = dialog.getByRole('form', { name: 'Billing question' });
  await form.getByLabel('Last 4 digits', { exact: false }).fill('12');
  await form.getByRole('button', { name: 'Send details' }).click();
  await form.getByText('only the last 4 digits', { exact: false }).waitFor();
  assert.deepEqual(await violations(page), [], 'checklist with an error');
  assertCleanConsole();
  await context.close();
});
