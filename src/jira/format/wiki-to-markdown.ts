// Jira wiki markup (comment bodies of REST v2 and webhooks) → an mdast tree, for comments made in Jira
// and carried to alerts (see alert-markdown.ts for what is then kept).
//
// Read (block): paragraphs, `h1.`–`h6.` headings, `bq.` and {quote} quotes, {code[:lang]} and
// {noformat} blocks, `*`/`-`/`#` lists nested by prefix, `||head||` / `|cell|` tables, `----` rules,
// {panel}/{color}/other macros (their content kept, the macro dropped).
// Read (inline): *strong*, _emphasis_, -deleted-, +inserted+, ^sup^, ~sub~, ??citation??,
// {{monospace}}, [label|url] and [url] links, [~mention] / [~accountid:x] (→ "@x"), !image! (→ its
// file name), `\\` line breaks, backslash escapes (`\*` is a literal `*`) and HTML character
// references (`&#92;`, `&amp;`, …). Emphasis markers count only at word edges, as in Jira.
// Unclosed or unknown markup stays text.
import type { BlockContent, List, ListItem, PhrasingContent, Root, RootContent, Table, TableRow } from 'mdast';
import { normaliseNewlines } from './adf.js';
import { stringifyMarkdown } from './markdown.js';
import { restrictForAlert } from './alert-markdown.js';

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

function decodeReferences(t: string): string {
  return t.replace(/&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]+);/gi, (m, ref: string) => {
    if (ref[0] === '#') {
      const cp = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    }
    return NAMED[ref.toLowerCase()] ?? m;
  });
}

// ----- inline -----

const SIMPLE_MARKS: Record<string, 'strong' | 'emphasis' | 'delete' | 'text'> = {
  '*': 'strong',
  _: 'emphasis',
  '-': 'delete',
  '+': 'text',
  '^': 'text',
  '~': 'text',
};

const isWordChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c);

/** Index of the closing `marker` for an opening at `open`, or -1. */
function closing(s: string, open: number, marker: string): number {
  for (let j = open + marker.length + 1; j <= s.length - marker.length; j++) {
    if (s[j - 1] === '\\') continue;
    if (s.startsWith(marker, j) && !/\s/.test(s[j - 1]!) && !isWordChar(s[j + marker.length])) return j;
    if (s[j] === '\n' && s[j + 1] === '\n') return -1;
  }
  return -1;
}

function pushText(out: PhrasingContent[], value: string): void {
  if (value.length === 0) return;
  const last = out[out.length - 1];
  if (last?.type === 'text') last.value += value;
  else out.push({ type: 'text', value });
}

function wrapKind(kind: 'strong' | 'emphasis' | 'delete' | 'text', children: PhrasingContent[]): PhrasingContent[] {
  return kind === 'text' ? children : [{ type: kind, children }];
}

