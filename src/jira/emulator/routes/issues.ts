// Issues: create (with Jira's validation), get, edit (fields + update verbs), delete, assign, and
// moving issues to another project through the bulk move API (new key, same id, old key resolves).
import type { AdfDoc } from '../adf-wiki.js';
import { jiraError, json, noContent, type Reply, type RequestContext } from '../http/reply.js';
import type { Router } from '../http/router.js';
import { historyJson, issueJson, selectFields } from '../representation.js';
import type { Emulator } from '../server.js';
import type { ChangeItem, Issue, Project, User } from '../state/model.js';
import { jiraTime } from '../time.js';
import {
  assigneeFrom, both, can, defaultAssignee, findIssue, forbidden, invalidInput, isAssignable, isReply, labelError, notOnScreen, priorityFrom, readRichText, refOf, summaryError,
} from './common.js';
import { assigneeItem, idItem, labelsItem, recordChange, richItem, sameDoc, textItem } from './mutations.js';

const CREATE_FIELDS = new Set(['project', 'issuetype', 'summary', 'description', 'environment', 'labels', 'priority', 'assignee', 'reporter']);
const EDIT_FIELDS = new Set(['summary', 'description', 'environment', 'labels', 'priority', 'assignee']);

interface FieldChanges {
  summary?: string;
  description?: AdfDoc | null;
  environment?: AdfDoc | null;
  labels?: string[];
  priorityId?: string | null;
  assigneeId?: string | null;
  reporterId?: string;
  /** a rich-text value was an object that Atlassian's ADF schema refuses: Jira answers INVALID_INPUT */
  invalidAdf?: string;
}

/** Validates settable fields (create or edit screen) into changes; errors keyed by field id like Jira. */
function readFields(emu: Emulator, ctx: RequestContext, fields: Record<string, unknown>, project: Project, screen: Set<string>, errors: Record<string, string>): FieldChanges {
  const store = emu.store;
  const ch: FieldChanges = {};
  for (const [k, v] of Object.entries(fields)) {
    if (!screen.has(k)) {
      errors[k] = notOnScreen(k);
      continue;
    }
    switch (k) {
      case 'summary': {
        const e = summaryError(v);
        if (e) errors.summary = e;
        else ch.summary = (v as string).trim();
        break;
      }
      case 'description':
      case 'environment': {
        const r = readRichText(ctx.version, v);
        if ('error' in r) errors[k] = r.error;
        else if ('invalidAdf' in r) ch.invalidAdf = `${k}: ${r.invalidAdf}`;
        else ch[k] = r.doc;
        break;
      }
      case 'labels': {
        if (!Array.isArray(v)) {
          errors.labels = 'data was not an array';
          break;
        }
        const bad = v.map(labelError).find((e) => e !== null);
        if (bad) errors.labels = bad;
        else ch.labels = [...new Set(v as string[])];
        break;
      }
      case 'priority': {
        if (v === null) {
          ch.priorityId = null;
          break;
        }
        const r = priorityFrom(store, v);
        if ('error' in r) errors.priority = r.error;
        else ch.priorityId = r.id;
        break;
      }
      case 'assignee': {
        const r = assigneeFrom(store, v, project);
        if ('error' in r) errors.assignee = r.error;
        else ch.assigneeId = r.accountId;
        break;
      }
      case 'reporter': {
        const ref = refOf(v);
        const id = ref?.accountId ?? ref?.id;
        if (!id || !store.users.has(id)) errors.reporter = `Specified reporter is not a user.`;
        else ch.reporterId = id;
        break;
      }
      default:
        break;
    }
  }
  return ch;
}

/** A stored issue (its answer in Jira's CreatedIssue shape) or the error answer single create would give. */
export type CreateOutcome = { created: { id: string; key: string; self: string } } | { error: Reply };

/**
 * Validates and stores one issue as POST /issue does (fields, ADF, permissions, properties): used by
 * single create and, per element, by bulk create (routes/bulk.ts). The create hook is the caller's.
 */
