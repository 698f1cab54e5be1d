// WCAG 2.1 contrast, so text on the brand colour and brand-coloured text on the panel
// stay readable whatever colour the creator picks. The loader (the launcher's icon) and
// the widget (header, buttons, links) both use it; `deflect site` warns with the same
// maths (src/compile/settings.rs), and tests/vectors/contrast.json keeps them in step.

export const WHITE_INK = '#ffffff';
/** Near-black rather than black: softer on bright brands, same as DARK_INK in Rust. */
export const DARK_INK = '#111111';

/** `#rgb` or `#rrggbb` as [r, g, b] (0–255); null for anything else. */
export function parseHex(color) {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color || '');
  if (!m) return null;
  const hex = m[1].length === 3 ? m[1].replace(/./g, '$&$&') : m[1];
  const n = parseInt(hex, 16);
  return [n >> 16, (n >> 8) & 255, n & 255];
}

const toHex = (rgb) => `#${rgb.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;

/** WCAG 2.1 relative luminance of [r, g, b]. */
function luminance(rgb) {
  const linear = (v) => ((v /= 255) <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
  return 0.2126 * linear(rgb[0]) + 0.7152 * linear(rgb[1]) + 0.0722 * linear(rgb[2]);
}

function ratioOf(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** WCAG 2.1 contrast ratio (1 to 21) of two hex colours; null when one is not hex. */
export function contrastRatio(a, b) {
  const [x, y] = [parseHex(a), parseHex(b)];
  return x && y ? ratioOf(x, y) : null;
}

/** White or near-black text on `color`, whichever contrasts more (ties: white).
 *  A colour that is not hex (a CSS name the creator typed) gets white. */
export function inkFor(color) {
  const rgb = parseHex(color);
  if (!rgb) return WHITE_INK;
  return ratioOf(rgb, parseHex(WHITE_INK)) >= ratioOf(rgb, parseHex(DARK_INK)) ? WHITE_INK : DARK_INK;
}

/** `color`, mixed towards `toward` in 5% steps just until it reaches `ratio` against
 *  `bg`; `toward` itself when no step does. Non-hex colours are returned unchanged. */
export function readableOn(color, bg, toward, ratio = 4.5) {
  const from = parseHex(color);
  if (!from) return color;
  const background = parseHex(bg);
  const end = parseHex(toward);
  for (let t = 0; t <= 1.0001; t += 0.05) {
    const mixed = from.map((v, i) => v + (end[i] - v) * t);
    if (ratioOf(mixed, background) >= ratio) return toHex(mixed);
  }
  return toward;
}
