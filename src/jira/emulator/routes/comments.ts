// Comments: list (paged), get, create, edit, delete. Bodies are ADF through v3 and wiki markup
// through v2; the same stored comment reads both ways.
import type { AdfDoc } from '../adf-wiki.js';
import { jiraError, json, noContent, type Reply, type RequestContext } from '../http/reply.js';
import type { Router } from '../http/router.js';
import { commentJson } from '../representation.js';
import type { Emulator } from '../server.js';
import type { Comment, Issue, User } from '../state/model.js';
import { both, can, findIssue, forbidden, invalidInput, isReply, pageParams, readRichText } from './common.js';

export function addComment(emu: Emulator, issue: Issue, user: User, body: AdfDoc, visibility: Comment['visibility'], now: Date): Comment {
  const store = emu.store;
  const c: Comment = { id: String(store.nextCommentId++), issueId: issue.id, authorId: user.accountId, updateAuthorId: user.accountId, body, created: now, updated: now, visibility };
  issue.comments.push(c);
  issue.updated = now;
  store.indexIssue(issue, now.getTime());
  store.emit({ kind: 'comment_created', issue, actor: user, comment: c });
  store.emit({ kind: 'issue_updated', issue, actor: user, eventTypeName: 'issue_commented', changelog: null, comment: c });
  return c;
}

function readBody(ctx: RequestContext): { doc: AdfDoc; visibility: Comment['visibility'] } | Reply {
  const body = ctx.body as { body?: unknown; visibility?: unknown } | undefined;
  if (typeof body !== 'object' || body === null || body.body === undefined || body.body === null || body.body === '') {
    return jiraError(400, [], { comment: 'Comment body can not be empty!' });
  }
  const r = readRichText(ctx.version, body.body);
  if ('error' in r) return jiraError(400, [], { comment: r.error });
  if ('invalidAdf' in r) return invalidInput();
  if (r.doc === null) return jiraError(400, [], { comment: 'Comment body can not be empty!' });
  let visibility: Comment['visibility'] = null;
  if (body.visibility !== undefined && body.visibility !== null) {
    const v = body.visibility as { type?: unknown; value?: unknown; identifier?: unknown };
    if ((v.type !== 'role' && v.type !== 'group') || typeof v.value !== 'string') return jiraError(400, [], { commentLevel: 'You are currently not a member of the project role or group specified.' });
    visibility = { type: v.type, value: v.value };
  }
  return { doc: r.doc, visibility };
}

/** expand=renderedBody: the comment body rendered as HTML beside the body. */
function rendered(ctx: RequestContext): { renderedBody: boolean } {
  return { renderedBody: (ctx.query.get('expand') ?? '').split(',').map((s) => s.trim()).includes('renderedBody') };
}

function findComment(issue: Issue, id: string | undefined): Comment | Reply {
  const c = issue.comments.find((x) => x.id === id);
  return c ?? jiraError(404, [`Can not find a comment for the id: ${id ?? ''}.`]);
}

export function registerCommentRoutes(router: Router, emu: Emulator): void {
  both(router, 'GET', '/issue/:issueIdOrKey/comment', (ctx) => {
    const issue = findIssue(ctx);
    if (isReply(issue)) return issue;
    const { startAt, maxResults } = pageParams(ctx, 5000);
    const ordered = ctx.query.get('orderBy') === '-created' ? issue.comments.slice().reverse() : issue.comments;
    return json(200, {
      startAt, maxResults, total: issue.comments.length,
      comments: ordered.slice(startAt, startAt + maxResults).map((c) => commentJson(ctx.render, issue, c, rendered(ctx))),
    });
  });
  both(router, 'GET', '/issue/:issueIdOrKey/comment/:id', (ctx) => {
    const issue = findIssue(ctx);
    if (isReply(issue)) return issue;
    const c = findComment(issue, ctx.params.id);
    return isReply(c) ? c : json(200, commentJson(ctx.render, issue, c, rendered(ctx)));
  });
  both(router, 'POST', '/issue/:issueIdOrKey/comment', (ctx) => {
    const issue = findIssue(ctx);
    if (isReply(issue)) return issue;
    const user = ctx.user as User;
    if (!can(user, 'ADD_COMMENTS')) return forbidden('You do not have the permission to comment on this issue.');
    const b = readBody(ctx);
    if (isReply(b)) return b;
    const c = addComment(emu, issue, user, b.doc, b.visibility, new Date());
    return json(201, commentJson(ctx.render, issue, c, rendered(ctx)));
  });
  both(router, 'PUT', '/issue/:issueIdOrKey/comment/:id', (ctx) => {
    const issue = findIssue(ctx);
    if (isReply(issue)) return issue;
    const c = findComment(issue, ctx.params.id);
    if (isReply(c)) return c;
    const user = ctx.user as User;
    if (c.authorId !== user.accountId && !can(user, 'EDIT_ALL_COMMENTS')) return forbidden('You do not have the permission to edit this comment.');
    const b = readBody(ctx);
    if (isReply(b)) return b;
    const now = new Date();
    c.body = b.doc;
    if (b.visibility) c.visibility = b.visibility;
    c.updated = now;
    c.updateAuthorId = user.accountId;
    issue.updated = now;
    emu.store.indexIssue(issue, now.getTime());
    emu.store.emit({ kind: 'comment_updated', issue, actor: user, comment: c });
    emu.store.emit({ kind: 'issue_updated', issue, actor: user, eventTypeName: 'issue_comment_edited', changelog: null, comment: c });
    return json(200, commentJson(ctx.render, issue, c, rendered(ctx)));
  });
  both(router, 'DELETE', '/issue/:issueIdOrKey/comment/:id', (ctx) => {
    const issue = findIssue(ctx);
    if (isReply(issue)) return issue;
    const c = findComment(issue, ctx.params.id);
    if (isReply(c)) return c;
    const user = ctx.user as User;
    if (c.authorId !== user.accountId && !can(user, 'DELETE_ALL_COMMENTS')) return forbidden('You do not have the permission to delete this comment.');
    const now = new Date();
    issue.comments = issue.comments.filter((x) => x !== c);
    issue.updated = now;
    emu.store.indexIssue(issue, now.getTime());
    emu.store.emit({ kind: 'comment_deleted', issue, actor: user, comment: c });
    emu.store.emit({ kind: 'issue_updated', issue, actor: user, eventTypeName: 'issue_comment_deleted', changelog: null, comment: c });
    return noContent();
  });
}
