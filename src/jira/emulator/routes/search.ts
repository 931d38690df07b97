// JQL search through /rest/api/{2,3}/search/jql (GET and POST) with nextPageToken paging, search
// lag (results are computed from each issue's index snapshot visible at the time of computation)
// and reconcileIssues; the removed /search endpoints answer 410 with Jira Cloud's body.
import { clauseValues, isUnbounded, JqlError, matchesJql, orderIssues, parseJql, type JqlIssueView, type JqlQuery, type MatchContext } from '../jql/index.js';
import { jiraError, json, type Reply, type RequestContext } from '../http/reply.js';
import type { Router } from '../http/router.js';
import { issueJson, namesOf, selectFields } from '../representation.js';
import type { Emulator } from '../server.js';
import type { User } from '../state/model.js';
import { both } from './common.js';

export const REMOVED_SEARCH_BODY = {
  errorMessages: [
    'The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046',
  ],
  errors: {},
};

interface SearchParams {
  jql: string;
  fields: string[];
  maxResults: number | null;
  nextPageToken: string | null;
  expand: string[];
  properties: string[];
  reconcileIssues: string[];
}

function fromQuery(ctx: RequestContext): SearchParams {
  const list = (name: string) => ctx.query.getAll(name).flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
  const mr = ctx.query.get('maxResults');
  return {
    jql: ctx.query.get('jql') ?? '',
    fields: list('fields'),
    maxResults: mr === null ? null : Number(mr),
    nextPageToken: ctx.query.get('nextPageToken'),
    expand: list('expand'),
    properties: list('properties'),
    reconcileIssues: list('reconcileIssues'),
  };
}

function fromBody(ctx: RequestContext): SearchParams | Reply {
  const b = (ctx.body ?? {}) as Record<string, unknown>;
  if (typeof b !== 'object' || b === null || Array.isArray(b)) return jiraError(400, ['Invalid request payload. Refer to the REST API documentation and try again.']);
  const strs = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? v.split(',') : []);
  // `expand` is "a comma-delimited string of values" in this request (SearchAndReconcileRequestBean);
  // Jira Cloud refuses an array with this 400 (https://github.com/smaramwbc/statewave/issues/258)
  if (b.expand !== undefined && typeof b.expand !== 'string') return jiraError(400, ['Invalid request payload. Refer to the REST API documentation and try again.']);
  return {
    jql: typeof b.jql === 'string' ? b.jql : '',
    fields: strs(b.fields),
    maxResults: typeof b.maxResults === 'number' ? b.maxResults : null,
    nextPageToken: typeof b.nextPageToken === 'string' ? b.nextPageToken : null,
    expand: strs(b.expand),
    properties: strs(b.properties),
    reconcileIssues: strs(b.reconcileIssues),
  };
}

/** Jira's 400s for values the site does not know (projects, statuses, issue keys). */
function semanticErrors(emu: Emulator, q: JqlQuery): string[] {
  const store = emu.store;
  const errors: string[] = [];
  const statusNames = new Set([...store.statuses.values()].map((s) => s.name.toLowerCase()));
  const known = (m: Map<string, { id: string; name: string }>, v: string) => m.has(v) || [...m.values()].some((x) => x.name.toLowerCase() === v.toLowerCase());
  for (const c of clauseValues(q)) {
    for (const v of c.values) {
      const unknown =
        (c.field === 'priority' && !known(store.priorities, v)) ||
        (c.field === 'issuetype' && !known(store.issueTypes, v)) ||
        (c.field === 'resolution' && v.toLowerCase() !== 'unresolved' && !known(store.resolutions, v)) ||
        (c.field === 'reporter' && !store.users.has(v));
      if (unknown) {
        errors.push(`The value '${v}' does not exist for the field '${c.fieldName}'.`);
        continue;
      }
      if (c.field === 'project' && !store.projectByIdOrKey(v) && ![...store.projects.values()].some((p) => p.name.toLowerCase() === v.toLowerCase())) {
        errors.push(`The value '${v}' does not exist for the field '${c.fieldName}'.`);
      } else if (c.field === 'status' && !statusNames.has(v.toLowerCase()) && !store.statuses.has(v)) {
        errors.push(`The value '${v}' does not exist for the field '${c.fieldName}'.`);
      } else if (c.field === 'key' && /^[A-Za-z][A-Za-z0-9_]*-\d+$/.test(v) && !store.issueByIdOrKey(v)) {
        errors.push(`An issue with key '${v.toUpperCase()}' does not exist for field '${c.fieldName}'.`);
      }
    }
  }
  return errors;
}

