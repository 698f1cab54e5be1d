// An agent logs in to the inbox in real Chromium: the inbox sends a stranger to the
// login form, the form logs the agent in and back to the page asked for, "Log out" ends
// the session. The pages run no script and break no rule of their CSP: the console
// stays empty (bar the browser's own request for a favicon the inbox does not have, and
// the 401 of a wrong password).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, watchPage } from './harness.mjs';

const AGENT = { email: 'ann@shop.example', password: 'a long browser-test password' };
const env = { server: null, browser: null };

before(async () => {
  env.server = await startServer({ agent: AGENT });
  env.browser = await launchBrowser();
});
after(async () => {
  await env.browser?.close();
  await env.server?.stop();
});

/** A fresh browser on `path`, watched; 404s other than the favicon fail the test. */
async function visit(path) {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const watched = watchPage(page);
  const missing = [];
  page.on('response', (r) => { if (r.status() === 404) missing.push(new URL(r.url()).pathname); });
  await page.goto(`${env.server.url}${path}`);
  /** `refused` also allows the console line of a 401 the test asked for. */
  const assertClean = ({ refused = false } = {}) => {
    assert.deepEqual(missing.filter((p) => p !== '/favicon.ico'), [], 'nothing else is missing');
    watched.assertCleanConsole({ allow: refused ? /status of (401|404) / : /status of 404 / });
  };
  return { page, context, assertClean };
}

test('a stranger is sent to the login form, and back to the page after logging in', async () => {
  const { page, context, assertClean } = await visit('/inbox/insights');
  assert.equal(new URL(page.url()).pathname, '/login');
  await page.getByLabel('Email').fill(AGENT.email);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('alert').filter({ hasText: 'Wrong email or password.' }).waitFor();

  await page.getByLabel('Password').fill(AGENT.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL('**/inbox/insights');
  assert.equal(await page.evaluate(() => document.cookie), '', 'the session cookie is HttpOnly');
  assertClean({ refused: true });
  await context.close();
});

test('the inbox names the agent, and Log out ends the session', async () => {
  const { page, context, assertClean } = await visit('/login');
  await page.getByLabel('Email').fill(AGENT.email);
  await page.getByLabel('Password').fill(AGENT.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL('**/inbox');
  await page.getByText(`Signed in as ${AGENT.email}`).waitFor();
  assert.equal(await page.locator('script').count(), 0, 'no script on the inbox page');

  await page.getByRole('button', { name: 'Log out' }).click();
  await page.waitForURL('**/login');
  await page.goto(`${env.server.url}/inbox`);
  assert.equal(new URL(page.url()).pathname, '/login', 'the old session reads nothing');
  assertClean();
  await context.close();
});