export function createOne(emu: Emulator, ctx: RequestContext, rawBody: unknown): CreateOutcome {
  const fail = (reply: Reply): CreateOutcome => ({ error: reply });
  {
    const store = emu.store;
    const user = ctx.user as User;
    const body = rawBody as { fields?: Record<string, unknown>; update?: unknown; properties?: unknown } | undefined;
    if (typeof body !== 'object' || body === null || typeof body.fields !== 'object' || body.fields === null) {
      return fail(jiraError(400, [], { project: 'Specify a valid project ID or key', issuetype: 'Specify an issue type', summary: 'You must specify a summary of the issue.' }));
    }
    const fields: Record<string, unknown> = { ...body.fields };
    const errors: Record<string, string> = {};
    if (body.update !== undefined) mergeUpdate(body.update as Record<string, unknown>, fields, [], CREATE_FIELDS, errors);
    const pref = refOf(fields.project);
    let project: Project | undefined;
    if (!pref || (pref.id === undefined && pref.key === undefined)) errors.project = 'Specify a valid project ID or key';
    else {
      project = pref.id !== undefined ? store.projects.get(pref.id) : store.projectsByKey.get((pref.key as string).toUpperCase());
      if (!project) errors.project = 'valid project is required';
    }
    if (!project) return fail(jiraError(400, [], errors));
    if (!can(user, 'CREATE_ISSUES')) return fail(forbidden('You do not have permission to create issues in this project.'));

    const tref = refOf(fields.issuetype);
    let issueTypeId: string | undefined;
    if (!tref || (tref.id === undefined && tref.name === undefined)) errors.issuetype = 'Specify an issue type';
    else {
      issueTypeId = tref.id ?? [...store.issueTypes.values()].find((t) => t.name === tref.name)?.id;
      if (!issueTypeId || !project.issueTypeIds.includes(issueTypeId)) errors.issuetype = 'The issue type selected is invalid.';
    }
    if (fields.summary === undefined) errors.summary = 'You must specify a summary of the issue.';
    const ch = readFields(emu, ctx, fields, project, CREATE_FIELDS, errors);
    if (ch.invalidAdf !== undefined) return fail(invalidInput());
    let properties: { key: string; value: unknown }[] = [];
    if (body.properties !== undefined) {
      if (!Array.isArray(body.properties)) errors.properties = 'Properties must be an array.';
      else {
        properties = body.properties as { key: string; value: unknown }[];
        for (const p of properties) {
          if (typeof p?.key !== 'string' || p.key.length === 0 || p.key.length > 255) errors.properties = 'The property key must be between 1 and 255 characters long.';
          else if (JSON.stringify(p.value ?? null).length > 32_768) errors.properties = 'The property value cannot be longer than 32768 characters.';
        }
      }
    }
    if (Object.keys(errors).length > 0) return fail(jiraError(400, [], errors));

    const now = new Date();
    const id = String(store.nextIssueId++);
    const key = `${project.key}-${project.nextIssueNumber++}`;
    const issue: Issue = {
      id, key, previousKeys: [], projectId: project.id, issueTypeId: issueTypeId as string,
      summary: ch.summary as string, description: ch.description ?? null, environment: ch.environment ?? null, labels: ch.labels ?? [],
      priorityId: ch.priorityId === undefined ? ([...store.priorities.values()].find((p) => p.isDefault)?.id ?? null) : ch.priorityId,
      // no assignee given: the project's default assignee (Jira's "Automatic")
      assigneeId: ch.assigneeId === undefined ? defaultAssignee(store, project) : ch.assigneeId, reporterId: ch.reporterId ?? user.accountId, creatorId: user.accountId,
      statusId: project.workflow.initialStatusId, resolutionId: null, resolutionDate: null,
      created: now, updated: now, statusCategoryChangeDate: now, comments: [], properties: new Map(), changelog: [], index: [],
    };
    for (const p of properties) issue.properties.set(p.key, p.value);
    store.issues.set(id, issue);
    store.issueIdByKey.set(key, id);
    store.indexIssue(issue, now.getTime());
    // the creation changelog only exists in webhook payloads: build it only when someone listens
    if (store.webhooks.size > 0) store.emit({ kind: 'issue_created', issue, actor: user, changelog: creationChangelog(emu, issue, user, now) });
    return { created: { id, key, self: `${ctx.render.base}/rest/api/${ctx.version}/issue/${id}` } };
  }
}

