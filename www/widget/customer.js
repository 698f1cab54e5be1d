// Who the visitor is, as the tag's data-email / data-name / data-tier and
// Deflect('identify', {...}) say; the engine's handoff rules read the tier.

const FIELDS = ['email', 'name', 'tier'];

/** An attribute value, or null when it is missing or empty. */
export const present = (v) => (v == null || v === '' ? null : String(v));

/** `{email, name, tier}` from the tag's config. */
export function customerFrom(config) {
  return Object.fromEntries(FIELDS.map((k) => [k, present(config[k])]));
}

/** Updates `customer` with the fields `update` names (the others stay). */
export function identify(customer, update) {
  for (const k of FIELDS) if (k in update) customer[k] = present(update[k]);
}
