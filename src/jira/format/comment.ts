// A comment written in alertsync (Markdown), as the Jira comment body that carries it:
//   [<user name>] commented on alertsync:
//   <the comment, converted>
// built as ADF (REST v3) and as wiki markup (REST v2) from the same Markdown tree. The user name is
// text: in ADF a text node, in wiki escaped like any comment text; line ends and control characters
// in it become spaces so it stays on the prefix line.
import { type AdfDoc, multiline, paragraph, text } from './adf.js';
import { adfToMdast } from './adf-to-markdown.js';
import { restrictForAlert } from './alert-markdown.js';
import { parseMarkdown, stringifyMarkdown } from './markdown.js';
import { mdastToAdf } from './markdown-to-adf.js';
import { escapeCommentWikiText, mdastToWiki } from './markdown-to-wiki.js';
import { wikiToMdast } from './wiki-to-markdown.js';

export interface JiraCommentBody {
  adf: AdfDoc;
  wiki: string;
}

/** A display name on one line: controls and line ends become spaces; empty → "unknown user". */
export function oneLineName(name: string): string {
  const clean = name.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
  return clean.length > 0 ? clean : 'unknown user';
}

/** The first line of a comment posted from alertsync. */
export function alertsyncCommentPrefix(userName: string): string {
  return `[${oneLineName(userName)}] commented on alertsync:`;
}

/** The Jira comment body (both representations) for a comment `markdown` written by `userName`. */
export function alertCommentForJira(userName: string, markdown: string): JiraCommentBody {
  const tree = parseMarkdown(markdown);
  const prefix = alertsyncCommentPrefix(userName);
  const body = mdastToAdf(tree, markdown);
  const wikiBody = mdastToWiki(tree, markdown);
  return {
    adf: { ...body, content: [paragraph(text(prefix)), ...body.content] },
    wiki: wikiBody.length > 0 ? `${escapeCommentWikiText(prefix)}\n\n${wikiBody}` : escapeCommentWikiText(prefix),
  };
}

/** The first line of a comment carried from Jira to an alert. */
export function jiraCommentPrefix(displayName: string): string {
  return `[${oneLineName(displayName)}] commented on Jira:`;
}

/**
 * The alert comment (Markdown) for a comment made in Jira: the prefix line, then the body (wiki
 * markup as REST v2 and webhooks send it, or an ADF document) reduced to the formats alerts keep.
 * The display name is text: Markdown characters in it are escaped.
 */
export function jiraCommentForAlert(displayName: string, body: string | object | null): string {
  const tree = typeof body === 'string' ? wikiToMdast(body) : adfToMdast(body);
  const restricted = restrictForAlert(tree);
  restricted.children.unshift({ type: 'paragraph', children: [{ type: 'text', value: jiraCommentPrefix(displayName) }] });
  return stringifyMarkdown(restricted);
}

/** A one-paragraph comment of plain text (e.g. the status change line), in both representations. */
export function plainCommentForJira(text: string): JiraCommentBody {
  return { adf: { type: 'doc', version: 1, content: [paragraph(multiline(text))] }, wiki: escapeCommentWikiText(text) };
}