export function wikiInlines(s: string): PhrasingContent[] {
  const out: PhrasingContent[] = [];
  let i = 0;
  let plain = '';
  const flush = () => {
    pushText(out, decodeReferences(plain));
    plain = '';
  };
  while (i < s.length) {
    const c = s[i]!;
    const rest = s.slice(i);
    if (c === '\\') {
      if (s[i + 1] === '\\') {
        flush();
        out.push({ type: 'break' });
        i += 2;
        while (s[i] === ' ') i++;
        continue;
      }
      if (i + 1 < s.length) {
        plain += s[i + 1];
        i += 2;
        continue;
      }
    }
    if (c === '\n') {
      flush();
      out.push({ type: 'break' });
      i++;
      continue;
    }
    if (rest.startsWith('{{')) {
      const end = s.indexOf('}}', i + 2);
      if (end > i + 2) {
        flush();
        out.push({ type: 'inlineCode', value: decodeReferences(s.slice(i + 2, end).replace(/\\(.)/g, '$1')) });
        i = end + 2;
        continue;
      }
    }
    const macro = /^\{(color|span)(?::[^}]*)?\}/i.exec(rest) ?? /^\{(color|span)\}/i.exec(rest);
    if (macro) {
      i += macro[0].length;
      continue;
    }
    if (c === '[') {
      const end = unescapedIndex(s, ']', i + 1);
      if (end > i) {
        const inner = s.slice(i + 1, end);
        if (inner.startsWith('~')) {
          flush();
          pushText(out, `@${inner.slice(1).replace(/^accountid:/i, '')}`);
          i = end + 1;
          continue;
        }
        const bar = inner.replace(/\\./g, 'xx').lastIndexOf('|');
        const url = (bar >= 0 ? inner.slice(bar + 1) : inner).trim();
        if (/^(https?:\/\/|mailto:|file:|ftp:|#|\^)/i.test(url) || bar >= 0) {
          flush();
          const label = bar >= 0 ? inner.slice(0, bar) : url;
          out.push({ type: 'link', url, children: wikiInlines(label) });
          i = end + 1;
          continue;
        }
      }
    }
    if (c === '!' && !/\s/.test(s[i + 1] ?? ' ')) {
      const end = s.indexOf('!', i + 1);
      const inner = end > i ? s.slice(i + 1, end) : '';
      if (inner.length > 0 && !inner.includes('\n') && !/\s$/.test(inner)) {
        flush();
        const name = inner.split('|')[0]!;
        pushText(out, decodeURIComponentSafe(name.split('/').pop() ?? name));
        i = end + 1;
        continue;
      }
    }
    const marker = rest.startsWith('??') ? '??' : SIMPLE_MARKS[c] ? c : null;
    if (marker && !isWordChar(s[i - 1]) && s[i + marker.length] !== undefined && !/\s/.test(s[i + marker.length]!)) {
      const end = closing(s, i, marker);
      if (end > 0) {
        flush();
        const kind = marker === '??' ? 'text' : SIMPLE_MARKS[marker]!;
        out.push(...wrapKind(kind, wikiInlines(s.slice(i + marker.length, end))));
        i = end + marker.length;
        continue;
      }
    }
    plain += c;
    i++;
  }
  flush();
  return out;
}

/** The index of the first `ch` at or after `from` that no backslash escapes, or -1. */
function unescapedIndex(s: string, ch: string, from: number): number {
  for (let j = from; j < s.length; j++) {
    if (s[j] === '\\') j++;
    else if (s[j] === ch) return j;
  }
  return -1;
}

function decodeURIComponentSafe(t: string): string {
  try {
    return decodeURIComponent(t);
  } catch {
    return t;
  }
}

// ----- blocks -----

const BLOCK_MACRO = /^\{(code|noformat|quote|panel|info|note|tip|warning|expand)(?::[^}]*)?\}/i;

function tableCells(line: string): { header: boolean; cells: string[] } {
  const header = line.startsWith('||');
  const cells: string[] = [];
  let cur = '';
  let depth = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\' && i + 1 < line.length) {
      cur += c + line[i + 1];
      i++;
      continue;
    }
    if (c === '[') depth++;
    if (c === ']') depth = Math.max(0, depth - 1);
    if (c === '|' && depth === 0) {
      cells.push(cur);
      cur = '';
      if (line[i + 1] === '|') i++;
      continue;
    }
    cur += c;
  }
  if (cur.trim().length > 0) cells.push(cur);
  if (cells[0] === '') cells.shift();
  return { header, cells };
}

interface ListLine {
  markers: string;
  text: string;
}

/** Lists for lines whose markers are at least depth+1 long; a change of marker at `depth` starts a new list. */
function buildLists(lines: ListLine[], depth: number): List[] {
  const lists: List[] = [];
  let k = 0;
  while (k < lines.length) {
    const kind = lines[k]!.markers[depth];
    const ordered = kind === '#';
    const list: List = { type: 'list', ordered, start: ordered ? 1 : null, spread: false, children: [] };
    while (k < lines.length && lines[k]!.markers[depth] === kind) {
      const item: ListItem = { type: 'listItem', spread: false, checked: null, children: [] };
      if (lines[k]!.markers.length === depth + 1) {
        item.children.push({ type: 'paragraph', children: wikiInlines(lines[k]!.text) });
        k++;
      }
      const sub: ListLine[] = [];
      while (k < lines.length && lines[k]!.markers.length > depth + 1 && lines[k]!.markers[depth] === kind) sub.push(lines[k++]!);
      if (sub.length > 0) item.children.push(...buildLists(sub, depth + 1));
      list.children.push(item);
    }
    lists.push(list);
  }
  return lists;
}

