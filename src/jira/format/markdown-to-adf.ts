// Markdown (its mdast tree, see markdown.ts) → Atlassian Document Format, for comments written in
// alertsync and posted through Jira REST v3.
//
// Kept as formatting: bold, italic, strikethrough, inline code, code blocks with their language,
// http(s) links (and reference links to http(s) definitions), headings, quotes, bulleted, numbered
// (with their first number) and task lists, nested lists, paragraphs, hard breaks, thematic breaks
// and tables. A soft line break (a newline inside a paragraph) becomes a hardBreak: comment authors
// expect their lines kept, as in GitHub comments.
// Kept as plain text, exactly as written (the Markdown source of the node): raw HTML, images, links
// whose target is not an absolute http(s) URL (`javascript:`, `data:`, `mailto:`, relative), link
// definitions, footnotes, and anything else ADF cannot hold. Nothing the user wrote is lost.
// Never emitted: mention, media, emoji, card or extension nodes. Text nodes are data, so `@name`,
// `[~accountid:x]` or `![x](y)` in the text stay characters.
// Where ADF's schema forbids a construct in a place (a heading, table or quote inside a list item or
// quote, a table inside a table, a task list inside a quote), the content is kept in the nearest
// allowed form: a heading becomes a bold paragraph, a quote's blocks are taken into the enclosing
// list item or quote, a table becomes one paragraph per row with cells separated by " | ", a task
// list becomes a bulleted list whose items start with "[ ] " or "[x] ".
// Lost on purpose (metadata, not text): a code block's info string after the language, table column
// alignment.
import type { Definition, List, ListItem, Nodes, PhrasingContent, Root, RootContent, Table } from 'mdast';
import {
  type AdfBlock,
  type AdfBlockquote,
  type AdfCellBlock,
  type AdfDoc,
  type AdfInline,
  type AdfListItem,
  type AdfMark,
  type AdfParagraph,
  type AdfQuotable,
  type AdfTable,
  type AdfTaskItem,
  type AdfTaskList,
  codeBlock,
  codeMark,
  emMark,
  hardBreak,
  heading,
  listItem,
  multiline,
  paragraph,
  strikeMark,
  strongMark,
  text,
} from './adf.js';
import { parseMarkdown, textWithoutSource } from './markdown.js';
import { safeHttpUrl } from './url.js';

/** Adjacent text nodes with the same marks joined into one. */
function mergeText(nodes: AdfInline[]): AdfInline[] {
  const out: AdfInline[] = [];
  for (const n of nodes) {
    const last = out[out.length - 1];
    if (n.type === 'text' && last?.type === 'text' && JSON.stringify(last.marks ?? []) === JSON.stringify(n.marks ?? [])) {
      out[out.length - 1] = { ...last, text: last.text + n.text };
    } else out.push(n);
  }
  return out;
}

/** Where blocks are placed: ADF allows different children in each. */
type Place = 'doc' | 'listItem' | 'quote' | 'cell';

class Converter {
  private readonly definitions = new Map<string, Definition>();
  private nextId = 1;

  constructor(private readonly source: string, tree: Root) {
    const collect = (n: Nodes): void => {
      if (n.type === 'definition' && !this.definitions.has(n.identifier)) this.definitions.set(n.identifier, n);
      if ('children' in n) for (const c of n.children) collect(c as Nodes);
    };
    collect(tree);
  }

  /** The Markdown source of a node, as the user wrote it. */
  sourceOf(n: Nodes): string {
    const start = n.position?.start.offset;
    const end = n.position?.end.offset;
    if (start !== undefined && end !== undefined) return this.source.slice(start, end);
    return textWithoutSource(n);
  }

  private id(prefix: string): string {
    return `${prefix}-${this.nextId++}`;
  }

  // ----- inline -----

  inlines(nodes: readonly PhrasingContent[], marks: AdfMark[] = []): AdfInline[] {
    return mergeText(nodes.flatMap((n) => this.inline(n, marks)));
  }

  private inline(n: PhrasingContent, marks: AdfMark[]): AdfInline[] {
    switch (n.type) {
      case 'text':
        return multiline(n.value, marks);
      case 'strong':
        return this.inlines(n.children, [...marks, strongMark]);
      case 'emphasis':
        return this.inlines(n.children, [...marks, emMark]);
      case 'delete':
        return this.inlines(n.children, [...marks, strikeMark]);
      case 'inlineCode': {
        // ADF allows `code` together with `link` only.
        const node = text(n.value, [...marks.filter((m) => m.type === 'link'), codeMark]);
        return node ? [node] : [];
      }
      case 'break':
        return [hardBreak()];
      case 'link':
        return this.linked(n, n.url, n.title, n.children, marks);
      case 'linkReference': {
        const def = this.definitions.get(n.identifier);
        return def ? this.linked(n, def.url, def.title, n.children, marks) : multiline(this.sourceOf(n), marks);
      }
      default:
        // html, image, imageReference, footnoteReference, ...: the source, as plain text.
        return multiline(this.sourceOf(n), marks.filter((m) => m.type !== 'code'));
    }
  }

