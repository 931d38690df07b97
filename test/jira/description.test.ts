import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import {
  ALERT_TRUNCATED_NOTE,
  CONTEXT_TRUNCATED_NOTE,
  alertUrl,
  buildIssueDescription,
  buildIssueSummary,
  type IssueDescriptionInput,
  type IssueSeverity,
} from '../../src/jira/description.js';
import { bulletList, codeBlock, doc, link, listItem, multiline, paragraph, text } from '../../src/jira/format/adf.js';
import { safeHttpUrl } from '../../src/jira/format/url.js';
import { escapeWikiText, jsonForWikiCode, wikiLinkTarget } from '../../src/jira/format/wiki.js';

const PUBLIC_URL = 'https://alertsync.example.com';
const FIXTURES = new URL('../fixtures/descriptions/', import.meta.url);
const LIMIT = 32767;

// ---------------------------------------------------------------------------------------------
// A small ADF validator for the subset we emit (rules from the ADF structure docs and JSON schema).

const BLOCK_TYPES = new Set(['paragraph', 'heading', 'codeBlock', 'bulletList']);
const MARK_TYPES = new Set(['strong', 'em', 'code', 'link']);

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function keysOnly(node: Record<string, unknown>, allowed: string[], where: string, errors: string[]): void {
  for (const k of Object.keys(node)) if (!allowed.includes(k)) errors.push(`${where}: unexpected key ${k}`);
}

