// Cutting text for Jira's length limits without breaking characters.
//
// Lengths are counted in UTF-16 code units (JavaScript `length`), which is how Jira (Java
// `String.length()`) counts: never fewer than code points, so a text within the limit in code units
// is within it however Jira counts. Cuts fall on grapheme-cluster boundaries (Intl.Segmenter), which
// are also code-point boundaries: no lone surrogate, no half of a ZWJ emoji sequence or of a flag.

export const ELLIPSIS = '\u2026';

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

export function graphemes(t: string): string[] {
  return Array.from(segmenter.segment(t), (s) => s.segment);
}

/** The longest prefix of whole graphemes (falling back to code points) of at most `maxUnits` code units. */
export function prefixWithin(t: string, maxUnits: number): string {
  if (t.length <= maxUnits) return t;
  let out = '';
  for (const g of graphemes(t)) {
    if (out.length + g.length > maxUnits) {
      // A single grapheme can be long (combining marks): take its whole code points that fit.
      for (const cp of g) {
        if (out.length + cp.length > maxUnits) break;
        out += cp;
      }
      break;
    }
    out += g;
  }
  return out;
}

/** `t` when it fits in `maxUnits` code units; otherwise a prefix (trailing space dropped) plus `…`. */
export function cutWithEllipsis(t: string, maxUnits: number): string {
  if (t.length <= maxUnits) return t;
  if (maxUnits < ELLIPSIS.length) return '';
  return prefixWithin(t, maxUnits - ELLIPSIS.length).trimEnd() + ELLIPSIS;
}