export function wikiBlocks(wiki: string): RootContent[] {
  const lines = normaliseNewlines(wiki).split('\n');
  const out: RootContent[] = [];
  let para: string[] = [];
  const endParagraph = () => {
    if (para.length > 0 && para.join('').trim().length > 0) out.push({ type: 'paragraph', children: wikiInlines(para.join('\n').trim()) });
    para = [];
  };
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const trimmed = line.trim();
    const macro = BLOCK_MACRO.exec(trimmed);
    if (macro) {
      endParagraph();
      const name = macro[1]!.toLowerCase();
      const close = new RegExp(`\\{${name}\\}`, 'i');
      let body = trimmed.slice(macro[0].length);
      const bodyLines: string[] = [];
      let j = i;
      let m = close.exec(body);
      if (m) bodyLines.push(body.slice(0, m.index));
      else {
        if (body.length > 0) bodyLines.push(body);
        for (j = i + 1; j < lines.length; j++) {
          m = close.exec(lines[j]!);
          if (m) {
            bodyLines.push(lines[j]!.slice(0, m.index));
            break;
          }
          bodyLines.push(lines[j]!);
        }
      }
      body = bodyLines.join('\n');
      if (name === 'code' || name === 'noformat') {
        const lang = /^\{code:([a-z0-9+#-]+)/i.exec(trimmed)?.[1] ?? null;
        out.push({ type: 'code', lang, value: body.replace(/^\n|\n$/g, '') });
      } else if (name === 'quote') {
        out.push({ type: 'blockquote', children: wikiBlocks(body) as BlockContent[] });
      } else out.push(...wikiBlocks(body));
      i = j + 1;
      continue;
    }
    if (trimmed.length === 0) {
      endParagraph();
      i++;
      continue;
    }
    const head = /^h([1-6])\.\s+(.*)$/.exec(trimmed);
    if (head) {
      endParagraph();
      out.push({ type: 'heading', depth: Number(head[1]) as 1, children: wikiInlines(head[2]!) });
      i++;
      continue;
    }
    const bq = /^bq\.\s+(.*)$/.exec(trimmed);
    if (bq) {
      endParagraph();
      out.push({ type: 'blockquote', children: [{ type: 'paragraph', children: wikiInlines(bq[1]!) }] });
      i++;
      continue;
    }
    if (/^-{4,}$/.test(trimmed)) {
      endParagraph();
      out.push({ type: 'thematicBreak' });
      i++;
      continue;
    }
    if (/^[*#-]+\s/.test(trimmed) && !/^-{2,}\s/.test(trimmed)) {
      endParagraph();
      const items: ListLine[] = [];
      while (i < lines.length && /^[*#-]+\s/.test(lines[i]!.trim()) && !/^-{2,}\s/.test(lines[i]!.trim())) {
        const m = /^([*#-]+)\s+(.*)$/.exec(lines[i]!.trim())!;
        items.push({ markers: m[1]!.replace(/-/g, '*'), text: m[2]! });
        i++;
      }
      out.push(...buildLists(items, 0));
      continue;
    }
    if (trimmed.startsWith('|')) {
      endParagraph();
      const rows: TableRow[] = [];
      while (i < lines.length && lines[i]!.trim().startsWith('|')) {
        const { cells } = tableCells(lines[i]!.trim());
        rows.push({ type: 'tableRow', children: cells.map((c) => ({ type: 'tableCell', children: wikiInlines(c.trim()) })) });
        i++;
      }
      const table: Table = { type: 'table', align: [], children: rows };
      out.push(table);
      continue;
    }
    para.push(line);
    i++;
  }
  endParagraph();
  return out;
}

/** The mdast tree of a wiki markup text. */
export function wikiToMdast(wiki: string): Root {
  return { type: 'root', children: wikiBlocks(wiki) };
}

/** Markdown, restricted to what an alert comment keeps, for a wiki markup text. */
export function wikiToAlertMarkdown(wiki: string): string {
  return stringifyMarkdown(restrictForAlert(wikiToMdast(wiki)));
}