/** Returns a list of problems; [] when the document is well-formed. Collects every link href in `hrefs`. */
function validateAdf(docNode: unknown, hrefs: string[] = []): string[] {
  const errors: string[] = [];
  const inline = (n: unknown, where: string, inCode: boolean): void => {
    if (!isObject(n)) return void errors.push(`${where}: not an object`);
    if (n.type === 'hardBreak' && !inCode) return keysOnly(n, ['type'], where, errors);
    if (n.type !== 'text') return void errors.push(`${where}: inline type ${String(n.type)} not allowed`);
    keysOnly(n, ['type', 'text', 'marks'], where, errors);
    if (typeof n.text !== 'string' || n.text.length === 0) errors.push(`${where}: empty or missing text`);
    if (n.marks === undefined) return;
    if (inCode) errors.push(`${where}: marks inside a codeBlock`);
    if (!Array.isArray(n.marks) || n.marks.length === 0) return void errors.push(`${where}: marks must be a non-empty array`);
    const seen = new Set<string>();
    for (const m of n.marks) {
      if (!isObject(m) || typeof m.type !== 'string' || !MARK_TYPES.has(m.type)) {
        errors.push(`${where}: bad mark ${JSON.stringify(m)}`);
        continue;
      }
      if (seen.has(m.type)) errors.push(`${where}: duplicate mark ${m.type}`);
      seen.add(m.type);
      if (m.type === 'link') {
        keysOnly(m, ['type', 'attrs'], where, errors);
        const href = isObject(m.attrs) ? m.attrs.href : undefined;
        if (typeof href !== 'string' || !/^https?:\/\//.test(href)) errors.push(`${where}: bad href ${String(href)}`);
        else hrefs.push(href);
      } else {
        keysOnly(m, ['type'], where, errors);
      }
    }
  };
  const block = (n: unknown, where: string): void => {
    if (!isObject(n) || typeof n.type !== 'string') return void errors.push(`${where}: not a node`);
    const content = n.content;
    switch (n.type) {
      case 'paragraph':
        keysOnly(n, ['type', 'content'], where, errors);
        if (!Array.isArray(content)) return void errors.push(`${where}: content must be an array`);
        content.forEach((c, i) => inline(c, `${where}.${i}`, false));
        return;
      case 'heading': {
        keysOnly(n, ['type', 'attrs', 'content'], where, errors);
        const level = isObject(n.attrs) ? n.attrs.level : undefined;
        if (typeof level !== 'number' || level < 1 || level > 6) errors.push(`${where}: bad heading level`);
        if (!Array.isArray(content)) return void errors.push(`${where}: content must be an array`);
        content.forEach((c, i) => inline(c, `${where}.${i}`, false));
        return;
      }
      case 'codeBlock':
        keysOnly(n, ['type', 'attrs', 'content'], where, errors);
        if (n.attrs !== undefined && !(isObject(n.attrs) && typeof n.attrs.language === 'string')) {
          errors.push(`${where}: bad codeBlock attrs`);
        }
        if (!Array.isArray(content)) return void errors.push(`${where}: content must be an array`);
        content.forEach((c, i) => inline(c, `${where}.${i}`, true));
        return;
      case 'bulletList':
        keysOnly(n, ['type', 'content'], where, errors);
        if (!Array.isArray(content) || content.length === 0) return void errors.push(`${where}: empty list`);
        content.forEach((item, i) => {
          if (!isObject(item) || item.type !== 'listItem') return void errors.push(`${where}.${i}: not a listItem`);
          keysOnly(item, ['type', 'content'], `${where}.${i}`, errors);
          if (!Array.isArray(item.content) || item.content.length === 0) {
            return void errors.push(`${where}.${i}: empty listItem`);
          }
          item.content.forEach((b, j) => {
            if (!isObject(b) || !['paragraph', 'codeBlock', 'bulletList'].includes(String(b.type))) {
              errors.push(`${where}.${i}.${j}: block not allowed in listItem`);
            }
            block(b, `${where}.${i}.${j}`);
          });
        });
        return;
      default:
        errors.push(`${where}: block type ${n.type} not allowed`);
    }
  };
  if (!isObject(docNode)) return ['doc: not an object'];
  keysOnly(docNode, ['type', 'version', 'content'], 'doc', errors);
  if (docNode.type !== 'doc') errors.push('doc: type must be doc');
  if (docNode.version !== 1) errors.push('doc: version must be 1');
  if (!Array.isArray(docNode.content)) return [...errors, 'doc: content must be an array'];
  docNode.content.forEach((b, i) => {
    if (!isObject(b) || !BLOCK_TYPES.has(String(b.type))) errors.push(`doc.${i}: top-level type not allowed`);
    block(b, `doc.${i}`);
  });
  return errors;
}

test('the ADF validator rejects what it should', () => {
  assert.deepEqual(validateAdf(doc(paragraph(text('x')))), []);
  assert.notDeepEqual(validateAdf({ type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: '' }] }] }), []);
  assert.notDeepEqual(validateAdf({ type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'mention', attrs: { id: 'x' } }] }] }), []);
  assert.notDeepEqual(validateAdf({ type: 'doc', version: 1, content: [{ type: 'mediaSingle', content: [] }] }), []);
  assert.notDeepEqual(
    validateAdf({ type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'x', marks: [{ type: 'link', attrs: { href: 'javascript:x' } }] }] }] }),
    [],
  );
  assert.notDeepEqual(
    validateAdf({ type: 'doc', version: 1, content: [{ type: 'codeBlock', content: [{ type: 'text', text: 'x', marks: [{ type: 'strong' }] }] }] }),
    [],
  );
  assert.notDeepEqual(validateAdf({ type: 'doc', version: 1, content: [{ type: 'bulletList', content: [] }] }), []);
});

// ---------------------------------------------------------------------------------------------
// Builders and escaping, with literal expectations.

test('adf builders: no empty text nodes, links only for http(s)', () => {
  assert.equal(text(''), null);
  assert.deepEqual(paragraph(text(''), null, text('a')), { type: 'paragraph', content: [{ type: 'text', text: 'a' }] });
  assert.deepEqual(link('x', 'javascript:alert(1)'), { type: 'text', text: 'x' });
  assert.deepEqual(link('x', 'data:text/html,hi'), { type: 'text', text: 'x' });
  assert.deepEqual(link('x', ' https://a.example'), { type: 'text', text: 'x' });
  assert.deepEqual(link('x', 'https://a.example/p?q=1'), {
    type: 'text',
    text: 'x',
    marks: [{ type: 'link', attrs: { href: 'https://a.example/p?q=1' } }],
  });
  assert.deepEqual(codeBlock('json', ''), { type: 'codeBlock', attrs: { language: 'json' }, content: [] });
  assert.equal(bulletList(), null);
  assert.deepEqual(listItem(), { type: 'listItem', content: [{ type: 'paragraph', content: [] }] });
  assert.deepEqual(multiline('a\r\n\nb'), [
    { type: 'text', text: 'a' },
    { type: 'hardBreak' },
    { type: 'hardBreak' },
    { type: 'text', text: 'b' },
  ]);
});

