// Jira wiki markup (REST v2 and Data Center): escaping of alert text.
//
// Ordinary text (`escapeWikiText`): one pass over the string, so no replacement is re-read.
// - `* _ - + ^ ~ ? { } [ ] | ! #` get a backslash: no bold/italic/strike/underline/sup/sub,
//   citations, macros (`{code}`, `{noformat}`, `{{mono}}`), links/mentions (`[a|http://x]`,
//   `[~accountid:x]`), tables (`|`), images (`!http://x!`), lists/numbering at line start.
// - `\` becomes the character reference `&#92;`: a backslash cannot be escaped with a backslash,
//   because `\\` is Jira's line break, and a lone `\` would escape what follows it.
// - `h1.`..`h6.` and `bq.` at the start of a line: the first letter becomes `&#104;` / `&#98;`.
// - `://` and `mailto:`: the colon becomes `&#58;`, so the renderer does not auto-link bare URLs
//   (alert text must not carry clickable links; only the ones we build are links).
// - emoticons (`:)`, `;)`, `:P`, `(y)`, `(x)`, `(on)`, ...): the `:`/`;`/`(` becomes a character
//   reference, so no icon images appear from alert text.
// Character references are resolved by the browser after Jira has parsed the markup, so they show
// the character and cannot create markup. A consequence: alert text that itself contains an HTML
// character reference (e.g. `&lt;`) may be shown as the character it names. `&` is not escaped.
//
// Code blocks (`wikiCodeBlock`): inside `{code}` the only way out is the literal `{code}`
// (or `{noformat}` for noformat blocks). Callers pass JSON produced by `jsonForWikiCode`, where
// every `{` that starts `code`/`noformat` (any case) is written as the JSON string escape
// `\u007b`: still valid JSON with the same meaning, and no closing tag can appear.

import { normaliseNewlines } from './adf.js';

const WIKI_TEXT_PATTERN = new RegExp(
  [
    String.raw`[*_\-+^~?{}\[\]|!#]`, // markup characters -> backslash
    String.raw`\\`, // backslash -> &#92;
    String.raw`h(?<=^[ \t\f\v]*h)(?=[1-6]\.)`, // heading at line start (letter first: linear time)
    String.raw`b(?<=^[ \t\f\v]*b)(?=q\.)`, // bq. at line start
    String.raw`:(?=\/\/)`, // scheme://  (auto-links)
    String.raw`(?<=mailto):`, // mailto: (auto-links), even glued to a preceding word
    String.raw`[:;](?=[()PDpd])`, // :) :( :P :D ;)
    String.raw`\((?=(?:y|n|i|\/|x|on|off|flag|flagoff|[*!+\-?][rgby]?)\))`, // (y) (n) (i) (/) (x) (on) (*r) ...
  ].join('|'),
  'gimu',
);

const REFERENCES: Record<string, string> = {
  '\\': '&#92;',
  h: '&#104;',
  H: '&#72;',
  b: '&#98;',
  B: '&#66;',
  ':': '&#58;',
  ';': '&#59;',
  '(': '&#40;',
};

/**
 * Escapes alert text for ordinary (non-code) wiki markup. Line ends are kept, as LF (CRLF, CR,
 * U+0085, U+2028 and U+2029 all become LF, so every line start is seen and escaped).
 */
export function escapeWikiText(t: string): string {
  return normaliseNewlines(t).replace(WIKI_TEXT_PATTERN, (m) => REFERENCES[m] ?? `\\${m}`);
}

/**
 * A link target for `[text|target]`: the characters that would end or split the link
 * (`]`, `|`, `[`, `{`, `}`) and spaces are percent-encoded. Callers pass an already validated
 * http(s) URL (see `safeHttpUrl`).
 */
export function wikiLinkTarget(url: string): string {
  return url.replace(/[\[\]|{}\s!]/gu, (c) => encodeURIComponent(c).replace('!', '%21'));
}

/** `[text|target]` with escaped text. */
export function wikiLink(label: string, url: string): string {
  return `[${escapeWikiText(label)}|${wikiLinkTarget(url)}]`;
}

const CODE_MACRO_START = /\{(?=code|noformat)/giu;

/**
 * JSON text for a wiki code block: `JSON.stringify(value, null, indent)` with every `{` that would
 * start `{code` or `{noformat` (any case) written as `\u007b`. A structural `{` is never followed by a
 * letter in JSON, so only string contents (keys and values) are touched, and the result parses to
 * the same value.
 */
export function jsonForWikiCode(json: string): string {
  return json.replace(CODE_MACRO_START, '\\u007b');
}

/** True when `body` cannot close or open a code/noformat block. */
export function isSafeWikiCodeBody(body: string): boolean {
  return !/\{(?:code|noformat)/iu.test(body);
}

/** `{code:lang}` … `{code}`. Throws when the body could leave the block (a programming error). */
export function wikiCodeBlock(language: string, body: string): string {
  if (!/^[a-z0-9+#-]*$/i.test(language)) throw new RangeError(`unsafe code block language: ${language}`);
  if (!isSafeWikiCodeBody(body)) throw new RangeError('code block body contains {code or {noformat');
  return `{code:${language}}\n${body}\n{code}`;
}
