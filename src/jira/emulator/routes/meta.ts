// Site metadata: myself, serverInfo, projects, create metadata, priorities, statuses, issue types,
// resolutions, labels.
import { jiraError, json, type RequestContext } from '../http/reply.js';
import type { Router } from '../http/router.js';
import { issueTypeJson, priorityJson, projectJson, resolutionJson, statusCategoryJson, statusJson, userJson } from '../representation.js';
import type { Emulator } from '../server.js';
import type { IssueType, Project, User } from '../state/model.js';
import { jiraTime } from '../time.js';
import { fieldJson, SYSTEM_FIELDS } from '../fields.js';
import { both, pageParams } from './common.js';

function page<T>(ctx: RequestContext, all: T[], dflt = 50): { startAt: number; maxResults: number; total: number; isLast: boolean; values: T[] } {
  const { startAt, maxResults } = pageParams(ctx, dflt);
  const values = all.slice(startAt, startAt + maxResults);
  return { startAt, maxResults, total: all.length, isLast: startAt + values.length >= all.length, values };
}

function fieldMeta(ctx: RequestContext, emu: Emulator, project: Project): Record<string, unknown>[] {
  const r = ctx.render;
  const store = emu.store;
  const f = (fieldId: string, name: string, required: boolean, schema: Record<string, unknown>, operations: string[], extra: Record<string, unknown> = {}) => ({
    required, schema, name, key: fieldId, fieldId, hasDefaultValue: false, operations, ...extra,
  });
  return [
    f('summary', 'Summary', true, { type: 'string', system: 'summary' }, ['set']),
    f('issuetype', 'Issue Type', true, { type: 'issuetype', system: 'issuetype' }, [], {
      allowedValues: project.issueTypeIds.map((id) => issueTypeJson(r, store.issueTypes.get(id) as IssueType)),
    }),
    f('project', 'Project', true, { type: 'project', system: 'project' }, ['set']),
    f('description', 'Description', false, { type: 'string', system: 'description' }, ['set']),
    f('environment', 'Environment', false, { type: 'string', system: 'environment' }, ['set']),
    f('reporter', 'Reporter', true, { type: 'user', system: 'reporter' }, ['set'], { hasDefaultValue: true, autoCompleteUrl: `${r.base}/rest/api/3/user/search?query=` }),
    f('priority', 'Priority', false, { type: 'priority', system: 'priority' }, ['set'], {
      hasDefaultValue: true,
      allowedValues: [...store.priorities.values()].map((p) => priorityJson(r, p)),
      defaultValue: priorityJson(r, [...store.priorities.values()].find((p) => p.isDefault) ?? [...store.priorities.values()][0]!),
    }),
    f('labels', 'Labels', false, { type: 'array', items: 'string', system: 'labels' }, ['add', 'set', 'remove'], { autoCompleteUrl: `${r.base}/rest/api/1.0/labels/suggest?query=` }),
    f('assignee', 'Assignee', false, { type: 'user', system: 'assignee' }, ['set'], { autoCompleteUrl: `${r.base}/rest/api/3/user/assignable/search?project=${project.key}&query=` }),
  ];
}

