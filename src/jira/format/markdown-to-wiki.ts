// Markdown (its mdast tree, see markdown.ts) → Jira wiki markup, for comments written in alertsync and
// posted through Jira REST v2. The same tree and the same choices as markdown-to-adf.ts:
//   **bold** → *bold*      _italic_ → _italic_      ~~strike~~ → -strike-      `code` → {{code}}
//   [text](https://x) → [text|https://x]            # Heading → h1. Heading
//   > quote → {quote}…{quote}                        ``` lang → {code:lang}…{code}
//   - item / 1. item / nesting → * item / # item / ** / #* …    - [x] task → * \[x\] task
//   tables → ||head||head|| and |cell|cell|          hard break → newline (\\ inside lists, cells, headings)
//   --- → ----
// All user text goes through `escapeCommentWikiText` (escapeWikiText plus `@`), so text cannot
// become markup: no mention (`[~accountid:x]`, `@name`), image (`!x!`), macro, link or table.
// Raw HTML, images, non-http(s) links and anything else wiki cannot hold are kept as escaped text,
// exactly as written. Limits of wiki markup (formatting lost, text kept): an ordered list's first
// number, a nested quote's level, a code block inside a list item or table cell (its lines become
// {{monospace}} lines), and emphasis glued inside a word (`a**b**c` shows its asterisks in Jira).
// A code block whose text contains `{code` is written as {noformat}; one containing both `{code`
// and `{noformat` becomes escaped text lines.
import type { Definition, List, ListItem, Nodes, PhrasingContent, Root, RootContent, Table } from 'mdast';
import { normaliseNewlines } from './adf.js';
import { parseMarkdown, textWithoutSource } from './markdown.js';
import { safeHttpUrl } from './url.js';
import { escapeWikiText, wikiLinkTarget } from './wiki.js';

/** escapeWikiText, and `@` as a character reference (no mention syntax from comment text). */
export function escapeCommentWikiText(t: string): string {
  return escapeWikiText(t).replace(/@/g, '&#64;');
}

/** How a line break is written: a newline in paragraphs and quotes, `\\` where a newline would end the construct. */
type Breaks = 'newline' | 'backslashes';

class WikiWriter {
  private readonly definitions = new Map<string, Definition>();

  constructor(private readonly source: string, tree: Root) {
    const collect = (n: Nodes): void => {
      if (n.type === 'definition' && !this.definitions.has(n.identifier)) this.definitions.set(n.identifier, n);
      if ('children' in n) for (const c of n.children) collect(c as Nodes);
    };
    collect(tree);
  }

  private sourceOf(n: Nodes): string {
    const start = n.position?.start.offset;
    const end = n.position?.end.offset;
    if (start !== undefined && end !== undefined) return this.source.slice(start, end);
    return textWithoutSource(n);
  }

  private plain(t: string, breaks: Breaks): string {
    return escapeCommentWikiText(t).replace(/\n/g, breaks === 'newline' ? '\n' : '\\\\ ');
  }

  // ----- inline -----

  inlines(nodes: readonly PhrasingContent[], breaks: Breaks, inLink = false): string {
    return nodes.map((n) => this.inline(n, breaks, inLink)).join('');
  }

  private wrap(marker: string, inner: string): string {
    // Wiki emphasis needs a non-space next to each marker: keep surrounding spaces outside.
    const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(inner)!;
    return m[2] ? `${m[1]}${marker}${m[2]}${marker}${m[3]}` : inner;
  }

  private inline(n: PhrasingContent, breaks: Breaks, inLink: boolean): string {
    switch (n.type) {
      case 'text':
        return this.plain(n.value, breaks);
      case 'strong':
        return this.wrap('*', this.inlines(n.children, breaks, inLink));
      case 'emphasis':
        return this.wrap('_', this.inlines(n.children, breaks, inLink));
      case 'delete':
        return this.wrap('-', this.inlines(n.children, breaks, inLink));
      case 'inlineCode':
        return n.value.length > 0 ? `{{${escapeCommentWikiText(n.value)}}}` : '';
      case 'break':
        return breaks === 'newline' ? '\n' : '\\\\ ';
      case 'link':
        return this.link(n, n.url, n.children, inLink);
      case 'linkReference': {
        const def = this.definitions.get(n.identifier);
        return def ? this.link(n, def.url, n.children, inLink) : this.plain(this.sourceOf(n), breaks);
      }
      default:
        return this.plain(this.sourceOf(n), breaks);
    }
  }

