// Shared set-up for the browser tests: the real `deflect serve` on a free loopback port
// with a fresh SQLite inbox, and headless Debian Chromium driven by playwright-core.
// Every page must end its test with an empty console.

import { execFileSync, spawn } from 'node:child_process';
import { before, after } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { removeTemporary } from '../perf/bench-kbs.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run',
];

/**
 * Starts `deflect serve --port 0` and resolves once it prints its URL. Reads go in as an
 * agent, with an API token made by `deflect token create` on the test's database first;
 * `agent: {email, password}` also adds an agent who can log in (`deflect agent add`);
 * `env` adds environment variables (e.g. DEFLECT_IDENTITY_SECRET); `site` serves another
 * built site than dist/.
 */
export async function startServer({ agent = null, env = {}, site = join(root, 'dist') } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'deflect-test-'));
  const deflect = join(root, 'target', process.env.DEFLECT_CLI_PROFILE ?? 'release', 'deflect');
  const db = join(dir, 'inbox.sqlite');
  const token = execFileSync(deflect, ['token', 'create', '--name', 'browser-tests', '--db', db],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  if (agent) {
    execFileSync(deflect, ['agent', 'add', agent.email, '--password-stdin', '--db', db],
      { cwd: root, input: `${agent.password}\n`, stdio: ['pipe', 'ignore', 'ignore'] });
  }
  const child = spawn(deflect, ['serve', '--site', site, '--port', '0', '--db', db],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 15000);
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = output.match(/demo site: (http:\/\/127\.0\.0\.1:\d+)\//);
      if (match) { clearTimeout(timer); resolve(match[1]); }
    });
    child.stderr.on('data', (chunk) => { output += chunk; });
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${output}`)));
  });
  /** GET `path` as an agent (the inbox's pages, tickets, insights, screenshots). */
  const get = (path) => fetch(`${url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  return {
    url,
    get,
    async tickets() {
      const response = await get('/api/tickets?limit=200');
      return response.json();
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.on('exit', resolve)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts `deflect serve` and Chromium before a test file's tests and stops both after
 * them; tests read `env.server` and `env.browser`.
 */
export function useSiteAndBrowser(serverOptions = {}) {
  const env = { server: null, browser: null };
  before(async () => {
    env.server = await startServer(serverOptions);
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.stop();
  });
  return env;
}

/**
 * Like `useSiteAndBrowser`, for a site the test file builds itself: `build()` runs
 * before its tests and returns `{site, temporary, …}` (or null: nothing to serve, the
 * tests skip); everything it returns lands in the env next to `server` and `browser`,
 * and after the tests the `temporary` folders go (`removeTemporary` of bench-kbs.mjs).
 */
export function useBuiltSite(build) {
  const env = { server: null, browser: null };
  before(async () => {
    const built = await build();
    if (!built) return;
    Object.assign(env, built);
    env.server = await startServer({ site: built.site });
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.stop();
    for (const path of env.temporary || []) removeTemporary(root, path);
  });
  return env;
}

export async function launchBrowser() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** The requests each watched page has started and not yet finished or failed. */
const inFlightOf = new WeakMap();

/**
 * Resolves once the widget on `page` (watched) has nothing left to deliver: its outbox in
 * localStorage is empty and none of its ticket requests is in flight. Tickets are only
 * ever sent from the outbox, so from then on the inbox's count is final: this is what
 * a test waits for before it checks that no duplicate arrived.
 */
export async function deliveriesSettled(page) {
  const inFlight = inFlightOf.get(page);
  await eventually(async () =>
    ![...inFlight].some((request) => request.url().includes('/api/tickets')) &&
    (await page.evaluate(() => localStorage.getItem('deflect:outbox') === null)), { timeout: 30000 });
}

/**
 * Records a page's console errors and warnings, page errors and requests;
 * `assertCleanConsole()` fails the test if there were any (bar those `allow` matches).
 */
export function watchPage(page) {
  const problems = [];
  const requests = [];
  const inFlight = new Set();
  inFlightOf.set(page, inFlight);
  page.on('console', (message) => {
    if (['error', 'warning'].includes(message.type())) problems.push(`console.${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('request', (request) => {
    requests.push(request.url());
    inFlight.add(request);
  });
  page.on('requestfinished', (request) => inFlight.delete(request));
  page.on('requestfailed', (request) => inFlight.delete(request));
  return {
    problems,
    requests,
    assertCleanConsole({ allow = null } = {}) {
      const left = problems.filter((p) => !(allow && allow.test(p)));
      if (left.length) throw new Error(`console was not empty:\n${left.join('\n')}`);
    },
  };
}

/** A fresh page in a new browser context, watched by `watchPage`. */
export async function openPage(browser, url, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const watched = watchPage(page);
  await page.goto(url);
  return { page, context, ...watched };
}

/** Opens the chat with its launcher and waits for the engine to be ready. */
export async function openChat(page) {
  await page.getByRole('button', { name: 'Open support chat' }).click();
  const dialog = page.getByRole('dialog', { name: 'Support chat' });
  await dialog.waitFor();
  // 'ready' fires once the engine has loaded (at once if it already has).
  await page.evaluate(() => new Promise((resolve) => window.Deflect('on', 'ready', resolve)));
  return dialog;
}

/** Types a question and sends it. */
export async function ask(page, text) {
  await page.getByRole('textbox', { name: 'Type your question' }).fill(text);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
}

/** The form a handoff shows to ask where a person should reply. */
export const contactForm = (dialog) => dialog.getByRole('form', { name: 'Where should we reply?' });

/** Waits for a handoff to have started: the contact form, or for an identified visitor
 *  what comes next (a checklist or the reference). The ticket is queued by then. */
export async function handoffStarted(dialog) {
  await contactForm(dialog).or(dialog.getByText('Your reference:', { exact: false })).or(dialog.getByRole('button', { name: 'Skip', exact: true })).first().waitFor();
}

/** Answers the handoff's questions: `email` in the contact form, then skips the
 *  checklist if one is asked, and waits for the promise. */
export async function finishHandoff(dialog, email = 'maya@example.com') {
  await contactForm(dialog).getByLabel('Your email').fill(email);
  await contactForm(dialog).getByRole('button', { name: 'Send email' }).click();
  const skip = dialog.getByRole('button', { name: 'Skip', exact: true });
  const promise = dialog.getByText(`reply to ${email}`, { exact: false });
  await skip.or(promise).first().waitFor();
  if (await skip.count()) await skip.click();
  await promise.first().waitFor();
}

/** Sums the cumulative layout shift (CLS) of every page `context` opens; read it with `layoutShift`. */
export async function trackLayoutShift(context) {
  await context.addInitScript(() => {
    window.__cls = 0;
    window.__clsAdd = (entries) => {
      for (const e of entries) if (!e.hadRecentInput) window.__cls += e.value;
    };
    window.__clsObserver = new PerformanceObserver((list) => window.__clsAdd(list.getEntries()));
    window.__clsObserver.observe({ type: 'layout-shift', buffered: true });
  });
}

/** The page's cumulative layout shift up to now (see `trackLayoutShift`): once the next
 *  frame has started, every change made so far has been laid out and its shifts queued
 *  to the observer, which hands over those it has not delivered yet. */
export function layoutShift(page) {
  return page.evaluate(() => new Promise((resolve) => {
    requestAnimationFrame(() => requestAnimationFrame(() => {
      window.__clsAdd(window.__clsObserver.takeRecords());
      resolve(window.__cls);
    }));
  }));
}

/** Polls until `check()` returns a truthy value or the time is up. */
export async function eventually(check, { timeout = 10000, interval = 100 } = {}) {
  const until = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${check}`);
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/**
 * Like `openPage`, for a browser context the test has prepared (routes, storage, a
 * second page of the same visitor). `assertCleanConsole({ allow })` accepts console
 * lines matching `allow`: a test that injects HTTP 500s or cuts the network expects
 * Chromium's own "Failed to load resource" lines for those requests, and nothing else.
 */
export async function openPageIn(context, url) {
  const page = await context.newPage();
  const watched = watchPage(page);
  await page.goto(url);
  return { page, ...watched };
}

/** Console lines Chromium writes for a ticket POST the test made fail on purpose. */
export const INJECTED_FAILURES =
  /^console\.error: Failed to load resource: (the server responded with a status of (500|503|429)|net::ERR_(FAILED|INTERNET_DISCONNECTED|CONNECTION_REFUSED|CONNECTION_RESET|EMPTY_RESPONSE))/;
