// Markdown (CommonMark + GitHub Flavored Markdown) to and from its syntax tree (mdast), with the
// unified/remark family: remark-parse + remark-gfm to read, remark-stringify + remark-gfm to write.
// GFM adds tables, strikethrough, task list items, autolink literals and footnotes.
// Every alertsync conversion of comment text works on this one tree: Markdown → ADF and Markdown →
// wiki read it; ADF → Markdown and wiki → Markdown build it.
import type { Nodes, Root } from 'mdast';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import remarkStringify from 'remark-stringify';
import { unified } from 'unified';

const parser = unified().use(remarkParse).use(remarkGfm);
const writer = unified()
  .use(remarkGfm)
  .use(remarkStringify, { bullet: '-', emphasis: '_', strong: '*', fence: '`', fences: true, rule: '-', listItemIndent: 'one' });

/** The mdast tree of `markdown` (positions point into `markdown`). */
export function parseMarkdown(markdown: string): Root {
  return parser.parse(markdown);
}

/** Markdown text for `tree`; text is escaped so that it reads back as the same tree. */
export function stringifyMarkdown(tree: Root): string {
  return writer.stringify(tree).replace(/\n+$/, '');
}

/**
 * The text of a node that has no source position (GFM autolink literals are made by a transform
 * that sets none): its value, its children's text, or for a link/image its label and target.
 */
export function textWithoutSource(n: Nodes): string {
  if ('value' in n && typeof n.value === 'string') return n.value;
  const inner = 'children' in n ? (n.children as Nodes[]).map(textWithoutSource).join('') : '';
  if (n.type === 'image') return `![${n.alt ?? ''}](${n.url})`;
  if (n.type === 'link') return inner.length > 0 ? inner : n.url;
  return inner;
}