/** Holds a create's answer when the create hook is on (tests crash or cut the client in that window). */
export async function afterCreateHook(emu: Emulator, ctx: RequestContext, reply: Reply, first: { id: string; key: string } | undefined): Promise<Reply> {
  if (first && emu.faults.settings.createHook && !ctx.lostAnswer) {
    const action = await emu.createHook.hold(first.id, first.key);
    if (action !== 'send') return { ...reply, noAnswer: action };
  }
  return reply;
}

function createIssue(emu: Emulator) {
  return async (ctx: RequestContext): Promise<Reply> => {
    const r = createOne(emu, ctx, ctx.body);
    if ('error' in r) return r.error;
    return afterCreateHook(emu, ctx, json(201, r.created), r.created);
  };
}

/** The changelog a jira:issue_created webhook carries: every set field, from null (seen in real payloads). */
function creationChangelog(emu: Emulator, issue: Issue, actor: User, now: Date) {
  const store = emu.store;
  const items: ChangeItem[] = [];
  if (issue.assigneeId) items.push(assigneeItem(store, null, issue.assigneeId));
  if (issue.description) items.push(richItem('description', null, issue.description));
  if (issue.environment) items.push(richItem('environment', null, issue.environment));
  if (issue.labels.length > 0) items.push(labelsItem([], issue.labels));
  if (issue.priorityId) items.push(idItem('priority', null, { id: issue.priorityId, name: store.priorities.get(issue.priorityId)?.name ?? '' }));
  items.push({ ...assigneeItem(store, null, issue.reporterId), field: 'reporter', fieldId: 'reporter' });
  const st = store.statusOf(issue);
  items.push({ field: 'Status', fieldtype: 'jira', fieldId: 'status', from: null, fromString: null, to: st.id, toString: st.name });
  items.push(textItem('summary', null, issue.summary));
  for (const i of items) if (i.fromString === '') i.fromString = null;
  return store.newChangelog(actor, items, now);
}

function getIssue(ctx: RequestContext): Reply {
  const issue = findIssue(ctx);
  if (isReply(issue)) return issue;
  const expand = new Set((ctx.query.get('expand') ?? '').split(',').map((s) => s.trim()).filter(Boolean));
  const properties = (ctx.query.getAll('properties').join(',') || '').split(',').map((s) => s.trim()).filter(Boolean);
  const fieldsParam = ctx.query.getAll('fields').join(',');
  return json(200, issueJson(ctx.render, issue, { fields: selectFields(fieldsParam || null, '*all'), expand, properties }));
}

/** Applies validated changes to the issue and returns the changelog items. */
function applyChanges(emu: Emulator, issue: Issue, ch: FieldChanges): ChangeItem[] {
  const store = emu.store;
  const items: ChangeItem[] = [];
  if (ch.summary !== undefined && ch.summary !== issue.summary) {
    items.push(textItem('summary', issue.summary, ch.summary));
    issue.summary = ch.summary;
  }
  if (ch.description !== undefined && !sameDoc(ch.description, issue.description)) {
    items.push(richItem('description', issue.description, ch.description));
    issue.description = ch.description;
  }
  if (ch.environment !== undefined && !sameDoc(ch.environment, issue.environment)) {
    items.push(richItem('environment', issue.environment, ch.environment));
    issue.environment = ch.environment;
  }
  if (ch.labels !== undefined && JSON.stringify(ch.labels) !== JSON.stringify(issue.labels)) {
    items.push(labelsItem(issue.labels, ch.labels));
    issue.labels = ch.labels;
  }
  if (ch.priorityId !== undefined && ch.priorityId !== issue.priorityId) {
    const name = (id: string | null) => (id === null ? null : { id, name: store.priorities.get(id)?.name ?? id });
    items.push(idItem('priority', name(issue.priorityId), name(ch.priorityId)));
    issue.priorityId = ch.priorityId;
  }
  if (ch.assigneeId !== undefined && ch.assigneeId !== issue.assigneeId) {
    items.push(assigneeItem(store, issue.assigneeId, ch.assigneeId));
    issue.assigneeId = ch.assigneeId;
  }
  return items;
}