function matchContext(emu: Emulator, ctx: RequestContext, now: Date): MatchContext {
  return { currentUserAccountId: (ctx.user as User).accountId, now, rank: (field, v) => emu.store.rank(field, v) };
}

function encodeToken(offset: number, jql: string): string {
  return Buffer.from(JSON.stringify({ o: offset, j: jql.length })).toString('base64url');
}

function decodeToken(token: string, jql: string): number | null {
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown; j?: unknown };
    return typeof v.o === 'number' && v.o >= 0 && v.j === jql.length ? v.o : null;
  } catch {
    return null;
  }
}

function search(emu: Emulator, ctx: RequestContext, p: SearchParams): Reply {
  let q: JqlQuery;
  try {
    q = parseJql(p.jql);
  } catch (err) {
    if (err instanceof JqlError) return jiraError(400, [err.message]);
    throw err;
  }
  if (isUnbounded(q)) return jiraError(400, ['Unbounded JQL queries are not allowed here. Please add a search restriction to your query.']);
  const sem = semanticErrors(emu, q);
  if (sem.length > 0) return jiraError(400, sem);
  let offset = 0;
  if (p.nextPageToken) {
    const o = decodeToken(p.nextPageToken, p.jql);
    if (o === null) return jiraError(400, ['The provided next page token is invalid or expired.']);
    offset = o;
  }
  const fields = selectFields(p.fields, 'none');
  const cap = fields !== null && fields.size === 0 ? 5000 : 100;
  const maxResults = p.maxResults === null || !Number.isFinite(p.maxResults) || p.maxResults <= 0 ? 50 : Math.min(p.maxResults, cap);

  // the result is computed now: each issue is seen as its index snapshot visible at this instant
  const now = new Date();
  const nowMs = now.getTime();
  const reconcile = new Set(p.reconcileIssues);
  const mctx = matchContext(emu, ctx, now);
  const matched: JqlIssueView[] = [];
  for (const issue of emu.store.issues.values()) {
    const view = reconcile.has(issue.id) ? emu.store.jqlView(issue) : emu.store.searchView(issue, nowMs);
    if (view && matchesJql(q, view, mctx)) matched.push(view);
  }
  const ordered = orderIssues(q, matched);
  const pageViews = ordered.slice(offset, offset + maxResults);
  const expand = new Set(p.expand);
  const issues = pageViews.map((v) => {
    const issue = emu.store.issues.get(v.id);
    if (!issue) return { id: v.id };
    if (fields !== null && fields.size === 0 && p.properties.length === 0 && expand.size === 0) return { id: issue.id };
    return issueJson(ctx.render, issue, { fields, expand, properties: p.properties, noNames: true });
  });
  const isLast = offset + pageViews.length >= ordered.length;
  const out: Record<string, unknown> = { issues, isLast };
  // expand=names: the display names of the returned fields, once, at the top level (SearchAndReconcileResults.names)
  if (expand.has('names')) out.names = namesOf(fields);
  if (!isLast) out.nextPageToken = encodeToken(offset + pageViews.length, p.jql);
  return json(200, out);
}

/** Approximate count: the same search (with the same lag), counted. */
function approximateCount(emu: Emulator, ctx: RequestContext): Reply {
  const b = (ctx.body ?? {}) as { jql?: unknown };
  const jql = typeof b.jql === 'string' ? b.jql : '';
  let q: JqlQuery;
  try {
    q = parseJql(jql);
  } catch (err) {
    if (err instanceof JqlError) return jiraError(400, [err.message]);
    throw err;
  }
  if (isUnbounded(q)) return jiraError(400, ['Unbounded JQL queries are not allowed here. Please add a search restriction to your query.']);
  const sem = semanticErrors(emu, q);
  if (sem.length > 0) return jiraError(400, sem);
  const now = new Date();
  const mctx = matchContext(emu, ctx, now);
  let count = 0;
  for (const issue of emu.store.issues.values()) {
    const view = emu.store.searchView(issue, now.getTime());
    if (view && matchesJql(q, view, mctx)) count++;
  }
  return json(200, { count });
}

export function registerSearchRoutes(router: Router, emu: Emulator): void {
  both(router, 'POST', '/search/approximate-count', (ctx) => approximateCount(emu, ctx));
  both(router, 'GET', '/search/jql', (ctx) => search(emu, ctx, fromQuery(ctx)));
  both(router, 'POST', '/search/jql', (ctx) => {
    const p = fromBody(ctx);
    return 'status' in p ? p : search(emu, ctx, p);
  });
  for (const v of ['2', '3', 'latest']) {
    for (const m of ['GET', 'POST']) router.add(m, `/rest/api/${v}/search`, () => json(410, REMOVED_SEARCH_BODY));
  }
}
