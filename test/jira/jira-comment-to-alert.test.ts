// Issue #12 "What is applied", comments: a comment made in Jira (wiki markup as REST v2 and webhooks
// send it, or ADF) reaches the alert as `[<Jira display name>] commented on Jira:` and Markdown that
// keeps only bold, italic, strikethrough, links, code blocks, paragraphs and line breaks, quotes,
// bulleted and numbered lists; tables, images, mentions and panels are stripped to their text.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { jiraCommentForAlert, jiraCommentPrefix } from '../../src/jira/format/comment.js';
import { markdownToWiki } from '../../src/jira/format/markdown-to-wiki.js';
import { parseMarkdown } from '../../src/jira/format/markdown.js';

const P = '\\[Jay] commented on Jira:\n\n';

const WIKI: Array<[string, string, string]> = [
  ['escaped characters', 'This is a very important issue\\! I’m on it\\!', 'This is a very important issue! I’m on it!'],
  ['bold, italic, strike kept; other marks to text', '*bold* _it_ -del- +under+ ^sup^ ~sub~ ??cite?? {{mono}}', '**bold** _it_ ~~del~~ under sup sub cite mono'],
  ['links: http kept, others to their label', '[runbook|https://example.com/rb] and [https://example.com/x] and [bad|javascript:alert(1)]', '[runbook](https://example.com/rb) and <https://example.com/x> and bad'],
  ['mention and image stripped to text', '[~accountid:5b10ac8d82e05b22cc7d4ef5] see !screen%20shot.png|thumbnail!', '@5b10ac8d82e05b22cc7d4ef5 see screen shot.png'],
  ['table stripped to one line per row', '||Host||IP||\n|web-1|10.0.0.1|', 'Host | IP\n\nweb-1 | 10.0.0.1'],
  ['panel and colour stripped to their text', '{panel:title=Note}\n{color:red}careful{color}\n{panel}', 'careful'],
  ['code block with language', '{code:bash}\nrm -rf *\n{code}', '```bash\nrm -rf *\n```'],
  ['noformat keeps its markup as code', '{noformat}\n*not bold*\n{noformat}', '```\n*not bold*\n```'],
  ['quote and bq.', '{quote}\nquoted *text*\n{quote}\nbq. short quote', '> quoted **text**\n\n> short quote'],
  ['nested bullet list, then numbered list', '* a\n** b\n# one\n# two', '- a\n  - b\n\n1. one\n2. two'],
  ['heading to paragraph', 'h2. Findings', 'Findings'],
  ['line breaks: newline and \\\\', 'line1\nline2\\\\line3', 'line1\\\nline2\\\nline3'],
  ['Markdown and HTML in the text stay text', 'a <script>x</script> [md](http://x) # not heading `tick`', 'a \\<script>x\\</script> \\[md]\\(http\\://x) # not heading \\`tick\\`'],
  ['character references decoded', '&#92; &amp; &lt;', '\\ & <'],
  ['rule dropped', 'a\n----\nb', 'a\n\nb'],
  ['escaped brackets inside a link label', '[\\[x\\]|https://example.com/]', '[\\[x\\]](https://example.com/)'],
  ['unclosed markers stay text', '*not closed and 2 * 3 = 6', '\\*not closed and 2 \\* 3 = 6'],
];

const ADF = {
  type: 'doc',
  version: 1,
  content: [
    { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'H' }] },
    {
      type: 'paragraph',
      content: [
        { type: 'mention', attrs: { id: 'x', text: '@Ann' } },
        { type: 'text', text: ' see ' },
        { type: 'text', text: 'this', marks: [{ type: 'link', attrs: { href: 'https://e.com' } }, { type: 'strong' }] },
        { type: 'emoji', attrs: { shortName: ':smile:', text: '😄' } },
        { type: 'text', text: ' code', marks: [{ type: 'code' }] },
        { type: 'text', text: ' u', marks: [{ type: 'underline' }] },
      ],
    },
    { type: 'panel', attrs: { panelType: 'info' }, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'in panel' }] }] },
    { type: 'mediaSingle', content: [{ type: 'media', attrs: { id: '1', type: 'file', collection: 'c', alt: 'diagram.png' } }] },
    { type: 'table', content: [{ type: 'tableRow', content: [
      { type: 'tableHeader', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'k' }] }] },
      { type: 'tableCell', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'v' }] }] },
    ] }] },
    { type: 'taskList', attrs: { localId: 'a' }, content: [{ type: 'taskItem', attrs: { localId: 'b', state: 'DONE' }, content: [{ type: 'text', text: 'done' }] }] },
    { type: 'codeBlock', attrs: { language: 'js' }, content: [{ type: 'text', text: 'x()' }] },
    { type: 'blockquote', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'q', marks: [{ type: 'em' }, { type: 'strike' }] }] }] },
    { type: 'orderedList', attrs: { order: 3 }, content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'three' }, { type: 'hardBreak' }, { type: 'text', text: 'more' }] }] }] },
    { type: 'paragraph', content: [{ type: 'inlineCard', attrs: { url: 'https://e.com/card' } }, { type: 'status', attrs: { text: 'DONE', color: 'green' } }, { type: 'date', attrs: { timestamp: '1700000000000' } }] },
    { type: 'paragraph', content: [{ type: 'text', text: 'bad', marks: [{ type: 'link', attrs: { href: 'javascript:alert(1)' } }] }] },
  ],
};
const ADF_MARKDOWN =
  'H\n\n@Ann see [**this**](https://e.com/)😄 code u\n\nin panel\n\ndiagram.png\n\nk | v\n\n- \\[x] done\n\n```js\nx()\n```\n\n> _~~q~~_\n\n3. three\\\n   more\n\n<https://e.com/card>DONE2023-11-14\n\nbad';

