// Who the visitor is, as the tag's data-email / data-name / data-tier / data-signature
// and Deflect('identify', {...}) say; the engine's handoff rules read the tier. The
// signature is the creator's server's HMAC of the email and tier: without it the inbox
// believes neither (README, "Who the visitor is").

const FIELDS = ['email', 'name', 'tier', 'signature'];

/** An attribute value, or null when it is missing or empty. */
export const present = (v) => (v == null || v === '' ? null : String(v));

/** `{email, name, tier, signature}` from the tag's config. */
export function customerFrom(config) {
  return Object.fromEntries(FIELDS.map((k) => [k, present(config[k])]));
}

/** Updates `customer` with the fields `update` names (the others stay). */
export function identify(customer, update) {
  for (const k of FIELDS) if (k in update) customer[k] = present(update[k]);
}
