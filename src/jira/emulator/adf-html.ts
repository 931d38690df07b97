// Renders a stored ADF document as HTML, for `expand=renderedFields` (issues) and
// `expand=renderedBody` (comments). Jira Cloud renders these from the stored document with its
// wiki renderer; the element choice follows its output (<p>, <b>, <em>, <del>, <ins>, <tt>, <br/>,
// <a href class="external-link" rel="nofollow">, <h1>–<h6>, <ul>/<ol>/<li>, <pre>, <blockquote>,
// <hr/>, <table class="confluenceTable">). Every text is HTML-escaped.
import type { AdfDoc, AdfNode } from './adf-wiki.js';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

const MARK_TAGS: Record<string, [string, string]> = {
  strong: ['<b>', '</b>'],
  em: ['<em>', '</em>'],
  strike: ['<del>', '</del>'],
  underline: ['<ins>', '</ins>'],
  code: ['<tt>', '</tt>'],
};

function inline(nodes: AdfNode[]): string {
  let out = '';
  for (const n of nodes) {
    switch (n.type) {
      case 'text': {
        let t = escapeHtml(n.text ?? '');
        for (const m of n.marks ?? []) {
          const tag = MARK_TAGS[m.type];
          if (tag) t = tag[0] + t + tag[1];
          else if (m.type === 'link') t = `<a href="${escapeHtml(String(m.attrs?.href ?? ''))}" class="external-link" rel="nofollow">${t}</a>`;
        }
        out += t;
        break;
      }
      case 'hardBreak':
        out += '<br/>\n';
        break;
      case 'mention':
        out += `<a href="#" class="user-hover" rel="${escapeHtml(String(n.attrs?.id ?? ''))}">${escapeHtml(String(n.attrs?.text ?? ''))}</a>`;
        break;
      case 'emoji':
        out += escapeHtml(String(n.attrs?.text ?? n.attrs?.shortName ?? ''));
        break;
      case 'inlineCard':
        out += `<a href="${escapeHtml(String(n.attrs?.url ?? ''))}" class="external-link" rel="nofollow">${escapeHtml(String(n.attrs?.url ?? ''))}</a>`;
        break;
      default:
        out += inline(n.content ?? []);
    }
  }
  return out;
}

function block(n: AdfNode): string {
  const c = n.content ?? [];
  switch (n.type) {
    case 'paragraph':
      return `<p>${inline(c)}</p>`;
    case 'heading': {
      const level = Math.min(6, Math.max(1, Number(n.attrs?.level ?? 1)));
      return `<h${level}>${inline(c)}</h${level}>`;
    }
    case 'bulletList':
      return `<ul>\n${c.map(block).join('\n')}\n</ul>`;
    case 'orderedList':
      return `<ol>\n${c.map(block).join('\n')}\n</ol>`;
    case 'listItem':
      return `<li>${c.map((x) => (x.type === 'paragraph' ? inline(x.content ?? []) : block(x))).join('\n')}</li>`;
    case 'codeBlock':
      return `<div class="code panel"><div class="codeContent panelContent"><pre>${escapeHtml(c.map((x) => x.text ?? '').join(''))}</pre></div></div>`;
    case 'blockquote':
      return `<blockquote>${c.map(block).join('\n')}</blockquote>`;
    case 'rule':
      return '<hr />';
    case 'panel':
      return `<div class="panel"><div class="panelContent">${c.map(block).join('\n')}</div></div>`;
    case 'table':
      return `<div class='table-wrap'><table class='confluenceTable'><tbody>\n${c
        .map((row) => `<tr>${(row.content ?? []).map((cell) => {
          const tag = cell.type === 'tableHeader' ? 'th' : 'td';
          return `<${tag} class='confluence${tag === 'th' ? 'Th' : 'Td'}'>${(cell.content ?? []).map((x) => (x.type === 'paragraph' ? inline(x.content ?? []) : block(x))).join('\n')}</${tag}>`;
        }).join('')}</tr>`)
        .join('\n')}\n</tbody></table></div>`;
    default:
      return c.length > 0 ? inline(c) : '';
  }
}

/** HTML of a document; null for an empty value (as Jira renders an empty field). */
export function adfToHtml(doc: AdfDoc | null): string | null {
  if (doc === null) return null;
  return doc.content.map(block).join('\n');
}