  private link(n: PhrasingContent, url: string, children: PhrasingContent[], inLink: boolean): string {
    const href = safeHttpUrl(url);
    if (href === null || inLink) return this.plain(this.sourceOf(n), 'backslashes');
    const label = this.inlines(children, 'backslashes', true);
    return label.trim().length > 0 ? `[${label}|${wikiLinkTarget(href)}]` : `[${wikiLinkTarget(href)}]`;
  }

  // ----- blocks -----

  blocks(nodes: readonly RootContent[], inQuote = false): string {
    return nodes
      .map((n) => this.block(n, inQuote))
      .filter((b) => b.length > 0)
      .join('\n\n');
  }

  private block(n: RootContent, inQuote: boolean): string {
    switch (n.type) {
      case 'paragraph':
        return this.inlines(n.children, 'newline');
      case 'heading':
        return `h${n.depth}. ${this.inlines(n.children, 'backslashes')}`;
      case 'code':
        return codeWiki(n.lang ?? '', n.value);
      case 'thematicBreak':
        return '----';
      case 'blockquote':
        // {quote} does not nest: a quote inside a quote is written into the outer one.
        return inQuote ? this.blocks(n.children, true) : `{quote}\n${this.blocks(n.children, true)}\n{quote}`;
      case 'list':
        return this.list(n, '');
      case 'table':
        return this.table(n);
      default:
        return this.plain(this.sourceOf(n), 'newline');
    }
  }

  private list(n: List, prefix: string): string {
    const marker = prefix + (n.ordered ? '#' : '*');
    return n.children.map((item) => this.listItem(item, marker)).join('\n');
  }

  private listItem(item: ListItem, marker: string): string {
    const parts: string[] = [];
    const nested: string[] = [];
    for (const c of item.children) {
      if (c.type === 'list') nested.push(this.list(c, marker));
      else parts.push(this.itemBlock(c));
    }
    const box = typeof item.checked === 'boolean' ? escapeCommentWikiText(item.checked ? '[x] ' : '[ ] ') : '';
    const line = `${marker} ${box}${parts.filter((p) => p.length > 0).join('\\\\ ')}`;
    return [line, ...nested].join('\n');
  }

  /** A block inside a list item or table cell, on one line. */
  private itemBlock(c: RootContent): string {
    switch (c.type) {
      case 'paragraph':
        return this.inlines(c.children, 'backslashes');
      case 'heading':
        return this.wrap('*', this.inlines(c.children, 'backslashes'));
      case 'code':
        return normaliseNewlines(c.value)
          .split('\n')
          .map((l) => (l.length > 0 ? `{{${escapeCommentWikiText(l)}}}` : ''))
          .join('\\\\ ');
      case 'blockquote':
      case 'list':
      case 'listItem':
        return c.children.map((x) => this.itemBlock(x as RootContent)).filter((p) => p.length > 0).join('\\\\ ');
      case 'table':
        return c.children.map((row) => row.children.map((cell) => this.inlines(cell.children, 'backslashes')).join(' \\| ')).join('\\\\ ');
      default:
        return this.plain(this.sourceOf(c), 'backslashes');
    }
  }

  private table(n: Table): string {
    return n.children
      .map((row, r) => {
        const sep = r === 0 ? '||' : '|';
        const cells = row.children.map((cell) => this.inlines(cell.children, 'backslashes') || ' ');
        return `${sep}${cells.join(sep)}${sep}`;
      })
      .join('\n');
  }
}

/** A code block: {code:lang} when its text allows, else {noformat}, else escaped text lines. */
export function codeWiki(language: string, body: string): string {
  const lang = /^[a-z0-9+#-]{1,40}$/i.test(language) ? `:${language}` : '';
  const text = normaliseNewlines(body);
  if (!/\{(?:code|noformat)/i.test(text)) return `{code${lang}}\n${text}\n{code}`;
  if (!/\{noformat/i.test(text)) return `{noformat}\n${text}\n{noformat}`;
  return escapeCommentWikiText(text);
}

/** Wiki markup for an mdast tree; `source` is the Markdown it was parsed from. */
export function mdastToWiki(tree: Root, source: string): string {
  return new WikiWriter(source, tree).blocks(tree.children);
}

/** Wiki markup for a Markdown text. */
export function markdownToWiki(markdown: string): string {
  return mdastToWiki(parseMarkdown(markdown), markdown);
}