test('safeHttpUrl', () => {
  assert.equal(safeHttpUrl('https://a.example'), 'https://a.example/');
  assert.equal(safeHttpUrl('HTTP://A.example/x'), 'http://a.example/x');
  assert.equal(safeHttpUrl('javascript:alert(1)'), null);
  assert.equal(safeHttpUrl('JaVaScRiPt:alert(1)'), null);
  assert.equal(safeHttpUrl('//a.example'), null);
  assert.equal(safeHttpUrl('ftp://a.example'), null);
  assert.equal(safeHttpUrl('https://a.example/\nx'), null);
  assert.equal(safeHttpUrl('https://a.example/ x'), null);
  assert.equal(safeHttpUrl('https://'), null);
});

test('escapeWikiText: literal expectations', () => {
  assert.equal(escapeWikiText('[~accountid:x]'), '\\[\\~accountid:x\\]');
  assert.equal(escapeWikiText('!http://x!'), '\\!http&#58;//x\\!');
  assert.equal(escapeWikiText('[a|http://x]'), '\\[a\\|http&#58;//x\\]');
  assert.equal(escapeWikiText('{code}'), '\\{code\\}');
  assert.equal(escapeWikiText('a\\*b'), 'a&#92;\\*b');
  assert.equal(escapeWikiText('x\\\\y'), 'x&#92;&#92;y');
  assert.equal(escapeWikiText('h1. T\n  bq. q\nH6. x\nh7. y'), '&#104;1. T\n  &#98;q. q\n&#72;6. x\nh7. y');
  assert.equal(escapeWikiText('*_-+^~?#'), '\\*\\_\\-\\+\\^\\~\\?\\#');
  assert.equal(escapeWikiText('mailto:a@b.c'), 'mailto&#58;a@b.c');
  assert.equal(escapeWikiText(':) (y) (on) ;P'), '&#58;) &#40;y) &#40;on) &#59;P');
  assert.equal(escapeWikiText('a\r\nb\rc'), 'a\nb\nc');
  assert.equal(escapeWikiText('a\u0085h1. b\u2028bq. c\u2029\fh2. d'), 'a\n&#104;1. b\n&#98;q. c\n\f&#104;2. d');
  assert.equal(escapeWikiText('plain text, 100% ok. 🚨'), 'plain text, 100% ok. 🚨');
});

test('escapeWikiText is linear on long runs of spaces (no backtracking lookbehind)', () => {
  const spaces = ' '.repeat(200_000);
  const started = Date.now();
  assert.equal(escapeWikiText(`${spaces}h1. x ${spaces}`), `${spaces}&#104;1. x ${spaces}`);
  assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
});

