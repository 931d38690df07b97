// Atlassian Document Format → Markdown (through an mdast tree, written by remark-stringify, which
// escapes text so it reads back as the same tree).
//
// `adfToMdast` keeps every construct that Markdown → ADF produces (the way back of
// markdown-to-adf.ts: paragraphs, hard breaks, headings, code blocks with language, quotes,
// bulleted/numbered/task lists, tables, rules, and the marks strong, em, strike, code, link), and
// reduces what Jira adds to text: a mention to its `@Name` text, an emoji to its text or short
// name, a status lozenge to its text, a date to yyyy-mm-dd, an inline card to a link, a media node
// to its alt text (or nothing), panels, expands and layouts to their content. Marks Markdown cannot
// hold (underline, colour, sub/superscript) are dropped, their text kept.
import type { BlockContent, List, ListItem, PhrasingContent, Root, RootContent, TableCell, TableRow } from 'mdast';
import type { AdfAnyNode } from './adf.js';
import { stringifyMarkdown } from './markdown.js';
import { safeHttpUrl } from './url.js';

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

function textNode(value: string): PhrasingContent[] {
  return value.length > 0 ? [{ type: 'text', value }] : [];
}

/** Inline ADF content → phrasing content. */
function inlines(nodes: readonly AdfAnyNode[] | undefined): PhrasingContent[] {
  const out: PhrasingContent[] = [];
  for (const n of nodes ?? []) out.push(...inline(n));
  return mergePhrasing(out);
}

/**
 * ADF puts marks on each text node; mdast nests them. Neighbours with the same wrapper (strong,
 * emphasis, delete, or a link to the same target) are joined, so `**bold _and italic_**` comes
 * back as one strong node and not as two touching ones.
 */
function mergePhrasing(nodes: PhrasingContent[]): PhrasingContent[] {
  const out: PhrasingContent[] = [];
  for (const n of nodes) {
    const last = out[out.length - 1];
    if (last && last.type === n.type && 'children' in last && 'children' in n) {
      const sameLink = last.type !== 'link' || (n.type === 'link' && last.url === n.url && last.title === n.title);
      if (sameLink && (last.type === 'strong' || last.type === 'emphasis' || last.type === 'delete' || last.type === 'link')) {
        (last.children as PhrasingContent[]) = mergePhrasing([...(last.children as PhrasingContent[]), ...(n.children as PhrasingContent[])]);
        continue;
      }
    }
    if (last?.type === 'text' && n.type === 'text') {
      out[out.length - 1] = { type: 'text', value: last.value + n.value };
      continue;
    }
    out.push(n);
  }
  return out;
}

function inline(n: AdfAnyNode): PhrasingContent[] {
  switch (n.type) {
    case 'text':
      return marked(n.text ?? '', n.marks ?? []);
    case 'hardBreak':
      return [{ type: 'break' }];
    case 'mention': {
      const t = str(n.attrs?.text) ?? `@${str(n.attrs?.id) ?? 'unknown'}`;
      return textNode(t.startsWith('@') ? t : `@${t}`);
    }
    case 'emoji':
      return textNode(str(n.attrs?.text) ?? str(n.attrs?.shortName) ?? '');
    case 'status':
      return textNode(str(n.attrs?.text) ?? '');
    case 'date': {
      const ts = Number(n.attrs?.timestamp);
      return textNode(Number.isFinite(ts) ? new Date(ts).toISOString().slice(0, 10) : '');
    }
    case 'inlineCard': {
      const url = str(n.attrs?.url);
      const href = url ? safeHttpUrl(url) : null;
      if (href) return [{ type: 'link', url: href, children: [{ type: 'text', value: url! }] }];
      return textNode(url ?? '');
    }
    case 'media':
    case 'mediaInline':
      return textNode(str(n.attrs?.alt) ?? '');
    default:
      if (n.content) return inlines(n.content);
      return textNode(n.text ?? '');
  }
}

function marked(value: string, marks: NonNullable<AdfAnyNode['marks']>): PhrasingContent[] {
  if (value.length === 0) return [];
  const has = (t: string) => marks.some((m) => m.type === t);
  let node: PhrasingContent = has('code') ? { type: 'inlineCode', value } : { type: 'text', value };
  if (has('strike')) node = { type: 'delete', children: [node] };
  if (has('em')) node = { type: 'emphasis', children: [node] };
  if (has('strong')) node = { type: 'strong', children: [node] };
  const link = marks.find((m) => m.type === 'link');
  const href = link ? safeHttpUrl(String(link.attrs?.href ?? '')) : null;
  if (href) {
    const title = str(link?.attrs?.title);
    node = { type: 'link', url: href, title, children: [node] };
  }
  return [node];
}

/** Block ADF content → mdast blocks. */
function blocks(nodes: readonly AdfAnyNode[] | undefined): RootContent[] {
  const out: RootContent[] = [];
  for (const n of nodes ?? []) out.push(...block(n));
  return out;
}

function listItems(nodes: readonly AdfAnyNode[] | undefined): ListItem[] {
  return (nodes ?? []).map((item) => ({
    type: 'listItem',
    spread: false,
    checked: null,
    children: blocks(item.type === 'listItem' ? item.content : [item]) as BlockContent[],
  }));
}

