// The Jira issue summary and description for an alert. Pure: no I/O, no Jira client.
//
// Layout (see docs/description-format.md), one line/paragraph per field, empty fields omitted
// except the link, Alert ID and Severity:
//   *Description:* …
//   [Click here to view in alertsync|<publicUrl>/alerts/<id>?source=jira]
//   *Runbook:* … (a link only when it is an http(s) URL)
//   *Rule ID:* …
//   *Alert ID:* …
//   *Severity:* …
//   *Tags:* a, b
//   *AlertContext:*
//   {code:json} <context, pretty-printed with 2 spaces> {code}
// Built twice: ADF (REST v3, Jira Cloud) from typed nodes, and wiki markup (REST v2, Data Center).
//
// Length limit: Jira rejects a description longer than 32,767 characters. Jira counts the stored
// representation, so for ADF we measure `JSON.stringify(adf).length` (the JSON document as sent,
// in UTF-16 code units like Java's String.length()), and for wiki the string's `length`. The ADF
// document is stringified only when a cheap upper bound of that length is over the limit
// (format/json-length.ts): most descriptions are far below it. When either
// form would be over, both are cut the same way (so Cloud and Data Center show the same content):
// first the pretty-printed context, on a line boundary; then, if that is not enough, the
// description text (on a grapheme boundary, with `…`); then tags, runbook and rule id. A note after
// the code block says the whole context (or alert) is in alertsync, with the link. When not one
// line of the context fits, the AlertContext label and code block are left out altogether.
import {
  codeBlock,
  doc,
  link,
  multiline,
  normaliseNewlines,
  paragraph,
  strong,
  text,
  type AdfDoc,
} from './format/adf.js';
import { ELLIPSIS, cutWithEllipsis, prefixWithin, wellFormed } from './format/text.js';
import { jsonFitsWithin } from './format/json-length.js';
import { safeHttpUrl } from './format/url.js';
import { escapeWikiText, jsonForWikiCode, wikiCodeBlock, wikiLink, wikiLinkTarget } from './format/wiki.js';

export const JIRA_DESCRIPTION_MAX_LENGTH = 32767;
export const JIRA_SUMMARY_MAX_LENGTH = 255;

export type IssueSeverity = 'INFO' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

export interface IssueDescriptionInput {
  alertId: string;
  title: string;
  description: string | null;
  severity: IssueSeverity;
  type: string;
  ruleId: string | null;
  runbook: string | null;
  tags: string[];
  context: Record<string, unknown> | null;
}

export interface IssueDescriptionOptions {
  /** alertsync's public base URL (http or https, no query or fragment), e.g. https://alertsync.example.com */
  publicUrl: string;
  /** Default 32,767 (Jira's limit for a text field). */
  maxLength?: number;
  /**
   * Path under publicUrl that the link points to instead of `/alerts/<id>` (e.g. a test issue,
   * whose "alert" is not stored, points to its delivery: `/api/deliveries/<jobId>`).
   */
  linkPath?: string;
  /**
   * Which representation to build and measure: 'adf' (REST v3, what delivery sends) builds only
   * ADF, and only once when it fits; 'both' (default) keeps the two within the limit.
   */
  format?: 'adf' | 'both';
}

export interface IssueDescription {
  adf: AdfDoc;
  /** Empty when only ADF was asked for (`format: 'adf'`). */
  wiki: string;
  /** True when anything (context or text) was cut to fit `maxLength`. */
  truncated: boolean;
}

export const ALERT_LINK_TEXT = 'Click here to view in alertsync';
export const CONTEXT_TRUNCATED_NOTE = 'Context truncated: the whole context is in ';
export const ALERT_TRUNCATED_NOTE = 'Alert truncated: the whole alert is in ';

/** `<publicUrl>/alerts/<url-encoded id>?source=jira` (lone surrogates in the id become U+FFFD). Throws RangeError on an unusable publicUrl. */
export function alertUrl(publicUrl: string, alertId: string): string {
  const url = safeHttpUrl(`${checkedBase(publicUrl)}/alerts/${encodeURIComponent(wellFormed(alertId))}?source=jira`);
  if (url === null) throw new RangeError('cannot build the alert URL');
  return url;
}

/** The last public URL checked (every issue of a service has the same one): parsed once, not per issue. */
let lastBase: { publicUrl: string; base: string } | null = null;

