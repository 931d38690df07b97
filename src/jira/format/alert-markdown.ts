// The Markdown that a comment coming from Jira may carry onto an alert (issue #12 "What is
// applied"): bold, italic, strikethrough, http(s) links, code blocks, paragraphs and line breaks,
// quotes, bulleted and numbered lists. Everything else is reduced to its text:
//   heading → paragraph               table → one paragraph per row, cells joined by " | "
//   inline code → plain text          task list item → list item starting "[ ] " / "[x] "
//   image → its alt text              raw HTML → its text (escaped when written)
//   rule → dropped (it has no text)   link to anything but http(s) → its text
// Mentions, media, panels and the rest are already text or content in the tree built from ADF
// (adf-to-markdown.ts) or wiki (wiki-to-markdown.ts).
import type { BlockContent, ListItem, Nodes, PhrasingContent, Root, RootContent } from 'mdast';
import { safeHttpUrl } from './url.js';

function textOf(n: Nodes): string {
  if ('value' in n && typeof n.value === 'string') return n.value;
  if (n.type === 'image') return n.alt ?? '';
  if (n.type === 'break') return '\n';
  if ('children' in n) return (n.children as Nodes[]).map(textOf).join('');
  return '';
}

function phrasing(nodes: readonly PhrasingContent[]): PhrasingContent[] {
  return nodes.flatMap((n): PhrasingContent[] => {
    switch (n.type) {
      case 'text':
      case 'break':
        return [n];
      case 'strong':
      case 'emphasis':
      case 'delete':
        return [{ ...n, children: phrasing(n.children) }];
      case 'link': {
        const href = safeHttpUrl(n.url);
        return href ? [{ type: 'link', url: href, title: n.title ?? null, children: phrasing(n.children) }] : phrasing(n.children);
      }
      default: {
        const t = textOf(n);
        return t.length > 0 ? [{ type: 'text', value: t }] : [];
      }
    }
  });
}

function item(n: ListItem): ListItem {
  const children = blocks(n.children) as BlockContent[];
  if (typeof n.checked === 'boolean') {
    const box: PhrasingContent = { type: 'text', value: n.checked ? '[x] ' : '[ ] ' };
    const first = children[0];
    if (first?.type === 'paragraph') first.children.unshift(box);
    else children.unshift({ type: 'paragraph', children: [box] });
  }
  return { type: 'listItem', spread: false, checked: null, children };
}

function blocks(nodes: readonly RootContent[]): RootContent[] {
  return nodes.flatMap((n): RootContent[] => {
    switch (n.type) {
      case 'paragraph':
        return [{ type: 'paragraph', children: phrasing(n.children) }];
      case 'heading':
        return [{ type: 'paragraph', children: phrasing(n.children) }];
      case 'code':
        return [{ type: 'code', lang: n.lang ?? null, value: n.value }];
      case 'blockquote':
        return [{ type: 'blockquote', children: blocks(n.children) as BlockContent[] }];
      case 'list':
        return [{ type: 'list', ordered: n.ordered ?? false, start: n.ordered ? (n.start ?? 1) : null, spread: false, children: n.children.map(item) }];
      case 'table':
        return n.children.map((row) => ({
          type: 'paragraph',
          children: row.children.flatMap((cell, i) => [...(i > 0 ? [{ type: 'text', value: ' | ' } as PhrasingContent] : []), ...phrasing(cell.children)]),
        }));
      case 'thematicBreak':
      case 'definition':
        return [];
      default: {
        const t = textOf(n);
        return t.trim().length > 0 ? [{ type: 'paragraph', children: [{ type: 'text', value: t }] }] : [];
      }
    }
  });
}

/** `tree` reduced to the formats an alert comment from Jira keeps. */
export function restrictForAlert(tree: Root): Root {
  return { type: 'root', children: blocks(tree.children) };
}