/** Node types an alert comment from Jira may hold. */
const KEPT = new Set(['root', 'paragraph', 'text', 'strong', 'emphasis', 'delete', 'link', 'code', 'break', 'blockquote', 'list', 'listItem']);
function assertOnlyKeptFormats(markdown: string): void {
  const visit = (n: { type: string; children?: unknown[] }): void => {
    assert.ok(KEPT.has(n.type), `${n.type} in ${markdown}`);
    for (const c of n.children ?? []) visit(c as { type: string; children?: unknown[] });
  };
  visit(parseMarkdown(markdown));
}

describe('jiraCommentForAlert: wiki markup (REST v2, webhooks)', () => {
  for (const [name, wiki, want] of WIKI) {
    it(name, () => {
      const got = jiraCommentForAlert('Jay', wiki);
      assert.equal(got, P + want);
      assertOnlyKeptFormats(got);
    });
  }
});

describe('jiraCommentForAlert: ADF (REST v3)', () => {
  it('keeps the seed formats and strips heading, mention, emoji, panel, media, table, task list, cards to text', () => {
    const got = jiraCommentForAlert('Jay', ADF);
    assert.equal(got, P + ADF_MARKDOWN);
    assertOnlyKeptFormats(got);
  });

  it('a body that is not a document gives the prefix alone', () => {
    assert.equal(jiraCommentForAlert('Jay', { type: 'paragraph' }), P.trimEnd());
    assert.equal(jiraCommentForAlert('Jay', null), P.trimEnd());
  });
});

describe('jiraCommentForAlert: real webhook comment bodies', () => {
  const FIXTURES: Array<[string, string]> = [
    ['comment_created-talk-132', '\\[Veniamin Smorodinsky] commented on Jira:\n\nttt'],
    ['comment_deleted-talk-141', '\\[Veniamin Smorodinsky] commented on Jira:\n\n3'],
    ['comment_updated-sp-1', '\\[Hemanth V. Alluri] commented on Jira:\n\nThis is a very important issue! I’m on it!'],
  ];
  for (const [file, want] of FIXTURES) {
    it(file, () => {
      const { payload } = JSON.parse(readFileSync(new URL(`../fixtures/jira-webhooks/${file}.json`, import.meta.url), 'utf8')) as {
        payload: { comment: { body: string; author: { displayName: string } } };
      };
      assert.equal(jiraCommentForAlert(payload.comment.author.displayName, payload.comment.body), want);
    });
  }
});

describe('the prefix', () => {
  const TABLE: Array<[string, string, string]> = [
    ['Ann', '[Ann] commented on Jira:', '\\[Ann] commented on Jira:'],
    ['*Eve* <b>', '[*Eve* <b>] commented on Jira:', '\\[\\*Eve\\* \\<b>] commented on Jira:'],
    ['Multi\nline', '[Multi line] commented on Jira:', '\\[Multi line] commented on Jira:'],
    ['', '[unknown user] commented on Jira:', '\\[unknown user] commented on Jira:'],
  ];
  for (const [name, text, markdown] of TABLE) {
    it(JSON.stringify(name), () => {
      assert.equal(jiraCommentPrefix(name), text);
      assert.equal(jiraCommentForAlert(name, ''), markdown);
    });
  }
});

describe('alertsync comments read back from Jira (wiki written by markdownToWiki)', () => {
  const TABLE: Array<[string, string]> = [
    ['**b** _i_ ~~s~~ [l](https://example.com/)', '**b** _i_ ~~s~~ [l](https://example.com/)'],
    ['- a\n  - b\n1. c', '- a\n  - b\n\n1. c'],
    ['> q', '> q'],
    ['```sh\nls\n```', '```sh\nls\n```'],
    ['[~accountid:1] @x !y! {code}', '\\[\\~accountid:1] @x !y! {code}'],
    ['| a | b |\n|---|---|\n| 1 | 2 |', 'a | b\n\n1 | 2'],
  ];
  for (const [md, want] of TABLE) {
    it(JSON.stringify(md), () => assert.equal(jiraCommentForAlert('Jay', markdownToWiki(md)), P + want));
  }
});