/** `publicUrl` checked (absolute http(s), no query or fragment), without its trailing slashes. */
function checkedBase(publicUrl: string): string {
  if (lastBase?.publicUrl === publicUrl) return lastBase.base;
  const base = safeHttpUrl(publicUrl);
  if (base === null) throw new RangeError(`publicUrl must be an absolute http(s) URL: ${JSON.stringify(publicUrl)}`);
  const parsed = new URL(base);
  if (parsed.search !== '' || parsed.hash !== '' || base.endsWith('?') || base.endsWith('#')) {
    throw new RangeError('publicUrl must not have a query or fragment');
  }
  lastBase = { publicUrl, base: base.replace(/\/+$/, '') };
  return lastBase.base;
}

/** The issue summary: the title on one line, cut to Jira's 255 characters with `…`. */
export function buildIssueSummary(title: string): string {
  const oneLine = wellFormed(title)
    .replace(/[\r\n\t\v\f\u0085\u2028\u2029]+/g, ' ')
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim();
  return cutWithEllipsis(oneLine === '' ? 'Untitled alert' : oneLine, JIRA_SUMMARY_MAX_LENGTH);
}

// ---------------------------------------------------------------------------------------------

/** The fields as shown, after normalisation and (possibly) cutting. */
interface Shown {
  url: string;
  description: string | null;
  runbook: string | null;
  /** The runbook's link target: decided on the raw runbook (trimmed), before any cleaning or cut. */
  runbookHref: string | null;
  ruleId: string | null;
  alertId: string;
  severity: string;
  tags: string | null;
  /** Pretty-printed context lines (plain for ADF, `{code`-safe for wiki), or null when no context. */
  context: { plain: string[]; wiki: string[]; shown: number } | null;
  note: string | null;
}

/**
 * Displayed text: lone surrogates become U+FFFD and control characters other than tab and newline
 * are removed (Jira's database cannot store NUL; the others are invisible). CRLF/CR become LF.
 */
const clean = (s: string): string =>
  wellFormed(normaliseNewlines(s)).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
const oneLine = (s: string): string => clean(s).replace(/\n+/g, ' ').trim();
const orNull = (s: string): string | null => (s === '' ? null : s);

function renderAdf(s: Shown): AdfDoc {
  const field = (label: string, value: string | null) =>
    value === null ? null : paragraph(strong(label), text(` ${value}`));
  return doc(
    s.description !== null && paragraph(strong('Description:'), multiline(` ${s.description}`)),
    paragraph(link(ALERT_LINK_TEXT, s.url)),
    s.runbook !== null &&
      paragraph(strong('Runbook:'), text(' '), s.runbookHref === null ? text(s.runbook) : link(s.runbook, s.runbookHref)),
    field('Rule ID:', s.ruleId),
    field('Alert ID:', s.alertId),
    field('Severity:', s.severity),
    field('Tags:', s.tags),
    s.context !== null &&
      s.context.shown > 0 && [
      paragraph(strong('AlertContext:')),
      codeBlock('json', s.context.plain.slice(0, s.context.shown).join('\n')),
    ],
    s.note !== null && paragraph(text(s.note), link('alertsync', s.url), text('.')),
  );
}

function renderWiki(s: Shown): string {
  const lines: string[] = [];
  const field = (label: string, value: string | null) => {
    if (value !== null) lines.push(`*${label}* ${escapeWikiText(value)}`);
  };
  field('Description:', s.description);
  lines.push(`[${ALERT_LINK_TEXT}|${wikiLinkTarget(s.url)}]`);
  if (s.runbook !== null) {
    const href = s.runbookHref;
    lines.push(`*Runbook:* ${href === null ? escapeWikiText(s.runbook) : wikiLink(s.runbook, href)}`);
  }
  field('Rule ID:', s.ruleId);
  field('Alert ID:', s.alertId);
  field('Severity:', s.severity);
  field('Tags:', s.tags);
  if (s.context !== null && s.context.shown > 0) {
    lines.push('*AlertContext:*', wikiCodeBlock('json', s.context.wiki.slice(0, s.context.shown).join('\n')));
  }
  if (s.note !== null) lines.push(`${escapeWikiText(s.note)}[alertsync|${wikiLinkTarget(s.url)}].`);
  return lines.join('\n');
}

