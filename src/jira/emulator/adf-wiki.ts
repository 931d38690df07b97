// Converts between Atlassian Document Format (REST v3 bodies) and Jira wiki markup (REST v2 bodies
// and webhook payloads), so one stored comment or description reads as ADF through v3 and as wiki
// markup through v2. The emulator stores ADF; v2 input is converted on the way in.
// Covered: paragraph, heading, bulletList/orderedList (nested), codeBlock, blockquote, rule, panel,
// table, hardBreak, mention, emoji, inlineCard, and the marks strong, em, strike, underline, code, link.

export interface AdfMark {
  type: string;
  attrs?: Record<string, unknown>;
}
export interface AdfNode {
  type: string;
  text?: string;
  attrs?: Record<string, unknown>;
  marks?: AdfMark[];
  content?: AdfNode[];
}
export interface AdfDoc {
  type: 'doc';
  version: 1;
  content: AdfNode[];
}

export function isAdfDoc(value: unknown): value is AdfDoc {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return v.type === 'doc' && v.version === 1 && Array.isArray(v.content) && v.content.every(isAdfNode);
}

function isAdfNode(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  if (typeof v.type !== 'string') return false;
  if (v.type === 'text' && (typeof v.text !== 'string' || v.text.length === 0)) return false;
  if (v.content !== undefined && (!Array.isArray(v.content) || !v.content.every(isAdfNode))) return false;
  if (v.marks !== undefined && !Array.isArray(v.marks)) return false;
  return true;
}

/** Plain text of a document (used for text search and lengths). */
export function adfPlainText(doc: AdfDoc | AdfNode): string {
  const parts: string[] = [];
  const walk = (n: AdfNode | AdfDoc): void => {
    if ('text' in n && typeof n.text === 'string') parts.push(n.text);
    for (const c of n.content ?? []) walk(c);
  };
  walk(doc);
  return parts.join('');
}

// ---------------------------------------------------------------------------------- ADF → wiki

export function adfToWiki(doc: AdfDoc | null): string | null {
  if (doc === null) return null;
  return blocksToWiki(doc.content, '').replace(/\n+$/, '');
}

function blocksToWiki(blocks: AdfNode[], listPrefix: string): string {
  const out: string[] = [];
  for (const b of blocks) out.push(blockToWiki(b, listPrefix));
  return out.filter((s) => s.length > 0).join('\n\n');
}

function blockToWiki(n: AdfNode, listPrefix: string): string {
  const content = n.content ?? [];
  switch (n.type) {
    case 'paragraph':
      return inlineToWiki(content);
    case 'heading': {
      const level = Number(n.attrs?.level ?? 1);
      return `h${level}. ${inlineToWiki(content)}`;
    }
    case 'bulletList':
    case 'orderedList': {
      const marker = listPrefix + (n.type === 'bulletList' ? '*' : '#');
      return content.map((item) => listItemToWiki(item, marker)).join('\n');
    }
    case 'codeBlock': {
      const lang = typeof n.attrs?.language === 'string' && n.attrs.language ? `:${n.attrs.language}` : '';
      return `{code${lang}}\n${content.map((c) => c.text ?? '').join('')}\n{code}`;
    }
    case 'blockquote':
      return `{quote}\n${blocksToWiki(content, '')}\n{quote}`;
    case 'rule':
      return '----';
    case 'panel': {
      const type = typeof n.attrs?.panelType === 'string' ? n.attrs.panelType : 'info';
      const macro = type === 'note' || type === 'warning' || type === 'info' || type === 'tip' ? type : 'panel';
      return `{${macro}}\n${blocksToWiki(content, '')}\n{${macro}}`;
    }
    case 'table':
      return content
        .map((row) =>
          (row.content ?? [])
            .map((cell) => {
              const sep = cell.type === 'tableHeader' ? '||' : '|';
              return sep + blocksToWiki(cell.content ?? [], '').replace(/\n\n/g, '\n');
            })
            .join('') + ((row.content ?? []).some((c) => c.type === 'tableHeader') ? '||' : '|'),
        )
        .join('\n');
    case 'mediaSingle':
    case 'mediaGroup':
      return content.map((m) => `!${String(m.attrs?.alt ?? m.attrs?.id ?? 'attachment')}!`).join(' ');
    default:
      return content.length > 0 ? inlineToWiki(content) : '';
  }
}

function listItemToWiki(item: AdfNode, marker: string): string {
  const lines: string[] = [];
  let first = true;
  for (const child of item.content ?? []) {
    if (child.type === 'bulletList' || child.type === 'orderedList') {
      lines.push(blockToWiki(child, marker));
    } else if (first) {
      lines.push(`${marker} ${blockToWiki(child, '')}`);
      first = false;
    } else {
      lines.push(blockToWiki(child, ''));
    }
  }
  return lines.join('\n');
}