test('jsonForWikiCode keeps JSON meaning and removes every {code / {noformat', () => {
  const value = { '{code}': ['{CODE:json}', '{noformat}', '{Code}', '{x}', '\\{code}'], n: { m: {} } };
  const json = jsonForWikiCode(JSON.stringify(value, null, 2));
  assert.doesNotMatch(json, /\{(code|noformat)/i);
  assert.deepEqual(JSON.parse(json), value);
  assert.equal(jsonForWikiCode('{"a":"{code}"}'), '{"a":"\\u007bcode}"}');
});

test('wikiLinkTarget cannot end or split the link', () => {
  assert.equal(wikiLinkTarget('https://a.example/x]|[{}!'), 'https://a.example/x%5D%7C%5B%7B%7D%21');
});

test('alertUrl', () => {
  assert.equal(alertUrl('https://a.example', 'x'), 'https://a.example/alerts/x?source=jira');
  assert.equal(alertUrl('https://a.example/', 'x'), 'https://a.example/alerts/x?source=jira');
  assert.equal(alertUrl('https://a.example/sync/', 'a/b c'), 'https://a.example/sync/alerts/a%2Fb%20c?source=jira');
  assert.equal(alertUrl('http://127.0.0.1:8080', '?#&'), 'http://127.0.0.1:8080/alerts/%3F%23%26?source=jira');
  assert.throws(() => alertUrl('javascript:alert(1)', 'x'), RangeError);
  assert.throws(() => alertUrl('https://a.example/?q=1', 'x'), RangeError);
  assert.throws(() => alertUrl('https://a.example/#f', 'x'), RangeError);
});

// ---------------------------------------------------------------------------------------------
// Summary.

test('buildIssueSummary', () => {
  assert.equal(buildIssueSummary('Root login'), 'Root login');
  assert.equal(buildIssueSummary('  a\r\nb\tc  '), 'a b c');
  assert.equal(buildIssueSummary(''), 'Untitled alert');
  assert.equal(buildIssueSummary('\n'), 'Untitled alert');
  const exactly = 'a'.repeat(255);
  assert.equal(buildIssueSummary(exactly), exactly);
  assert.equal(buildIssueSummary('a'.repeat(256)), `${'a'.repeat(254)}…`);
  // words: trailing space before the ellipsis is dropped
  assert.equal(buildIssueSummary(`${'a'.repeat(253)} bcd`), `${'a'.repeat(253)}…`);
  // astral characters (2 code units each): 127 fit in 254 units, then the ellipsis
  assert.equal(buildIssueSummary('🚨'.repeat(200)), `${'🚨'.repeat(127)}…`);
  // ZWJ sequence 👩‍💻 is 5 code units: 50 whole ones fit in 254 units, never a half
  assert.equal(buildIssueSummary('👩‍💻'.repeat(100)), `${'👩‍💻'.repeat(50)}…`);
  // offset by one unit so that a cut by code units would fall inside a surrogate pair
  const odd = buildIssueSummary(`x${'🚨'.repeat(200)}`);
  assert.equal(odd, `x${'🚨'.repeat(126)}…`);
  assert.equal(odd.length, 254);
});

// ---------------------------------------------------------------------------------------------
// Goldens: test/fixtures/descriptions/<name>.alert.json -> <name>.adf.json / <name>.wiki.txt
// (reviewed by hand; they are the specification of the layout and escaping).

const goldenNames = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.alert.json'))
  .map((f) => f.slice(0, -'.alert.json'.length))
  .sort();

test('there are golden fixtures', () => {
  assert.deepEqual(goldenNames, ['basic', 'emoji', 'injection', 'minimal', 'truncated']);
});

for (const name of goldenNames) {
  test(`golden: ${name}`, () => {
    const read = (suffix: string) => readFileSync(new URL(`${name}${suffix}`, FIXTURES), 'utf8');
    const input = JSON.parse(read('.alert.json')) as IssueDescriptionInput;
    const extra = goldenNames.includes(name) && name === 'truncated' ? (JSON.parse(read('.options.json')) as { maxLength: number }) : {};
    const out = buildIssueDescription(input, { publicUrl: PUBLIC_URL, ...extra });
    assert.deepEqual(out.adf, JSON.parse(read('.adf.json')));
    assert.equal(out.wiki, read('.wiki.txt'));
    assert.equal(out.truncated, name === 'truncated');
    assert.deepEqual(validateAdf(out.adf), []);
  });
}

test('golden injection: the javascript: runbook is plain text, the only links are ours', () => {
  const input = JSON.parse(readFileSync(new URL('injection.alert.json', FIXTURES), 'utf8')) as IssueDescriptionInput;
  const out = buildIssueDescription(input, { publicUrl: PUBLIC_URL });
  const hrefs: string[] = [];
  assert.deepEqual(validateAdf(out.adf, hrefs), []);
  assert.deepEqual(hrefs, ['https://alertsync.example.com/alerts/inj-1?source=jira']);
  assert.match(out.wiki, /^\*Runbook:\* javascript:alert\(1\)$/m);
});

// ---------------------------------------------------------------------------------------------
// Length limit.

/** Deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function codeText(adf: { content: Array<{ type: string; content?: unknown }> }): string | null {
  const block = adf.content.find((b) => b.type === 'codeBlock') as { content: Array<{ text: string }> } | undefined;
  return block === undefined ? null : block.content.map((t) => t.text).join('');
}

function wikiCodeBody(wiki: string): string | null {
  const m = /\n\{code:json\}\n([\s\S]*)\n\{code\}(?:\n|$)/.exec(wiki);
  return m === null ? null : (m[1] ?? '');
}

function bigContext(): Record<string, unknown> {
  const rand = prng(42);
  const events: unknown[] = [];
  for (let i = 0; i < 700; i++) {
    events.push({
      id: i,
      user: `user-${Math.floor(rand() * 1e6)}@example.com`,
      message: `event ${i} 🚨 👩‍💻 {code} | ] [~accountid:x] !http://x!`,
      ip: `10.${i % 256}.${Math.floor(rand() * 256)}.${Math.floor(rand() * 256)}`,
    });
  }
  return { events };
}

test('a ~100 KB context is cut on a line boundary to fit 32,767 characters, with the note', () => {
  const context = bigContext();
  const pretty = JSON.stringify(context, null, 2);
  assert.ok(pretty.length > 90_000 && pretty.length < 150_000, `context is ${pretty.length} characters`);
  const input: IssueDescriptionInput = {
    alertId: 'big',
    title: 'Big',
    description: 'Many events',
    severity: 'HIGH',
    type: 'RULE',
    ruleId: 'Big.Rule',
    runbook: 'https://runbooks.example.com/big',
    tags: ['bulk'],
    context,
  };
  const out = buildIssueDescription(input, { publicUrl: PUBLIC_URL });
  assert.equal(out.truncated, true);
  const adfLength = JSON.stringify(out.adf).length;
  assert.ok(adfLength <= LIMIT, `ADF is ${adfLength}`);
  assert.ok(adfLength > LIMIT - 300, `ADF uses the budget (${adfLength})`);
  assert.ok(out.wiki.length <= LIMIT);
  assert.deepEqual(validateAdf(out.adf), []);

  // ADF: kept lines are the first whole lines of the pretty-printed context.
  const kept = codeText(out.adf)!.split('\n');
  const all = pretty.split('\n');
  assert.ok(kept.length > 100 && kept.length < all.length, `${kept.length} lines kept`);
  assert.deepEqual(kept, all.slice(0, kept.length));
  // Wiki: the same lines, in their {code-safe form.
  const body = wikiCodeBody(out.wiki)!;
  assert.deepEqual(body.split('\n'), jsonForWikiCode(pretty).split('\n').slice(0, kept.length));
  assert.doesNotMatch(body, /\{(code|noformat)/i);

  // The note, with the link, after the code block.
  const last = out.adf.content[out.adf.content.length - 1]!;
  assert.deepEqual(last, {
    type: 'paragraph',
    content: [
      { type: 'text', text: 'Context truncated: the whole context is in ' },
      { type: 'text', text: 'alertsync', marks: [{ type: 'link', attrs: { href: 'https://alertsync.example.com/alerts/big?source=jira' } }] },
      { type: 'text', text: '.' },
    ],
  });
  assert.ok(
    out.wiki.endsWith(
      '\n{code}\nContext truncated: the whole context is in [alertsync|https://alertsync.example.com/alerts/big?source=jira].',
    ),
  );
  assert.equal(CONTEXT_TRUNCATED_NOTE, 'Context truncated: the whole context is in ');
});

test('a huge description is cut too (grapheme-safe), the context dropped, never over the limit', () => {
  const description = `start ${'👩‍💻 [~accountid:x] '.repeat(5000)}`;
  const input: IssueDescriptionInput = {
    alertId: 'huge',
    title: 'Huge',
    description,
    severity: 'LOW',
    type: 'RULE',
    ruleId: null,
    runbook: null,
    tags: [],
    context: bigContext(),
  };
  for (const maxLength of [LIMIT, 5000, 1000]) {
    const out = buildIssueDescription(input, { publicUrl: PUBLIC_URL, maxLength });
    assert.equal(out.truncated, true);
    assert.ok(JSON.stringify(out.adf).length <= maxLength);
    assert.ok(out.wiki.length <= maxLength);
    assert.deepEqual(validateAdf(out.adf), []);
    assert.equal(codeText(out.adf), null, 'no context block when not one line fits');
    assert.doesNotMatch(out.wiki, /\{code/);
    const first = out.adf.content[0] as { content: Array<{ text?: string }> };
    const shown = first.content.map((n) => n.text ?? '\n').join('');
    assert.ok(shown.startsWith('Description: start '));
    assert.ok(shown.endsWith('…'));
    assert.doesNotMatch(shown, LONE_SURROGATE);
    // the cut never leaves half of the 👩‍💻 ZWJ sequence
    assert.doesNotMatch(shown, /\u200d…$|👩…$|\u200d💻…$/u);
    assert.ok(description.startsWith(shown.slice('Description: '.length, -1).trimEnd()));
    assert.ok(out.wiki.endsWith(`${escapeWikiText(ALERT_TRUNCATED_NOTE)}[alertsync|https://alertsync.example.com/alerts/huge?source=jira].`));
  }
});

test('a limit too small for the bare essentials throws RangeError', () => {
  const input: IssueDescriptionInput = {
    alertId: 'x',
    title: 'x',
    description: null,
    severity: 'INFO',
    type: 'RULE',
    ruleId: null,
    runbook: null,
    tags: [],
    context: null,
  };
  assert.throws(() => buildIssueDescription(input, { publicUrl: PUBLIC_URL, maxLength: 100 }), RangeError);
});

// ---------------------------------------------------------------------------------------------
// Property tests over random alert text (seeded, no dependency).

const FRAGMENTS = [
  '[~accountid:x]', '[~', '!http://x!', '!', '[a|http://x]', '[', ']', '|', '||', '{code}', '{CODE}', '{code:json}',
  '{noformat}', '{', '}', '{{mono}}', '\\', '\\\\', 'h1. ', 'bq. ', '\n', '\r\n', '\r', '*', '_', '-', '+', '^', '~',
  '?', '??', '#', '@here', '@admin', 'https://evil.example/', 'http://x', 'mailto:x@y', 'file:///etc/passwd',
  'javascript:alert(1)', ':)', '(y)', '(on)', '(*r)', '🚨', '👩‍💻', '🏳️‍🌈', '\u200b', '\ud800', '\udc00', ' ', '  ', '\t',
  'a', 'Z', '0', 'é', 'e\u0301', '\u0085', '\u2029', '\f', '&#91;', '&amp;', '<b>', '\u0000', '----', '"', "'", '%', '%7B', '\u2028',
];

function randomString(rand: () => number, maxParts = 12): string {
  let s = '';
  const n = Math.floor(rand() * (maxParts + 1));
  for (let i = 0; i < n; i++) s += FRAGMENTS[Math.floor(rand() * FRAGMENTS.length)]!;
  return s;
}

function randomValue(rand: () => number, depth: number): unknown {
  const r = rand();
  if (depth > 2 || r < 0.4) return randomString(rand);
  if (r < 0.5) return Math.floor(rand() * 1000) - 500;
  if (r < 0.55) return rand() < 0.5;
  if (r < 0.6) return null;
  if (r < 0.8) return Array.from({ length: Math.floor(rand() * 4) }, () => randomValue(rand, depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = Math.floor(rand() * 4); i > 0; i--) o[randomString(rand, 3)] = randomValue(rand, depth + 1);
  return o;
}

const SEVERITY_LIST: IssueSeverity[] = ['INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

function randomAlert(rand: () => number, i: number): IssueDescriptionInput {
  const runbookKind = rand();
  return {
    alertId: `alert-${i}${randomString(rand, 2)}`,
    title: randomString(rand),
    description: rand() < 0.2 ? null : randomString(rand, 20),
    severity: SEVERITY_LIST[i % 5]!,
    type: 'RULE',
    ruleId: rand() < 0.2 ? null : randomString(rand, 4),
    runbook:
      runbookKind < 0.3
        ? null
        : runbookKind < 0.6
          ? `https://runbooks.example.com/${randomString(rand, 4)}`
          : randomString(rand, 6),
    tags: Array.from({ length: Math.floor(rand() * 4) }, () => randomString(rand, 3)),
    context: rand() < 0.15 ? null : (randomValue(rand, 3) as never) ?? {},
  };
}

/** Every wiki markup character outside a link target must be escaped (preceded by a backslash). */
function unescapedMarkup(raw: string): string[] {
  const found: string[] = [];
  // Our character references (&#92; &#58; ...) are not markup; a `#` from alert text is escaped (`\#`).
  const line = raw.replace(/&#\d+;/g, 'E');
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\') {
      i++; // the next character is escaped
      continue;
    }
    if ('*_-+^~?{}[]|!#'.includes(c)) found.push(`${c}@${i}`);
  }
  if (/\w:\/\//.test(line)) found.push('auto-link');
  if (/^[ \t\f\v]*(?:h[1-6]|bq)\./i.test(line)) found.push('line-start block');
  if (/[\r\u0085\u2028\u2029]/.test(line)) found.push('line end other than LF');
  if (/mailto:/i.test(line)) found.push('mailto');
  return found;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function checkWiki(input: IssueDescriptionInput, wiki: string, truncated: boolean): void {
  const url = wikiLinkTarget(alertUrl(PUBLIC_URL, input.alertId));
  const runbookHref = input.runbook === null ? null : safeHttpUrl(input.runbook.trim());
  // Split off the code block; its body must not be able to leave the block.
  let outside = wiki;
  const body = wikiCodeBody(wiki);
  if (body !== null) {
    assert.doesNotMatch(body, /\{(code|noformat)/i);
    if (!truncated) assert.deepEqual(JSON.parse(body), input.context);
    outside = wiki.replace(`\n{code:json}\n${body}\n{code}`, '\n');
  }
  // Remove the constructs we build ourselves; what remains must be fully escaped alert text.
  const lines = outside.split('\n').map((line) =>
    line
      .replace(/^\*(?:Description|Runbook|Rule ID|Alert ID|Severity|Tags|AlertContext):\*/, '')
      .replace(`[Click here to view in alertsync|${url}]`, '')
      .replace(new RegExp(`\\[alertsync\\|${escapeRegExp(url)}\\]\\.$`), '')
      .replace(runbookHref === null ? /$^/ : new RegExp(`^ \\[(.*)\\|${escapeRegExp(wikiLinkTarget(runbookHref))}\\]$`), ' $1'),
  );
  for (const line of lines) assert.deepEqual(unescapedMarkup(line), [], `line ${JSON.stringify(line)} of ${JSON.stringify(wiki)}`);
  assert.doesNotMatch(outside, /(?<!&#92;)\\\\/, 'no wiki line break from alert text');
}

test('property: wiki form never lets alert text become markup (400 seeded random alerts)', () => {
  const rand = prng(20261125);
  for (let i = 0; i < 400; i++) {
    const input = randomAlert(rand, i);
    const maxLength = i % 10 === 0 ? 1500 : LIMIT;
    const out = buildIssueDescription(input, { publicUrl: PUBLIC_URL, maxLength });
    assert.ok(out.wiki.length <= maxLength);
    checkWiki(input, out.wiki, out.truncated);
  }
});

test('property: ADF form is well-formed, text nodes non-empty, only our two links (400 seeded random alerts)', () => {
  const rand = prng(7);
  for (let i = 0; i < 400; i++) {
    const input = randomAlert(rand, i);
    const maxLength = i % 10 === 0 ? 1500 : LIMIT;
    const out = buildIssueDescription(input, { publicUrl: PUBLIC_URL, maxLength });
    const hrefs: string[] = [];
    assert.deepEqual(validateAdf(out.adf, hrefs), [], JSON.stringify(input));
    assert.ok(JSON.stringify(out.adf).length <= maxLength);
    const allowed = new Set([alertUrl(PUBLIC_URL, input.alertId)]);
    const runbookHref = input.runbook === null ? null : safeHttpUrl(input.runbook.trim());
    if (runbookHref !== null) allowed.add(runbookHref);
    for (const h of hrefs) assert.ok(allowed.has(h), `unexpected link ${h}`);
    // the alert link always; the runbook link exactly when the runbook is an http(s) URL
    assert.ok(hrefs.includes(alertUrl(PUBLIC_URL, input.alertId)));
    if (runbookHref !== null && !out.truncated) assert.ok(hrefs.includes(runbookHref));
    // the code block holds the whole context when nothing was cut
    if (!out.truncated && input.context !== null && Object.keys(input.context).length > 0) {
      assert.deepEqual(JSON.parse(codeText(out.adf)!), input.context);
    }
  }
});

test('property: summaries are single-line, within 255 code units and code-point safe', () => {
  const rand = prng(99);
  for (let i = 0; i < 300; i++) {
    const title = randomString(rand, 200);
    const s = buildIssueSummary(title);
    assert.ok(s.length >= 1 && s.length <= 255);
    assert.doesNotMatch(s, /[\r\n\u0000]/);
    assert.doesNotMatch(s, LONE_SURROGATE);
  }
});
