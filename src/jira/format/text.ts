// Cutting text for Jira's length limits without breaking characters.
//
// Lengths are counted in UTF-16 code units (JavaScript `length`), which is how Jira (Java
// `String.length()`) counts: never fewer than code points, so a text within the limit in code units
// is within it however Jira counts. Cuts fall on grapheme-cluster boundaries (Intl.Segmenter), which
// are also code-point boundaries: no lone surrogate, no half of a ZWJ emoji sequence or of a
// skin-tone/keycap sequence. Only a window of WINDOW code units before the cut is segmented, because
// iterating Intl.Segmenter over a whole long string is quadratic in V8 (measured: 12 K code units
// 21 ms, 96 K 6.5 s). Limits of the window: a single grapheme longer than the window (e.g. hundreds
// of combining marks) is cut on a code-point boundary instead, and inside a run of more than
// WINDOW/2 flag emoji (regional-indicator pairs) the pairing may be off by one: still code-point safe.

export const ELLIPSIS = '\u2026';

const WINDOW = 128;
const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/** The largest code-point boundary <= pos. */
function codePointBoundary(t: string, pos: number): number {
  return pos > 0 && pos < t.length && isHigh(t.charCodeAt(pos - 1)) && isLow(t.charCodeAt(pos)) ? pos - 1 : pos;
}

/** The largest grapheme boundary <= pos (see the window note above). */
export function graphemeBoundary(t: string, pos: number): number {
  if (pos >= t.length) return t.length;
  if (pos <= 0) return 0;
  let start = Math.max(0, pos - WINDOW);
  if (start > 0 && isLow(t.charCodeAt(start)) && isHigh(t.charCodeAt(start - 1))) start++;
  // Segment a little past pos too, so that what follows the cut is taken into account.
  const window = t.slice(start, Math.min(t.length, pos + 32));
  let best = start;
  for (const { index } of segmenter.segment(window)) {
    if (start + index > pos) break;
    best = start + index;
  }
  // No boundary after the window start: one grapheme spans the cut; cut it on a code point.
  return best === start ? Math.max(start, codePointBoundary(t, pos)) : best;
}

/** The longest prefix of whole graphemes of at most `maxUnits` code units. */
export function prefixWithin(t: string, maxUnits: number): string {
  return t.slice(0, graphemeBoundary(t, maxUnits));
}

/** `t` when it fits in `maxUnits` code units; otherwise a prefix (trailing space dropped) plus `…`. */
export function cutWithEllipsis(t: string, maxUnits: number): string {
  if (t.length <= maxUnits) return t;
  if (maxUnits < ELLIPSIS.length) return '';
  return prefixWithin(t, maxUnits - ELLIPSIS.length).trimEnd() + ELLIPSIS;
}

/** Lone surrogates replaced by U+FFFD (what String.prototype.toWellFormed does). */
export function wellFormed(t: string): string {
  return t.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}