/**
 * Folds Jira's update verbs into plain field values: {"labels":[{"add":"x"},{"remove":"y"}]},
 * {"summary":[{"set":"..."}]}. Errors go to `errors` keyed by field.
 */
function mergeUpdate(update: Record<string, unknown> | undefined, fields: Record<string, unknown>, currentLabels: string[], screen: Set<string>, errors: Record<string, string>): void {
  let labels: string[] | undefined;
  for (const [field, ops] of Object.entries(update ?? {})) {
    if (!screen.has(field)) {
      errors[field] = notOnScreen(field);
      continue;
    }
    if (field in fields) {
      errors[field] = `Field '${field}' cannot be set twice: it is in both 'fields' and 'update'.`;
      continue;
    }
    if (!Array.isArray(ops)) {
      errors[field] = 'data was not an array';
      continue;
    }
    for (const op of ops as Record<string, unknown>[]) {
      const [verb, value] = Object.entries(op ?? {})[0] ?? ['', undefined];
      if (field === 'labels') {
        labels ??= currentLabels.slice();
        if (verb === 'set') {
          if (!Array.isArray(value)) errors.labels = 'data was not an array';
          else labels = (value as string[]).slice();
        } else if (verb === 'add' || verb === 'remove') {
          const e = labelError(value);
          if (e) errors.labels = e;
          else if (verb === 'add' && !labels.includes(value as string)) labels.push(value as string);
          else if (verb === 'remove') labels = labels.filter((l) => l !== value);
        } else errors.labels = `The operation '${verb}' is not supported for the field 'labels'.`;
      } else if (verb === 'set') fields[field] = value;
      else errors[field] = `The operation '${verb}' is not supported for the field '${field}'.`;
    }
  }
  if (labels !== undefined) fields.labels = labels;
}

function editIssue(emu: Emulator) {
  return (ctx: RequestContext): Reply => {
    const issue = findIssue(ctx);
    if (isReply(issue)) return issue;
    const user = ctx.user as User;
    if (!can(user, 'EDIT_ISSUES')) return forbidden('You do not have permission to edit issues in this project.');
    const body = (ctx.body ?? {}) as { fields?: Record<string, unknown>; update?: Record<string, unknown> };
    if (typeof body !== 'object' || body === null) return jiraError(400, ['Can not deserialize the request body.']);
    const project = emu.store.projectOf(issue);
    const errors: Record<string, string> = {};
    const fields: Record<string, unknown> = { ...(body.fields ?? {}) };
    mergeUpdate(body.update, fields, issue.labels, EDIT_FIELDS, errors);
    const ch = readFields(emu, ctx, fields, project, EDIT_FIELDS, errors);
    if (ch.invalidAdf !== undefined) return invalidInput();
    if (Object.keys(errors).length > 0) return jiraError(400, [], errors);
    const items = applyChanges(emu, issue, ch);
    if (items.length > 0) recordChange(emu.store, issue, user, items, 'issue_updated', new Date());
    if (ctx.query.get('returnIssue') === 'true') return json(200, issueJson(ctx.render, issue, { fields: null }));
    return noContent();
  };
}

function deleteIssue(emu: Emulator) {
  return (ctx: RequestContext): Reply => {
    const issue = findIssue(ctx);
    if (isReply(issue)) return issue;
    const user = ctx.user as User;
    if (!can(user, 'DELETE_ISSUES')) return forbidden('You do not have permission to delete issues in this project.');
    const store = emu.store;
    store.issues.delete(issue.id);
    for (const k of [issue.key, ...issue.previousKeys]) store.issueIdByKey.delete(k);
    store.emit({ kind: 'issue_deleted', issue, actor: user });
    for (const c of issue.comments) store.emit({ kind: 'comment_deleted', issue, actor: user, comment: c, flow: 'Secondary' });
    return noContent();
  };
}

