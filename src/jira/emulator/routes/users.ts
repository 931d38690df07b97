// Users: search, assignable search, one by accountId. Emails only where the user lets others see them.
import { jiraError, json, type RequestContext } from '../http/reply.js';
import type { Router } from '../http/router.js';
import { userJson } from '../representation.js';
import type { Emulator } from '../server.js';
import type { User } from '../state/model.js';
import { both, isAssignable, pageParams } from './common.js';

function matchesQuery(u: User, query: string, viewer: User): boolean {
  if (!query) return true;
  const q = query.toLowerCase();
  const words = u.displayName.toLowerCase().split(/\s+/);
  if (u.displayName.toLowerCase().startsWith(q) || words.some((w) => w.startsWith(q))) return true;
  if ((u.emailVisible || u.accountId === viewer.accountId) && u.email.toLowerCase().startsWith(q)) return true;
  return u.accountId === query;
}

export function registerUserRoutes(router: Router, emu: Emulator): void {
  const store = emu.store;
  const list = (ctx: RequestContext, users: User[]) => {
    const { startAt, maxResults } = pageParams(ctx, 50);
    return json(200, users.slice(startAt, startAt + maxResults).map((u) => userJson(ctx.render, u)));
  };
  both(router, 'GET', '/user', (ctx) => {
    const id = ctx.query.get('accountId');
    if (!id) return jiraError(400, ['The accountId query parameter needs to be provided.']);
    const u = store.users.get(id);
    return u ? json(200, userJson(ctx.render, u, { full: true })) : jiraError(404, [`Specified user does not exist or you do not have required permissions`]);
  });
  both(router, 'GET', '/user/search', (ctx) => {
    const query = ctx.query.get('query');
    const accountId = ctx.query.get('accountId');
    if (query === null && accountId === null) return jiraError(400, ["The query parameter 'query' or 'accountId' is required."]);
    const viewer = ctx.user as User;
    return list(ctx, [...store.users.values()].filter((u) => (accountId === null || u.accountId === accountId) && matchesQuery(u, query ?? '', viewer)));
  });
  both(router, 'GET', '/user/assignable/search', (ctx) => {
    const projectKey = ctx.query.get('project');
    const issueKey = ctx.query.get('issueKey') ?? ctx.query.get('issueId');
    let project;
    if (issueKey) {
      const issue = store.issueByIdOrKey(issueKey);
      if (!issue) return jiraError(404, ['Issue does not exist or you do not have permission to see it.']);
      project = store.projectOf(issue);
    } else if (projectKey) {
      project = store.projectByIdOrKey(projectKey);
      if (!project) return jiraError(404, [`No project could be found with key '${projectKey}'.`]);
    } else return jiraError(400, ['One of the following parameters must be provided: project, issueKey, issueId.']);
    const query = ctx.query.get('query') ?? '';
    const accountId = ctx.query.get('accountId');
    const viewer = ctx.user as User;
    return list(ctx, [...store.users.values()].filter((u) => isAssignable(store, u.accountId, project) && (accountId === null || u.accountId === accountId) && matchesQuery(u, query, viewer)));
  });
}