const MARK_WRAP: Record<string, [string, string]> = {
  strong: ['*', '*'],
  em: ['_', '_'],
  strike: ['-', '-'],
  underline: ['+', '+'],
  code: ['{{', '}}'],
};

/** Characters that always start wiki markup (macros, links, images, table cells): escaped. */
const ALWAYS_ESCAPED = new Set(['{', '}', '[', ']', '|', '!']);
/** Characters that are markup only where they can open or close a phrase (*bold*, _em_, -strike-, ...). */
const PHRASE_CHARS = new Set(['*', '_', '-', '+', '^', '~']);

/**
 * Escapes plain text so that wiki markup reads it back as the same text (Jira's ADF → wiki rendering
 * for REST v2 and webhooks: `a *star*` typed as text is `a \*star\*`, not bold). Phrase characters
 * are escaped only where they could open (after a space or at the start, before a non-space) or
 * close (after a non-space, before a space, punctuation or the end) a phrase, so `CVE-2026-1` and
 * `snake_case` stay as they are; line-start block markup (`# `, `* `, `- `, `h1. `, `bq. `) is
 * escaped at the start of a line.
 */
export function escapeWikiText(text: string, lineStart: boolean): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    const prev = i === 0 ? (lineStart ? '\n' : ' ') : (text[i - 1] as string);
    const next = text[i + 1];
    const atLine = (i === 0 && lineStart) || prev === '\n';
    if (c === '\n') {
      out += c;
      continue;
    }
    if (ALWAYS_ESCAPED.has(c)) {
      out += `\\${c}`;
      continue;
    }
    if (atLine && (c === '#' || c === '*' || c === '-') && (next === ' ' || next === c)) {
      out += `\\${c}`;
      continue;
    }
    if (atLine && /^(h[1-6]|bq)\.\s/.test(text.slice(i))) {
      const dot = text.indexOf('.', i);
      out += `${text.slice(i, dot)}\\.`;
      i = dot;
      continue;
    }
    if (PHRASE_CHARS.has(c)) {
      const opens = /[\s([{>]/.test(prev) && next !== undefined && !/\s/.test(next);
      const closes = !/\s/.test(prev) && (next === undefined || !/[A-Za-z0-9]/.test(next));
      if (opens || closes) {
        out += `\\${c}`;
        continue;
      }
    }
    out += c;
  }
  return out;
}

function inlineToWiki(nodes: AdfNode[]): string {
  let s = '';
  for (const n of nodes) {
    const lineStart = s === '' || s.endsWith('\n');
    switch (n.type) {
      case 'text': {
        const marks = n.marks ?? [];
        const isCode = marks.some((m) => m.type === 'code');
        let t = isCode ? (n.text ?? '') : escapeWikiText(n.text ?? '', lineStart && marks.length === 0);
        const link = marks.find((m) => m.type === 'link');
        for (const m of marks) {
          const wrap = MARK_WRAP[m.type];
          if (wrap) t = wrap[0] + t + wrap[1];
        }
        if (link) {
          const href = String(link.attrs?.href ?? '');
          t = t === href ? `[${href}]` : `[${t}|${href}]`;
        }
        s += t;
        break;
      }
      case 'hardBreak':
        s += '\n';
        break;
      case 'mention':
        s += `[~accountid:${String(n.attrs?.id ?? '')}]`;
        break;
      case 'emoji':
        s += String(n.attrs?.text ?? n.attrs?.shortName ?? '');
        break;
      case 'inlineCard':
        s += `[${String(n.attrs?.url ?? '')}|${String(n.attrs?.url ?? '')}|smart-link]`;
        break;
      case 'date':
        s += new Date(Number(n.attrs?.timestamp ?? 0)).toISOString().slice(0, 10);
        break;
      case 'status':
        s += String(n.attrs?.text ?? '');
        break;
      default:
        s += inlineToWiki(n.content ?? []);
    }
  }
  return s;
}

// ---------------------------------------------------------------------------------- wiki → ADF

export function wikiToAdf(wiki: string | null): AdfDoc | null {
  if (wiki === null) return null;
  const lines = wiki.replace(/\r\n?/g, '\n').split('\n');
  return { type: 'doc', version: 1, content: parseBlocks(lines) };
}

function parseBlocks(lines: string[]): AdfNode[] {
  const blocks: AdfNode[] = [];
  let i = 0;
  let para: string[] = [];
  const flush = (): void => {
    if (para.length > 0) {
      const content = parseInline(para.join('\n'));
      blocks.push(content.length > 0 ? { type: 'paragraph', content } : { type: 'paragraph' });
      para = [];
    }
  };
  while (i < lines.length) {
    const line = lines[i] as string;
    // {code[:lang]} / {noformat} may open anywhere in a line (text before it stays a paragraph)
    // and close anywhere (text after it is read again as a new line)
    const open = /(?<!\{)\{(code|noformat)((?::[^}]*)?)\}(?!\})/.exec(line);
    if (open) {
      const before = line.slice(0, open.index);
      if (before.trim()) para.push(before.replace(/\s+$/, ''));
      flush();
      const kind = open[1] as string;
      const close = `{${kind}}`;
      const lang = kind === 'code' && open[2] ? (open[2].slice(1).split('|')[0] as string).replace(/^language=/, '') : '';
      const body: string[] = [];
      let cur = line.slice(open.index + open[0].length);
      let first = true;
      let after = '';
      for (;;) {
        const ci = cur.indexOf(close);
        if (ci >= 0) {
          const seg = cur.slice(0, ci);
          if (seg !== '') body.push(seg);
          after = cur.slice(ci + close.length);
          break;
        }
        if (!(first && cur === '')) body.push(cur);
        first = false;
        i++;
        if (i >= lines.length) break;
        cur = lines[i] as string;
      }
      i++;
      const text = body.join('\n');
      const node: AdfNode = { type: 'codeBlock' };
      if (lang) node.attrs = { language: lang };
      if (text) node.content = [{ type: 'text', text }];
      blocks.push(node);
      if (after.trim()) lines.splice(i, 0, after.replace(/^\s+/, ''));
      continue;
    }
    const macro = /^\{(quote|panel|info|note|warning|tip)(?::[^}]*)?\}\s*$/.exec(line);
    if (macro) {
      flush();
      const name = macro[1] as string;
      const inner: string[] = [];
      i++;
      while (i < lines.length && !new RegExp(`^\\{${name}\\}\\s*$`).test(lines[i] as string)) inner.push(lines[i++] as string);
      i++;
      const content = parseBlocks(inner);
      if (name === 'quote') blocks.push({ type: 'blockquote', content });
      else blocks.push({ type: 'panel', attrs: { panelType: name === 'panel' || name === 'tip' ? 'info' : name }, content });
      continue;
    }
    const heading = /^h([1-6])\.\s+(.*)$/.exec(line);
    if (heading) {
      flush();
      blocks.push({ type: 'heading', attrs: { level: Number(heading[1]) }, content: parseInline(heading[2] as string) });
      i++;
      continue;
    }
    const bq = /^bq\.\s+(.*)$/.exec(line);
    if (bq) {
      flush();
      blocks.push({ type: 'blockquote', content: [{ type: 'paragraph', content: parseInline(bq[1] as string) }] });
      i++;
      continue;
    }
    if (/^-{4,}\s*$/.test(line)) {
      flush();
      blocks.push({ type: 'rule' });
      i++;
      continue;
    }
    if (/^[*#]+ /.test(line)) {
      flush();
      const items: string[] = [];
      while (i < lines.length && /^[*#]+ /.test(lines[i] as string)) items.push(lines[i++] as string);
      blocks.push(...parseList(items, 1));
      continue;
    }
    if (/^\|/.test(line)) {
      flush();
      const rows: AdfNode[] = [];
      while (i < lines.length && /^\|/.test(lines[i] as string)) rows.push(parseRow(lines[i++] as string));
      blocks.push({ type: 'table', content: rows });
      continue;
    }
    if (line.trim() === '') {
      flush();
      i++;
      continue;
    }
    para.push(line);
    i++;
  }
  flush();
  return blocks;
}

function parseList(lines: string[], depth: number): AdfNode[] {
  const out: AdfNode[] = [];
  let i = 0;
  while (i < lines.length) {
    const m = /^([*#]+) (.*)$/.exec(lines[i] as string) as RegExpExecArray;
    const marker = m[1] as string;
    const type = marker[depth - 1] === '#' ? 'orderedList' : 'bulletList';
    const list: AdfNode = type === 'orderedList' ? { type, attrs: { order: 1 }, content: [] } : { type, content: [] };
    while (i < lines.length) {
      const cur = /^([*#]+) (.*)$/.exec(lines[i] as string) as RegExpExecArray;
      const curMarker = cur[1] as string;
      if (curMarker.length === depth) {
        const curType = curMarker[depth - 1] === '#' ? 'orderedList' : 'bulletList';
        if (curType !== type) break;
        const content = parseInline(cur[2] as string);
        list.content?.push({ type: 'listItem', content: [content.length ? { type: 'paragraph', content } : { type: 'paragraph' }] });
        i++;
      } else if (curMarker.length > depth) {
        const nested: string[] = [];
        while (i < lines.length && ((/^([*#]+) /.exec(lines[i] as string) as RegExpExecArray)[1] as string).length > depth) nested.push(lines[i++] as string);
        const last = list.content?.[list.content.length - 1];
        const sub = parseList(nested, depth + 1);
        if (last) last.content?.push(...sub);
        else list.content?.push({ type: 'listItem', content: sub });
      } else break;
    }
    out.push(list);
  }
  return out;
}

function parseRow(line: string): AdfNode {
  const cells: AdfNode[] = [];
  const re = /(\|\|?)([^|]*)/g;
  let m: RegExpExecArray | null;
  const trimmed = line.replace(/\|+\s*$/, '');
  while ((m = re.exec(trimmed)) !== null) {
    const type = m[1] === '||' ? 'tableHeader' : 'tableCell';
    const content = parseInline((m[2] as string).trim());
    cells.push({ type, attrs: {}, content: [content.length ? { type: 'paragraph', content } : { type: 'paragraph' }] });
  }
  return { type: 'tableRow', content: cells };
}

const INLINE_MARKS: { open: string; close: string; mark: string }[] = [
  { open: '{{', close: '}}', mark: 'code' },
  { open: '*', close: '*', mark: 'strong' },
  { open: '_', close: '_', mark: 'em' },
  { open: '-', close: '-', mark: 'strike' },
  { open: '+', close: '+', mark: 'underline' },
];

const ESCAPABLE = new Set([...ALWAYS_ESCAPED, ...PHRASE_CHARS, '#', '.']);

function parseInline(text: string, marks: AdfMark[] = []): AdfNode[] {
  const out: AdfNode[] = [];
  let buf = '';
  const pushText = (t: string, extra: AdfMark[] = marks): void => {
    if (!t) return;
    const last = out[out.length - 1];
    if (last && last.type === 'text' && sameMarks(last.marks ?? [], extra)) {
      last.text = (last.text ?? '') + t;
      return;
    }
    const node: AdfNode = { type: 'text', text: t };
    if (extra.length) node.marks = extra;
    out.push(node);
  };
  const flush = (): void => {
    pushText(buf);
    buf = '';
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === '\n') {
      flush();
      out.push({ type: 'hardBreak' });
      i++;
      continue;
    }
    if (ch === '\\' && text[i + 1] === '\\') {
      flush();
      out.push({ type: 'hardBreak' });
      i += 2;
      continue;
    }
    // an escaped markup character is that character as text (escapeWikiText writes these)
    if (ch === '\\' && text[i + 1] !== undefined && ESCAPABLE.has(text[i + 1] as string)) {
      buf += text[i + 1];
      i += 2;
      continue;
    }
    if (ch === '[') {
      const end = text.indexOf(']', i + 1);
      if (end > i) {
        const inner = text.slice(i + 1, end);
        const mention = /^~accountid:(.+)$/.exec(inner);
        if (mention) {
          flush();
          out.push({ type: 'mention', attrs: { id: mention[1] as string, text: `@${mention[1] as string}` } });
          i = end + 1;
          continue;
        }
        const parts = inner.split('|');
        const href = (parts.length >= 2 ? parts[1] : parts[0]) as string;
        if (/^(https?|mailto|ftp):/i.test(href)) {
          flush();
          if (parts[2] === 'smart-link') out.push({ type: 'inlineCard', attrs: { url: href } });
          else pushText(parts.length >= 2 ? (parts[0] as string) : href, [...marks, { type: 'link', attrs: { href } }]);
          i = end + 1;
          continue;
        }
      }
    }
    const prev = i === 0 ? ' ' : (text[i - 1] as string);
    let matched = false;
    for (const m of INLINE_MARKS) {
      if (!text.startsWith(m.open, i)) continue;
      if (m.open.length === 1 && !/[\s([{>]/.test(prev) && i !== 0) continue;
      const start = i + m.open.length;
      const close = text.indexOf(m.close, start + (m.mark === 'code' ? 0 : 1));
      if (close <= start) continue;
      const inner = text.slice(start, close);
      if (inner.includes('\n') || /^\s|\s$/.test(inner)) continue;
      const after = text[close + m.close.length];
      if (m.open.length === 1 && after !== undefined && /[A-Za-z0-9]/.test(after)) continue;
      flush();
      const mark = { type: m.mark };
      if (m.mark === 'code') pushText(inner, [...marks, mark]);
      else for (const n of parseInline(inner, [...marks, mark])) out.push(n);
      i = close + m.close.length;
      matched = true;
      break;
    }
    if (matched) continue;
    buf += ch;
    i++;
  }
  flush();
  return out;
}

function sameMarks(a: AdfMark[], b: AdfMark[]): boolean {
  return a.length === b.length && a.every((m, i) => JSON.stringify(m) === JSON.stringify(b[i]));
}

/** A one-paragraph document holding plain text. */
export function textDoc(text: string): AdfDoc {
  return { type: 'doc', version: 1, content: text ? [{ type: 'paragraph', content: [{ type: 'text', text }] }] : [] };
}
