// The page the visitor is on, for the ticket: a person sees where they asked from.
//
// Without its secrets: the address of a password-reset, magic-link, unsubscribe or
// OAuth callback page carries a credential that must not reach an agent or a helpdesk.
// The rule (the same as the server's crates/server/src/page_url.rs; both pass
// tests/vectors/page-urls.json): keep the scheme, host, port and path; drop the login
// part (user:password@), the fragment, and every query parameter whose name is not in
// ALLOWED_PARAMETERS (compared without case, not percent-decoded). `&` and `;` both
// separate parameters; kept ones are joined by `&` in their order.

export const ALLOWED_PARAMETERS = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content', 'ref', 'lang'];

/** `url` with its login part, fragment and unlisted query parameters removed. */
export function withoutSecrets(url) {
  let rest = String(url ?? '').trim();
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  const base = q >= 0 ? rest.slice(0, q) : rest;
  const query = q >= 0 ? rest.slice(q + 1) : '';
  const kept = query.split(/[&;]/).filter((param) => {
    const eq = param.indexOf('=');
    const name = (eq >= 0 ? param.slice(0, eq) : param).toLowerCase();
    return ALLOWED_PARAMETERS.includes(name);
  });
  return withoutLogin(base) + (kept.length ? `?${kept.join('&')}` : '');
}

/** `scheme://user:password@host/path` without `user:password@`. */
function withoutLogin(base) {
  const sep = base.indexOf('://');
  if (sep < 0) return base;
  const rest = base.slice(sep + 3);
  const slash = rest.indexOf('/');
  const authority = slash >= 0 ? rest.slice(0, slash) : rest;
  const path = slash >= 0 ? rest.slice(slash) : '';
  const at = authority.lastIndexOf('@');
  return `${base.slice(0, sep + 3)}${at >= 0 ? authority.slice(at + 1) : authority}${path}`;
}

export function pageInfo() {
  return {
    url: withoutSecrets(location.href),
    title: document.title,
    referrer: withoutSecrets(document.referrer),
    user_agent: navigator.userAgent,
    language: navigator.language || '',
  };
}
