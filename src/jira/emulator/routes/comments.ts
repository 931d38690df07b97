// Comments: list (paged), get, create, edit, delete. Bodies are ADF through v3 and wiki markup
// through v2; the same stored comment reads both ways.
import type { AdfDoc } from '../adf-wiki.js';
import { jiraError, json, noContent, type Reply, type RequestContext } from '../http/reply.js';
import type { Router } from '../http/router.js';
import { commentJson } from '../representation.js';
import type { Emulator } from '../server.js';
import type { Comment, Issue, User } from '../state/model.js';
import { both, can, findIssue, forbidden, invalidInput, isReply, pageParams, readRichText } from './common.js';

export function addComment(emu: Emulator, issue: Issue, user: User, body: AdfDoc, visibility: Comment['visibility'], now: Date, properties: ReadonlyArray<[string, unknown]> = []): Comment {
  const store = emu.store;
  const c: Comment = { id: String(store.nextCommentId++), issueId: issue.id, authorId: user.accountId, updateAuthorId: user.accountId, body, created: now, updated: now, visibility, properties: new Map(properties) };
  issue.comments.push(c);
  issue.updated = now;
  store.indexIssue(issue, now.getTime());
  store.emit({ kind: 'comment_created', issue, actor: user, comment: c });
  store.emit({ kind: 'issue_updated', issue, actor: user, eventTypeName: 'issue_commented', changelog: null, comment: c });
  return c;
}

/**
 * `properties` of a comment create or update: a list of entity properties (`{key, value}`, both
 * required; Atlassian's EntityProperty). Keys follow the entity-property rules: 1–255 characters.
 */
function readProperties(raw: unknown): Array<[string, unknown]> | Reply {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) return jiraError(400, ['Can not deserialize instance of java.util.ArrayList out of START_OBJECT token']);
  const out: Array<[string, unknown]> = [];
  for (const p of raw) {
    const e = p as { key?: unknown; value?: unknown } | null;
    if (typeof e !== 'object' || e === null || typeof e.key !== 'string' || e.key.length === 0 || e.key.length > 255) {
      return jiraError(400, ['The property key cannot be null or empty and must be at most 255 characters.']);
    }
    if (e.value === undefined) return jiraError(400, [`The property '${e.key}' has no value.`]);
    out.push([e.key, e.value]);
  }
  return out;
}

function readBody(ctx: RequestContext): { doc: AdfDoc; visibility: Comment['visibility']; properties: Array<[string, unknown]> } | Reply {
  const body = ctx.body as { body?: unknown; visibility?: unknown; properties?: unknown } | undefined;
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
  const properties = readProperties(body.properties);
  if (isReply(properties)) return properties;
  return { doc: r.doc, visibility, properties };
}

/** expand=renderedBody: the comment body rendered as HTML beside the body; expand=properties: its entity properties. */
function rendered(ctx: RequestContext): { renderedBody: boolean; properties: boolean } {
  const expand = (ctx.query.get('expand') ?? '').split(',').map((s) => s.trim());
  return { renderedBody: expand.includes('renderedBody'), properties: expand.includes('properties') };
}

/** The comment with this id on any issue the caller may browse, with its issue. */
function commentById(ctx: RequestContext, emu: Emulator, id: string | undefined): { issue: Issue; comment: Comment } | Reply {
  if (can(ctx.user as User, 'BROWSE_PROJECTS')) {
    for (const issue of emu.store.issues.values()) {
      const c = issue.comments.find((x) => x.id === id);
      if (c) return { issue, comment: c };
    }
  }
  return jiraError(404, [`Can not find a comment for the id: ${id ?? ''}.`]);
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
    const c = addComment(emu, issue, user, b.doc, b.visibility, new Date(), b.properties);
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
    for (const [k, v] of b.properties) c.properties.set(k, v);
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
  // POST /comment/list: comments by id (Atlassian's PageBeanComment), `expand=properties` included.
  both(router, 'POST', '/comment/list', (ctx) => {
    const body = ctx.body as { ids?: unknown } | undefined;
    if (typeof body !== 'object' || body === null || !Array.isArray(body.ids)) return jiraError(400, ['The list of comment IDs is required.']);
    if (body.ids.length > 1000) return jiraError(400, ['The number of comment IDs must not be greater than 1000.']);
    const ids = new Set(body.ids.map((x) => String(x)));
    const found: Array<{ issue: Issue; comment: Comment }> = [];
    if (can(ctx.user as User, 'BROWSE_PROJECTS')) {
      for (const issue of emu.store.issues.values()) for (const c of issue.comments) if (ids.has(c.id)) found.push({ issue, comment: c });
    }
    found.sort((a, b) => Number(a.comment.id) - Number(b.comment.id));
    const { startAt, maxResults } = pageParams(ctx, 1000);
    const page = found.slice(startAt, startAt + maxResults);
    return json(200, { maxResults, startAt, total: found.length, isLast: startAt + page.length >= found.length, values: page.map((x) => commentJson(ctx.render, x.issue, x.comment, rendered(ctx))) });
  });
  both(router, 'GET', '/comment/:commentId/properties', (ctx) => {
    const hit = commentById(ctx, emu, ctx.params.commentId);
    if (isReply(hit)) return hit;
    const self = (key: string) => `${ctx.render.base}/rest/api/${ctx.version}/comment/${hit.comment.id}/properties/${encodeURIComponent(key)}`;
    return json(200, { keys: [...hit.comment.properties.keys()].map((key) => ({ self: self(key), key })) });
  });
  both(router, 'GET', '/comment/:commentId/properties/:propertyKey', (ctx) => {
    const hit = commentById(ctx, emu, ctx.params.commentId);
    if (isReply(hit)) return hit;
    const key = ctx.params.propertyKey ?? '';
    if (!hit.comment.properties.has(key)) return jiraError(404, [`The property with key '${key}' does not exist.`]);
    return json(200, { key, value: hit.comment.properties.get(key) });
  });
  both(router, 'PUT', '/comment/:commentId/properties/:propertyKey', (ctx) => {
    const hit = commentById(ctx, emu, ctx.params.commentId);
    if (isReply(hit)) return hit;
    const key = ctx.params.propertyKey ?? '';
    if (ctx.body === undefined) return jiraError(400, ['The property value is required.']);
    const existed = hit.comment.properties.has(key);
    hit.comment.properties.set(key, ctx.body);
    return existed ? json(200, {}) : json(201, {});
  });
  both(router, 'DELETE', '/comment/:commentId/properties/:propertyKey', (ctx) => {
    const hit = commentById(ctx, emu, ctx.params.commentId);
    if (isReply(hit)) return hit;
    const key = ctx.params.propertyKey ?? '';
    if (!hit.comment.properties.delete(key)) return jiraError(404, [`The property with key '${key}' does not exist.`]);
    return noContent();
  });
}