function bigintAsString(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** Largest n in [lo, hi] with ok(n), given ok is monotone (true then false); lo - 1 when none. */
function largest(lo: number, hi: number, ok: (n: number) => boolean): number {
  let best = lo - 1;
  while (lo <= hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (ok(mid)) {
      best = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return best;
}

/** `<publicUrl><path>` for a path of URL-safe segments; RangeError otherwise. */
export function linkUrl(publicUrl: string, path: string): string {
  alertUrl(publicUrl, 'x'); // the same checks of publicUrl
  if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(path)) throw new RangeError(`not a link path: ${JSON.stringify(path)}`);
  const url = safeHttpUrl(`${publicUrl.replace(/\/+$/, '')}${path}`);
  if (url === null) throw new RangeError('cannot build the link URL');
  return url;
}

/**
 * The issue description in ADF (v3) and wiki markup (v2 / Data Center). Never longer than
 * `maxLength` in either form (see the comment at the top of this file for how length is measured);
 * throws RangeError only when even the bare link, alert id and severity cannot fit.
 */
export function buildIssueDescription(input: IssueDescriptionInput, options: IssueDescriptionOptions): IssueDescription {
  const max = options.maxLength ?? JIRA_DESCRIPTION_MAX_LENGTH;
  const url = options.linkPath === undefined ? alertUrl(options.publicUrl, input.alertId) : linkUrl(options.publicUrl, options.linkPath);

  const adfOnly = options.format === 'adf';
  let context: Shown['context'] = null;
  if (input.context !== null && Object.keys(input.context).length > 0) {
    const pretty = JSON.stringify(input.context, bigintAsString, 2);
    const plain = pretty.split('\n');
    // The wiki form's lines only when wiki is built (delivery builds ADF only).
    context = { plain, wiki: adfOnly ? [] : jsonForWikiCode(pretty).split('\n'), shown: plain.length };
  }
  const tags = input.tags.map(oneLine).filter((t) => t !== '');
  const s: Shown = {
    url,
    description: orNull(clean(input.description ?? '').trim()),
    runbook: orNull(oneLine(input.runbook ?? '')),
    runbookHref: safeHttpUrl((input.runbook ?? '').trim()),
    ruleId: orNull(oneLine(input.ruleId ?? '')),
    alertId: oneLine(input.alertId),
    severity: oneLine(input.severity),
    tags: tags.length > 0 ? tags.join(', ') : null,
    context,
    note: null,
  };

  // The last ADF rendered by fits(): when it fits, that very document is the result.
  let lastAdf: AdfDoc | null = null;
  const fits = (): boolean => {
    if (!adfOnly && renderWiki(s).length > max) return false;
    lastAdf = renderAdf(s);
    return jsonFitsWithin(lastAdf, max);
  };
  const result = (truncated: boolean, measured: AdfDoc | null = null): IssueDescription => ({ adf: measured ?? renderAdf(s), wiki: adfOnly ? '' : renderWiki(s), truncated });

  // The common case: it fits as it is, and the document measured is the one returned.
  if (fits()) return result(false, lastAdf);

  // 1. Cut the context on a line boundary, keeping as many whole lines as fit.
  if (s.context !== null) {
    const ctx = s.context;
    s.note = CONTEXT_TRUNCATED_NOTE;
    ctx.shown = 0;
    // Without any context line it must fit, else no line count will (saves the search).
    const keep = !fits() ? -1 : largest(0, ctx.plain.length - 1, (n) => {
      ctx.shown = n;
      return fits();
    });
    ctx.shown = Math.max(keep, 0);
    if (keep >= 0) return result(true);
  }

  // 2. Still too long with an empty context: cut the free-text fields, in this order.
  s.note = ALERT_TRUNCATED_NOTE;
  for (const key of ['description', 'tags', 'runbook', 'ruleId'] as const) {
    const value = s[key];
    if (value === null) continue;
    const cut = (units: number) => prefixWithin(value, units).trimEnd() + ELLIPSIS;
    const keep = largest(0, value.length - 1, (n) => {
      s[key] = cut(n);
      return fits();
    });
    s[key] = cut(Math.max(keep, 0));
    if (keep >= 0) return result(true);
  }
  // 3. Last resort: a long alert id is shown cut (the link keeps the whole id).
  s.alertId = cutWithEllipsis(s.alertId, 64);
  if (fits()) return result(true);
  throw new RangeError(`the issue description cannot fit in ${max} characters`);
}