export function registerMetaRoutes(router: Router, emu: Emulator): void {
  // every field of the site (system fields only); clients map field names to ids with it
  both(router, 'GET', '/field', () => json(200, SYSTEM_FIELDS.map(fieldJson)));
  const store = emu.store;
  both(router, 'GET', '/myself', (ctx) => json(200, userJson(ctx.render, ctx.user as User, { full: true })));
  both(router, 'GET', '/serverInfo', (ctx) =>
    json(200, {
      baseUrl: ctx.render.base, displayUrl: ctx.render.base, version: '1001.0.0-SNAPSHOT', versionNumbers: [1001, 0, 0],
      deploymentType: 'Cloud', buildNumber: 100286, buildDate: '2025-11-20T00:00:00.000+0000', serverTime: jiraTime(new Date()),
      scmInfo: 'emulator', serverTitle: 'alertsync Jira Cloud emulator', serverTimeZone: 'Etc/UTC',
    }),
  );
  const projectOr404 = (ctx: RequestContext, param: string): Project | null => store.projectByIdOrKey(ctx.params[param] ?? '') ?? null;
  const noProject = (key: string) => jiraError(404, [`No project could be found with key '${key}'.`]);
  both(router, 'GET', '/project', (ctx) => json(200, [...store.projects.values()].map((p) => projectJson(ctx.render, p))));
  both(router, 'GET', '/project/search', (ctx) => {
    const q = (ctx.query.get('query') ?? '').toLowerCase();
    const keys = ctx.query.getAll('keys');
    const all = [...store.projects.values()].filter((p) => (!q || p.key.toLowerCase().includes(q) || p.name.toLowerCase().includes(q)) && (keys.length === 0 || keys.includes(p.key)));
    const pg = page(ctx, all);
    return json(200, { self: `${ctx.render.base}${ctx.path}`, ...pg, values: pg.values.map((p) => projectJson(ctx.render, p)) });
  });
  both(router, 'GET', '/project/:projectIdOrKey', (ctx) => {
    const p = projectOr404(ctx, 'projectIdOrKey');
    return p ? json(200, projectJson(ctx.render, p)) : noProject(ctx.params.projectIdOrKey ?? '');
  });
  both(router, 'GET', '/project/:projectIdOrKey/statuses', (ctx) => {
    const p = projectOr404(ctx, 'projectIdOrKey');
    if (!p) return noProject(ctx.params.projectIdOrKey ?? '');
    return json(200, p.issueTypeIds.map((id) => ({
      self: `${ctx.render.base}/rest/api/${ctx.version}/issuetype/${id}`, id, name: store.issueTypes.get(id)?.name, subtask: false,
      statuses: p.workflow.statusIds.map((s) => statusJson(ctx.render, store.statuses.get(s)!)),
    })));
  });
  both(router, 'GET', '/issue/createmeta/:projectIdOrKey/issuetypes', (ctx) => {
    const p = projectOr404(ctx, 'projectIdOrKey');
    if (!p) return jiraError(400, [`No project could be found with key '${ctx.params.projectIdOrKey ?? ''}'.`]);
    const types = p.issueTypeIds.map((id) => issueTypeJson(ctx.render, store.issueTypes.get(id) as IssueType));
    const pg = page(ctx, types);
    return json(200, { startAt: pg.startAt, maxResults: pg.maxResults, total: pg.total, issueTypes: pg.values });
  });
  both(router, 'GET', '/issue/createmeta/:projectIdOrKey/issuetypes/:issueTypeId', (ctx) => {
    const p = projectOr404(ctx, 'projectIdOrKey');
    if (!p) return jiraError(400, [`No project could be found with key '${ctx.params.projectIdOrKey ?? ''}'.`]);
    if (!p.issueTypeIds.includes(ctx.params.issueTypeId ?? '')) return jiraError(400, ['The issue type selected is invalid.']);
    const pg = page(ctx, fieldMeta(ctx, emu, p));
    return json(200, { startAt: pg.startAt, maxResults: pg.maxResults, total: pg.total, fields: pg.values });
  });
  both(router, 'GET', '/priority', (ctx) => json(200, [...store.priorities.values()].map((p) => priorityJson(ctx.render, p, true))));
  both(router, 'GET', '/priority/search', (ctx) => {
    const pg = page(ctx, [...store.priorities.values()]);
    return json(200, { self: `${ctx.render.base}${ctx.path}`, ...pg, values: pg.values.map((p) => priorityJson(ctx.render, p, true)) });
  });
  both(router, 'GET', '/priority/:id', (ctx) => {
    const p = store.priorities.get(ctx.params.id ?? '');
    return p ? json(200, priorityJson(ctx.render, p, true)) : jiraError(404, [`The priority with ID ${ctx.params.id ?? ''} does not exist.`]);
  });
  both(router, 'GET', '/status', (ctx) => json(200, [...store.statuses.values()].map((s) => statusJson(ctx.render, s))));
  both(router, 'GET', '/statuscategory', (ctx) => {
    const seen = new Map<number, Record<string, unknown>>();
    for (const s of store.statuses.values()) seen.set(s.category.id, statusCategoryJson(ctx.render, s));
    return json(200, [...seen.values()]);
  });
  both(router, 'GET', '/issuetype', (ctx) => json(200, [...store.issueTypes.values()].map((t) => issueTypeJson(ctx.render, t))));
  both(router, 'GET', '/resolution', (ctx) => json(200, [...store.resolutions.values()].map((r) => resolutionJson(ctx.render, r))));
  // The paged successor of GET /resolution (deprecated): PageBeanResolutionJsonBean, `default`
  // marking the site's default resolution (none is set on a new Jira site, nor in the emulator).
  both(router, 'GET', '/resolution/search', (ctx) => {
    const ids = ctx.query.getAll('id');
    const onlyDefault = ctx.query.get('onlyDefault') === 'true';
    const all = onlyDefault ? [] : [...store.resolutions.values()].filter((r) => ids.length === 0 || ids.includes(r.id));
    const pg = page(ctx, all);
    return json(200, { self: `${ctx.render.base}${ctx.path}`, ...pg, values: pg.values.map((r) => ({ ...resolutionJson(ctx.render, r), default: false })) });
  });
  both(router, 'GET', '/label', (ctx) => {
    const pg = page(ctx, store.allLabels(), 1000);
    return json(200, { self: `${ctx.render.base}${ctx.path}`, ...pg });
  });
}
