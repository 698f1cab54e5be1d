// Helpers shared by the widget, accessibility and mobile tests (the harness does the rest).

import { watchPage } from './harness.mjs';

/** A creator's page with one Deflect tag, served from the demo site's origin. */
export function creatorPage({ lang = 'en', attrs = '', before = '', csp = '' } = {}) {
  const head = csp ? `<meta http-equiv="Content-Security-Policy" content="${csp}">` : '';
  // With a strict CSP there is no inline script: the tag alone must do.
  const stub = csp
    ? ''
    : `<script>window.Deflect = window.Deflect || function () { (Deflect.q = Deflect.q || []).push(arguments); };
${before}</script>`;
  return `<!doctype html>
<html lang="${lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">${head}
<title>Creator page</title></head>
<body><main><h1>Creator page</h1><p>Some content.</p></main>
${stub}
<script src="/deflect.js" data-endpoint="/api/tickets" ${attrs} async></script>
</body></html>`;
}

/**
 * Like the harness's openPage, for a page whose HTML the test supplies (served at
 * `${base}/${name}` through request interception, so it shares the site's origin).
 */
export async function openHtml(browser, base, html, options = {}, name = 'creator.html') {
  const context = await browser.newContext(options);
  await context.route(`${base}/${name}`, (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: html }));
  const page = await context.newPage();
  const watched = watchPage(page);
  await page.goto(`${base}/${name}`);
  return { page, context, ...watched };
}

/** Resolves with the next `name` event of the widget's JS API. */
export function nextEvent(page, name) {
  return page.evaluate((n) => new Promise((resolve) => window.Deflect('on', n, resolve)), name);
}

/** The element focused inside the widget's shadow root, described for assertions. */
export function focused(page) {
  return page.evaluate(() => {
    const host = document.querySelector('deflect-chat');
    const active = host && host.shadowRoot.activeElement;
    if (!active) return { inWidget: false, tag: document.activeElement && document.activeElement.tagName };
    const panel = host.shadowRoot.querySelector('[role=dialog]');
    return {
      inWidget: true,
      inPanel: Boolean(panel && panel.contains(active)),
      tag: active.tagName,
      name: active.getAttribute('aria-label') || active.textContent.trim(),
    };
  });
}