function assignIssue(emu: Emulator) {
  return (ctx: RequestContext): Reply => {
    const issue = findIssue(ctx);
    if (isReply(issue)) return issue;
    const user = ctx.user as User;
    if (!can(user, 'ASSIGN_ISSUES')) return forbidden('You do not have permission to assign issues.');
    const body = ctx.body as { accountId?: unknown } | undefined;
    if (typeof body !== 'object' || body === null || !('accountId' in body)) {
      return jiraError(400, [], { assignee: 'Specify a valid value for assignee' });
    }
    let to: string | null;
    if (body.accountId === null) to = null;
    else if (body.accountId === '-1') to = defaultAssignee(emu.store, emu.store.projectOf(issue));
    else if (typeof body.accountId !== 'string') return jiraError(400, [], { assignee: 'Specify a valid value for assignee' });
    else if (!isAssignable(emu.store, body.accountId, emu.store.projectOf(issue))) {
      return jiraError(400, [], { assignee: `User '${body.accountId}' cannot be assigned issues.` });
    } else to = body.accountId;
    if (to !== issue.assigneeId) {
      const item = assigneeItem(emu.store, issue.assigneeId, to);
      issue.assigneeId = to;
      recordChange(emu.store, issue, user, [item], 'issue_assigned', new Date());
    }
    return noContent();
  };
}

/** Moves one issue: new key in the target project, same id, old key kept for lookups. */
export function moveIssue(emu: Emulator, issue: Issue, target: Project, issueTypeId: string, actor: User): void {
  const store = emu.store;
  const from = store.projectOf(issue);
  if (from.id === target.id && issue.issueTypeId === issueTypeId) return;
  const items: ChangeItem[] = [];
  if (from.id !== target.id) {
    const oldKey = issue.key;
    const newKey = `${target.key}-${target.nextIssueNumber++}`;
    issue.previousKeys.push(oldKey);
    issue.key = newKey;
    issue.projectId = target.id;
    store.issueIdByKey.set(newKey, issue.id);
    items.push({ field: 'project', fieldtype: 'jira', from: from.id, fromString: from.name, to: target.id, toString: target.name });
    items.push({ field: 'Key', fieldtype: 'jira', from: null, fromString: oldKey, to: null, toString: newKey });
    if (!target.workflow.statusIds.includes(issue.statusId)) {
      const before = store.statusOf(issue);
      issue.statusId = target.workflow.initialStatusId;
      const after = store.statusOf(issue);
      items.push({ field: 'Workflow', fieldtype: 'jira', from: null, fromString: from.workflow.name, to: null, toString: target.workflow.name });
      items.push({ field: 'status', fieldtype: 'jira', fieldId: 'status', from: before.id, fromString: before.name, to: after.id, toString: after.name });
      if (before.category.key !== after.category.key) issue.statusCategoryChangeDate = new Date();
    }
  }
  if (issue.issueTypeId !== issueTypeId) {
    const a = store.issueTypes.get(issue.issueTypeId);
    const b = store.issueTypes.get(issueTypeId);
    items.push(idItem('issuetype', a ? { id: a.id, name: a.name } : null, b ? { id: b.id, name: b.name } : null));
    issue.issueTypeId = issueTypeId;
  }
  recordChange(store, issue, actor, items, 'issue_moved', new Date());
}

