// Atlassian Document Format (ADF): the node types alertsync emits, and builders for them.
//
// ADF is JSON data, so alert text placed in `text` nodes cannot become markup: mentions, images,
// cards and links exist only as their own node or mark types, and we never build those from alert
// data. What the builders guarantee:
// - no empty text nodes (ADF's schema requires `text` minLength 1): `text('')` returns null and
//   every container drops nulls;
// - a link mark only for an absolute http(s) URL (see `safeHttpUrl`); otherwise the text stays plain;
// - code blocks hold unmarked text only.
// Reference: https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/
import { safeHttpUrl } from './url.js';

export interface AdfStrongMark {
  type: 'strong';
}
export interface AdfEmMark {
  type: 'em';
}
export interface AdfCodeMark {
  type: 'code';
}
export interface AdfStrikeMark {
  type: 'strike';
}
export interface AdfLinkMark {
  type: 'link';
  attrs: { href: string; title?: string };
}
export type AdfMark = AdfStrongMark | AdfEmMark | AdfStrikeMark | AdfCodeMark | AdfLinkMark;

export interface AdfText {
  type: 'text';
  text: string;
  marks?: AdfMark[];
}
export interface AdfHardBreak {
  type: 'hardBreak';
}
export type AdfInline = AdfText | AdfHardBreak;

export interface AdfParagraph {
  type: 'paragraph';
  content: AdfInline[];
}
export type AdfHeadingLevel = 1 | 2 | 3 | 4 | 5 | 6;
export interface AdfHeading {
  type: 'heading';
  attrs: { level: AdfHeadingLevel };
  content: AdfInline[];
}
export interface AdfCodeBlock {
  type: 'codeBlock';
  /** Omitted when the block names no language. */
  attrs?: { language: string };
  /** Unmarked text only; empty when the block is empty. */
  content: AdfText[];
}
export interface AdfListItem {
  type: 'listItem';
  content: Array<AdfParagraph | AdfCodeBlock | AdfBulletList | AdfOrderedList | AdfTaskList>;
}
export interface AdfBulletList {
  type: 'bulletList';
  content: AdfListItem[];
}
export interface AdfOrderedList {
  type: 'orderedList';
  /** The first number (ADF's `order`); omitted for lists that start at 1. */
  attrs?: { order: number };
  content: AdfListItem[];
}
export interface AdfTaskItem {
  type: 'taskItem';
  attrs: { localId: string; state: 'TODO' | 'DONE' };
  content: AdfInline[];
}
export interface AdfTaskList {
  type: 'taskList';
  attrs: { localId: string };
  content: Array<AdfTaskItem | AdfTaskList>;
}
/** What ADF allows inside a blockquote (no heading, table or nested quote). */
export type AdfQuotable = AdfParagraph | AdfCodeBlock | AdfBulletList | AdfOrderedList;
export interface AdfBlockquote {
  type: 'blockquote';
  content: AdfQuotable[];
}
export interface AdfRule {
  type: 'rule';
}
/** What alertsync puts in a table cell. */
export type AdfCellBlock = AdfParagraph | AdfHeading | AdfCodeBlock | AdfBulletList | AdfOrderedList | AdfTaskList | AdfBlockquote | AdfRule;
export interface AdfTableCell {
  type: 'tableCell' | 'tableHeader';
  content: AdfCellBlock[];
}
export interface AdfTableRow {
  type: 'tableRow';
  content: AdfTableCell[];
}
export interface AdfTable {
  type: 'table';
  content: AdfTableRow[];
}
export type AdfBlock =
  | AdfParagraph
  | AdfHeading
  | AdfCodeBlock
  | AdfBulletList
  | AdfOrderedList
  | AdfTaskList
  | AdfBlockquote
  | AdfRule
  | AdfTable;

/**
 * A node as Jira may send it (any node or mark type, e.g. mention, media, panel, emoji): what code
 * reading documents from Jira walks. Documents that alertsync builds use the precise types above.
 */
export interface AdfAnyNode {
  type: string;
  text?: string;
  attrs?: Record<string, unknown>;
  marks?: Array<{ type: string; attrs?: Record<string, unknown> }>;
  content?: AdfAnyNode[];
}

export interface AdfDoc {
  type: 'doc';
  version: 1;
  content: AdfBlock[];
}

type Maybe<T> = T | null | undefined | false;
const present = <T>(x: Maybe<T>): x is T => x !== null && x !== undefined && x !== false;