  private linked(
    n: PhrasingContent,
    url: string,
    title: string | null | undefined,
    children: PhrasingContent[],
    marks: AdfMark[],
  ): AdfInline[] {
    const href = safeHttpUrl(url);
    if (href === null || marks.some((m) => m.type === 'link')) return multiline(this.sourceOf(n), marks);
    const mark: AdfMark = { type: 'link', attrs: title ? { href, title } : { href } };
    const inner = this.inlines(children, [...marks, mark]);
    // A link with no visible text ([](https://x)) shows its target.
    return inner.some((i) => i.type === 'text') ? inner : multiline(href, [...marks, mark]);
  }

  // ----- blocks -----

  blocks(nodes: readonly RootContent[], place: Place): AdfBlock[] {
    return nodes.flatMap((n) => this.block(n, place));
  }

  private block(n: RootContent, place: Place): AdfBlock[] {
    switch (n.type) {
      case 'paragraph':
        return [paragraph(this.inlines(n.children))];
      case 'heading':
        if (place === 'doc' || place === 'cell') return [heading(n.depth, this.inlines(n.children))];
        return [paragraph(this.inlines(n.children, [strongMark]))];
      case 'code':
        return [codeBlock(n.lang ?? null, n.value)];
      case 'thematicBreak':
        return place === 'doc' || place === 'cell' ? [{ type: 'rule' }] : this.asText(n);
      case 'blockquote': {
        const inner = this.blocks(n.children, place === 'listItem' ? 'listItem' : 'quote');
        if (place === 'listItem' || place === 'quote') return inner;
        const content = inner as AdfQuotable[];
        const quote: AdfBlockquote = { type: 'blockquote', content: content.length > 0 ? content : [paragraph()] };
        return [quote];
      }
      case 'list':
        return [this.list(n, place)];
      case 'table':
        return place === 'doc' ? [this.table(n)] : this.tableAsParagraphs(n);
      default:
        // html, definition, footnoteDefinition, ...: the source, as plain text.
        return this.asText(n);
    }
  }

  private asText(n: Nodes): AdfParagraph[] {
    const t = this.sourceOf(n);
    return t.trim().length > 0 ? [paragraph(multiline(t))] : [];
  }

  private list(n: List, place: Place): AdfBlock {
    if (!n.ordered && place !== 'quote' && this.isTaskList(n)) return this.taskList(n);
    const items = n.children.map((item) => this.listItem(item));
    if (!n.ordered) return { type: 'bulletList', content: items };
    const start = n.start ?? 1;
    return start === 1 ? { type: 'orderedList', content: items } : { type: 'orderedList', attrs: { order: start }, content: items };
  }

  /** Every item checked or unchecked, holding one paragraph and then only task lists. */
  private isTaskList(n: List): boolean {
    return n.children.every(
      (item) =>
        typeof item.checked === 'boolean' &&
        item.children[0]?.type === 'paragraph' &&
        item.children.slice(1).every((c) => c.type === 'list' && !c.ordered && this.isTaskList(c)),
    );
  }

  private taskList(n: List): AdfTaskList {
    const localId = this.id('tasks');
    const content: Array<AdfTaskItem | AdfTaskList> = [];
    for (const item of n.children) {
      const [first, ...rest] = item.children;
      const inline = first?.type === 'paragraph' ? this.inlines(first.children) : [];
      content.push({ type: 'taskItem', attrs: { localId: this.id('task'), state: item.checked ? 'DONE' : 'TODO' }, content: inline });
      for (const sub of rest) if (sub.type === 'list') content.push(this.taskList(sub));
    }
    return { type: 'taskList', attrs: { localId }, content };
  }

  private listItem(item: ListItem): AdfListItem {
    const content = this.blocks(item.children, 'listItem') as AdfListItem['content'];
    if (typeof item.checked === 'boolean') {
      const box = text(item.checked ? '[x] ' : '[ ] ');
      const first = content[0];
      if (first?.type === 'paragraph') first.content.unshift(box!);
      else content.unshift(paragraph(box));
    }
    // A list item starts with a paragraph or a code block in Jira's editor schema.
    if (content.length > 0 && content[0]!.type !== 'paragraph' && content[0]!.type !== 'codeBlock') content.unshift(paragraph());
    return listItem(...content);
  }

  private cellInlines(cell: Table['children'][number]['children'][number]): AdfInline[] {
    return this.inlines(cell.children);
  }

  private table(n: Table): AdfTable {
    return {
      type: 'table',
      content: n.children.map((row, r) => ({
        type: 'tableRow',
        content: row.children.map((cell) => ({
          type: r === 0 ? 'tableHeader' : 'tableCell',
          content: [paragraph(this.cellInlines(cell))] as AdfCellBlock[],
        })),
      })),
    };
  }

  private tableAsParagraphs(n: Table): AdfParagraph[] {
    return n.children.map((row) =>
      paragraph(row.children.flatMap((cell, i) => (i === 0 ? this.cellInlines(cell) : [text(' | ')!, ...this.cellInlines(cell)]))),
    );
  }
}

/** ADF for an mdast tree; `source` is the Markdown it was parsed from (for constructs kept as text). */
export function mdastToAdf(tree: Root, source: string): AdfDoc {
  return { type: 'doc', version: 1, content: new Converter(source, tree).blocks(tree.children, 'doc') };
}

/** ADF for a Markdown text. */
export function markdownToAdf(markdown: string): AdfDoc {
  return mdastToAdf(parseMarkdown(markdown), markdown);
}