function taskItems(nodes: readonly AdfAnyNode[] | undefined): ListItem[] {
  const items: ListItem[] = [];
  for (const n of nodes ?? []) {
    if (n.type === 'taskList' || n.type === 'decisionList') {
      const sub: List = { type: 'list', ordered: false, spread: false, children: taskItems(n.content) };
      const last = items[items.length - 1];
      if (last) last.children.push(sub);
      else items.push({ type: 'listItem', spread: false, checked: null, children: [sub] });
      continue;
    }
    items.push({
      type: 'listItem',
      spread: false,
      checked: n.type === 'taskItem' ? n.attrs?.state === 'DONE' : null,
      children: [{ type: 'paragraph', children: inlines(n.content) }],
    });
  }
  return items;
}

/** A table cell's blocks on one line: their inline content with line breaks between blocks. */
function cellInlines(cell: AdfAnyNode): PhrasingContent[] {
  const out: PhrasingContent[] = [];
  const visit = (n: AdfAnyNode): void => {
    if (n.type === 'paragraph' || n.type === 'heading') {
      if (out.length > 0) out.push({ type: 'break' });
      out.push(...inlines(n.content));
    } else if (n.type === 'codeBlock') {
      if (out.length > 0) out.push({ type: 'break' });
      const t = (n.content ?? []).map((c) => c.text ?? '').join('');
      if (t) out.push({ type: 'inlineCode', value: t.replace(/\n/g, ' ') });
    } else if (n.content) n.content.forEach(visit);
    else out.push(...inline(n));
  };
  (cell.content ?? []).forEach(visit);
  return out;
}

function block(n: AdfAnyNode): RootContent[] {
  switch (n.type) {
    case 'paragraph':
      return [{ type: 'paragraph', children: inlines(n.content) }];
    case 'heading': {
      const level = Number(n.attrs?.level);
      const depth = (level >= 1 && level <= 6 ? level : 1) as 1 | 2 | 3 | 4 | 5 | 6;
      return [{ type: 'heading', depth, children: inlines(n.content) }];
    }
    case 'codeBlock':
      return [{ type: 'code', lang: str(n.attrs?.language), value: (n.content ?? []).map((c) => c.text ?? '').join('') }];
    case 'blockquote':
      return [{ type: 'blockquote', children: blocks(n.content) as BlockContent[] }];
    case 'bulletList':
      return [{ type: 'list', ordered: false, spread: false, children: listItems(n.content) }];
    case 'orderedList': {
      const order = Number(n.attrs?.order);
      return [{ type: 'list', ordered: true, start: Number.isInteger(order) && order >= 0 ? order : 1, spread: false, children: listItems(n.content) }];
    }
    case 'taskList':
    case 'decisionList':
      return [{ type: 'list', ordered: false, spread: false, children: taskItems(n.content) }];
    case 'rule':
      return [{ type: 'thematicBreak' }];
    case 'table': {
      const rows: TableRow[] = (n.content ?? []).map((row) => ({
        type: 'tableRow',
        children: (row.content ?? []).map((cell): TableCell => ({ type: 'tableCell', children: cellInlines(cell) })),
      }));
      const width = Math.max(0, ...rows.map((r) => r.children.length));
      for (const r of rows) while (r.children.length < width) r.children.push({ type: 'tableCell', children: [] });
      return rows.length > 0 && width > 0 ? [{ type: 'table', align: [], children: rows }] : [];
    }
    case 'mediaSingle':
    case 'mediaGroup':
    case 'media': {
      const alt = inlines(n.content ?? [n]);
      return alt.length > 0 ? [{ type: 'paragraph', children: alt }] : [];
    }
    case 'blockCard':
    case 'embedCard': {
      const url = str(n.attrs?.url);
      return url ? [{ type: 'paragraph', children: inline({ type: 'inlineCard', attrs: { url } }) }] : [];
    }
    case 'expand':
    case 'nestedExpand': {
      const title = str(n.attrs?.title);
      return [...(title ? [{ type: 'paragraph', children: [{ type: 'strong', children: textNode(title) }] } as RootContent] : []), ...blocks(n.content)];
    }
    case 'text':
    case 'hardBreak':
    case 'mention':
    case 'emoji':
    case 'inlineCard':
    case 'status':
    case 'date':
      return [{ type: 'paragraph', children: inline(n) }];
    default:
      // panel, layoutSection, layoutColumn, bodiedExtension, unknown containers: their content.
      return n.content ? blocks(n.content) : [];
  }
}

/** The mdast tree of an ADF document (anything that is not a document gives an empty tree). */
export function adfToMdast(doc: unknown): Root {
  const d = doc as AdfAnyNode | null;
  if (!d || typeof d !== 'object' || d.type !== 'doc' || !Array.isArray(d.content)) return { type: 'root', children: [] };
  return { type: 'root', children: blocks(d.content) };
}

/** Markdown for an ADF document (see `adfToMdast`). */
export function adfToMarkdown(doc: unknown): string {
  return stringifyMarkdown(adfToMdast(doc));
}