export const strongMark: AdfStrongMark = Object.freeze({ type: 'strong' }) as AdfStrongMark;
export const emMark: AdfEmMark = Object.freeze({ type: 'em' }) as AdfEmMark;
export const strikeMark: AdfStrikeMark = Object.freeze({ type: 'strike' }) as AdfStrikeMark;
export const codeMark: AdfCodeMark = Object.freeze({ type: 'code' }) as AdfCodeMark;

/** A link mark for an absolute http(s) URL, or null for anything else. */
export function linkMark(href: string): AdfLinkMark | null {
  const safe = safeHttpUrl(href);
  return safe === null ? null : { type: 'link', attrs: { href: safe } };
}

/** A text node, or null when `t` is empty (ADF forbids empty text nodes). */
export function text(t: string, marks: ReadonlyArray<Maybe<AdfMark>> = []): AdfText | null {
  if (t.length === 0) return null;
  const kept = marks.filter(present).map((m) => ({ ...m }) as AdfMark);
  return kept.length > 0 ? { type: 'text', text: t, marks: kept } : { type: 'text', text: t };
}

export const strong = (t: string): AdfText | null => text(t, [strongMark]);
export const em = (t: string): AdfText | null => text(t, [emMark]);
export const code = (t: string): AdfText | null => text(t, [codeMark]);

/** `t` linked to `href` when it is an http(s) URL; plain text otherwise. */
export function link(t: string, href: string, marks: ReadonlyArray<Maybe<AdfMark>> = []): AdfText | null {
  return text(t, [...marks, linkMark(href)]);
}

export const hardBreak = (): AdfHardBreak => ({ type: 'hardBreak' });

/**
 * Text with line breaks: each line end (see `normaliseNewlines`) becomes a hardBreak; empty lines
 * produce no text node.
 */
export function multiline(t: string, marks: ReadonlyArray<Maybe<AdfMark>> = []): AdfInline[] {
  const out: AdfInline[] = [];
  normaliseNewlines(t)
    .split('\n')
    .forEach((line, i) => {
      if (i > 0) out.push(hardBreak());
      const node = text(line, marks);
      if (node) out.push(node);
    });
  return out;
}

/**
 * The present items of `items`, arrays spread one level (what `items.flat().filter(present)` gives,
 * without `flat`, which V8 runs on a slow generic path: it was a tenth of building a description).
 */
function flatPresent<T>(items: ReadonlyArray<Maybe<T> | T[]>): T[] {
  const out: T[] = [];
  for (const item of items) {
    if (Array.isArray(item)) {
      for (const x of item as T[]) if (present(x)) out.push(x);
    } else if (present(item)) out.push(item as T);
  }
  return out;
}

export function paragraph(...children: Array<Maybe<AdfInline> | AdfInline[]>): AdfParagraph {
  return { type: 'paragraph', content: flatPresent(children) };
}

export function heading(level: AdfHeadingLevel, ...children: Array<Maybe<AdfInline> | AdfInline[]>): AdfHeading {
  return { type: 'heading', attrs: { level }, content: flatPresent(children) };
}

export function codeBlock(language: string | null, body: string): AdfCodeBlock {
  const node = text(body);
  const content = node ? [node] : [];
  return language ? { type: 'codeBlock', attrs: { language }, content } : { type: 'codeBlock', content };
}

export function listItem(...blocks: Array<Maybe<AdfListItem['content'][number]>>): AdfListItem {
  const content = blocks.filter(present);
  // ADF requires a listItem to hold at least one block.
  return { type: 'listItem', content: content.length > 0 ? content : [paragraph()] };
}

/** A bullet list, or null when there are no items (ADF requires at least one). */
export function bulletList(...items: Array<Maybe<AdfListItem>>): AdfBulletList | null {
  const content = items.filter(present);
  return content.length > 0 ? { type: 'bulletList', content } : null;
}

export function doc(...blocks: Array<Maybe<AdfBlock> | AdfBlock[]>): AdfDoc {
  return { type: 'doc', version: 1, content: flatPresent(blocks) };
}

/**
 * CRLF, CR, NEL (U+0085), LINE SEPARATOR (U+2028) and PARAGRAPH SEPARATOR (U+2029) become LF:
 * Java regular expressions (Jira's renderer) treat all of them as line ends.
 */
export function normaliseNewlines(t: string): string {
  return t.replace(/\r\n?|[\u0085\u2028\u2029]/g, '\n');
}