function bulkMove(emu: Emulator) {
  return (ctx: RequestContext): Reply => {
    const store = emu.store;
    const user = ctx.user as User;
    const body = ctx.body as { targetToSourcesMapping?: Record<string, { issueIdsOrKeys?: unknown }> } | undefined;
    const mapping = body?.targetToSourcesMapping;
    const bad = (message: string): Reply => json(400, { errors: [{ message }] });
    if (typeof mapping !== 'object' || mapping === null || Object.keys(mapping).length === 0) return bad('targetToSourcesMapping is required.');
    const plan: { issue: Issue; target: Project; typeId: string }[] = [];
    for (const [target, src] of Object.entries(mapping)) {
      const [projectKey, typeId] = target.split(',');
      const project = store.projectByIdOrKey(projectKey ?? '');
      if (!project) return bad(`The target project '${projectKey ?? ''}' doesn't exist.`);
      if (!typeId || !project.issueTypeIds.includes(typeId)) return bad(`The issue type '${typeId ?? ''}' isn't available in the target project.`);
      if (!can(user, 'CREATE_ISSUES') || !can(user, 'MOVE_ISSUES')) return json(403, { errors: [{ message: 'You do not have permission to move issues.' }] });
      if (!Array.isArray(src?.issueIdsOrKeys) || src.issueIdsOrKeys.length === 0) return bad('issueIdsOrKeys must list at least one issue.');
      for (const ref of src.issueIdsOrKeys) {
        const issue = store.issueByIdOrKey(String(ref));
        if (!issue) return bad(`Issue '${String(ref)}' does not exist or you do not have permission to see it.`);
        plan.push({ issue, target: project, typeId });
      }
    }
    for (const p of plan) moveIssue(emu, p.issue, p.target, p.typeId, user);
    const taskId = String(store.nextTaskId++);
    store.bulkTasks.set(taskId, { taskId, submittedBy: user.accountId, created: new Date(), issueIds: plan.map((p) => Number(p.issue.id)) });
    return json(201, { taskId });
  };
}

function bulkTask(emu: Emulator) {
  return (ctx: RequestContext): Reply => {
    const t = emu.store.bulkTasks.get(ctx.params.taskId ?? '');
    if (!t) return jiraError(404, [`Task with ID ${ctx.params.taskId ?? ''} not found.`]);
    const at = jiraTime(t.created);
    return json(200, {
      taskId: t.taskId, status: 'COMPLETE', progressPercent: 100, created: at, started: at, updated: at,
      submittedBy: { accountId: t.submittedBy }, totalIssueCount: t.issueIds.length,
      processedAccessibleIssues: t.issueIds, failedAccessibleIssues: {}, invalidOrInaccessibleIssueCount: 0,
    });
  };
}

export function registerIssueRoutes(router: Router, emu: Emulator): void {
  both(router, 'POST', '/issue', createIssue(emu));
  both(router, 'GET', '/issue/:issueIdOrKey', getIssue);
  both(router, 'PUT', '/issue/:issueIdOrKey', editIssue(emu));
  both(router, 'DELETE', '/issue/:issueIdOrKey', deleteIssue(emu));
  both(router, 'PUT', '/issue/:issueIdOrKey/assignee', assignIssue(emu));
  both(router, 'GET', '/issue/:issueIdOrKey/changelog', (ctx) => {
    const issue = findIssue(ctx);
    if (isReply(issue)) return issue;
    const startAt = Math.max(0, Number.parseInt(ctx.query.get('startAt') ?? '0', 10) || 0);
    const maxResults = Math.min(100, Math.max(1, Number.parseInt(ctx.query.get('maxResults') ?? '100', 10) || 100));
    const values = issue.changelog.slice(startAt, startAt + maxResults).map((h) => historyJson(ctx.render, h));
    const isLast = startAt + values.length >= issue.changelog.length;
    const self = `${ctx.render.base}/rest/api/${ctx.version}/issue/${issue.key}/changelog`;
    return json(200, {
      self: `${self}?maxResults=${maxResults}&startAt=${startAt}`,
      ...(isLast ? {} : { nextPage: `${self}?maxResults=${maxResults}&startAt=${startAt + values.length}` }),
      maxResults, startAt, total: issue.changelog.length, isLast, values,
    });
  });
  router.add('POST', '/rest/api/3/bulk/issues/move', bulkMove(emu));
  router.add('GET', '/rest/api/3/bulk/queue/:taskId', bulkTask(emu));
}
