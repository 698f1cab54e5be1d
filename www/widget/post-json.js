// One POST of JSON, reduced to what a retry decision needs: the status (0 when there
// was no answer: offline, timed out, blocked, DNS, CORS…) and the Retry-After it asked
// for, plus the JSON answer (a ticket's token is in it).

const TIMEOUT_MS = 15000; // a hung endpoint counts as a failed attempt and is retried

/** POSTs `payload` to `url` with extra `headers`; resolves with `{status, retryAfterMs,
 *  answer}` (`answer`: the parsed JSON body, or null) and never rejects. */
export async function postJson(url, payload, headers = {}) {
  const body = JSON.stringify(payload);
  const abort = new AbortController();
  const timeout = setTimeout(() => abort.abort(), TIMEOUT_MS);
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body,
      keepalive: body.length < 60000, // browsers cap keepalive bodies at 64 KiB
      signal: abort.signal,
    });
    const answer = await res.json().catch(() => null);
    return { status: res.status, retryAfterMs: (Number(res.headers.get('Retry-After')) || 0) * 1000, answer };
  } catch {
    return { status: 0, retryAfterMs: 0 };
  } finally {
    clearTimeout(timeout);
  }
}
