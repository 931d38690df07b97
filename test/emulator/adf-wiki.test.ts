// ADF ⇄ wiki markup conversion, which lets one stored comment read as ADF (v3) and wiki (v2).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adfToWiki, wikiToAdf, type AdfDoc } from '../../src/jira/emulator/adf-wiki.js';

const doc = (...content: unknown[]): AdfDoc => ({ type: 'doc', version: 1, content: content as AdfDoc['content'] });
const p = (...content: unknown[]) => ({ type: 'paragraph', content });
const t = (text: string, ...marks: string[]) => (marks.length ? { type: 'text', text, marks: marks.map((type) => ({ type })) } : { type: 'text', text });

describe('ADF → wiki', () => {
  const cases: [string, AdfDoc, string][] = [
    ['plain paragraphs', doc(p(t('one')), p(t('two'))), 'one\n\ntwo'],
    ['marks', doc(p(t('b', 'strong'), t(' '), t('i', 'em'), t(' '), t('s', 'strike'), t(' '), t('u', 'underline'), t(' '), t('c', 'code'))), '*b* _i_ -s- +u+ {{c}}'],
    ['link', doc(p({ type: 'text', text: 'site', marks: [{ type: 'link', attrs: { href: 'https://x.io' } }] })), '[site|https://x.io]'],
    ['heading', doc({ type: 'heading', attrs: { level: 3 }, content: [t('Title')] }), 'h3. Title'],
    ['nested lists', doc({ type: 'bulletList', content: [{ type: 'listItem', content: [p(t('a')), { type: 'orderedList', content: [{ type: 'listItem', content: [p(t('b'))] }] }] }] }), '* a\n*# b'],
    ['code block', doc({ type: 'codeBlock', attrs: { language: 'json' }, content: [t('{"a":1}')] }), '{code:json}\n{"a":1}\n{code}'],
    ['quote and rule', doc({ type: 'blockquote', content: [p(t('q'))] }, { type: 'rule' }), '{quote}\nq\n{quote}\n\n----'],
    ['mention and hard break', doc(p({ type: 'mention', attrs: { id: '5b10ac8d82e05b22cc7d4ef5' } }, { type: 'hardBreak' }, t('x'))), '[~accountid:5b10ac8d82e05b22cc7d4ef5]\nx'],
    ['table', doc({ type: 'table', content: [{ type: 'tableRow', content: [{ type: 'tableHeader', content: [p(t('h'))] }] }, { type: 'tableRow', content: [{ type: 'tableCell', content: [p(t('c'))] }] }] }), '||h||\n|c|'],
  ];
  for (const [name, input, wiki] of cases) it(name, () => assert.equal(adfToWiki(input), wiki));
});

describe('wiki → ADF → wiki round trip', () => {
  const samples = [
    'plain text',
    '*bold* and _italic_ and {{code}}',
    'h1. Alert\n\nSeverity *high* on [host|https://example.com/h/1]',
    '* one\n* two\n** nested',
    '# first\n# second',
    '{code:bash}\necho hi\n{code}',
    '{quote}\nquoted\n{quote}',
    'line one\nline two',
    '||a||b||\n|1|2|',
    'mention [~accountid:712020:abc]',
    'a-b-c stays plain, and 2*3*4 too',
  ];
  for (const s of samples) {
    it(JSON.stringify(s), () => {
      const adf = wikiToAdf(s);
      assert.ok(adf);
      assert.equal(adfToWiki(adf), s);
    });
  }
  it('null stays null', () => {
    assert.equal(adfToWiki(null), null);
    assert.equal(wikiToAdf(null), null);
  });
});

describe('wiki macros inside lines', () => {
  it('a {code} block opened and closed mid-line (as in real integrations\' descriptions)', () => {
    const wiki = '*AlertContext:*\n {code:JSON}\n{\n    "some": "json"\n}{code} after';
    const adf = wikiToAdf(wiki) as AdfDoc;
    assert.deepEqual(adf.content.map((n) => n.type), ['paragraph', 'codeBlock', 'paragraph']);
    assert.deepEqual(adf.content[1], { type: 'codeBlock', attrs: { language: 'JSON' }, content: [{ type: 'text', text: '{\n    "some": "json"\n}' }] });
    assert.equal(adfToWiki(adf), '*AlertContext:*\n\n{code:JSON}\n{\n    "some": "json"\n}\n{code}\n\nafter');
  });
  it('{noformat} keeps markup characters as text', () => {
    const adf = wikiToAdf('{noformat}\n*not bold*\n{noformat}') as AdfDoc;
    assert.deepEqual(adf.content, [{ type: 'codeBlock', content: [{ type: 'text', text: '*not bold*' }] }]);
  });
});
