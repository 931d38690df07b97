// Workflow transitions: list those valid from the issue's status (with target status and status
// category), perform one by id (400 for an invalid id or a missing required screen field), with
// optional fields (resolution) and update.comment.
import { jiraError, json, noContent, type Reply, type RequestContext } from '../http/reply.js';
import type { Router } from '../http/router.js';
import { transitionJson } from '../representation.js';
import type { Emulator } from '../server.js';
import type { ChangeItem, Issue, User, WorkflowTransition } from '../state/model.js';
import { both, can, findIssue, forbidden, invalidInput, isReply, readRichText, refOf } from './common.js';
import { addComment } from './comments.js';
import { idItem, recordChange } from './mutations.js';

export function availableTransitions(emu: Emulator, issue: Issue): WorkflowTransition[] {
  const wf = emu.store.projectOf(issue).workflow;
  return wf.transitions.filter((t) => (t.fromStatusIds === null || t.fromStatusIds.includes(issue.statusId)) && !(t.fromStatusIds === null && t.toStatusId === issue.statusId));
}

function listTransitions(emu: Emulator) {
  return (ctx: RequestContext): Reply => {
    const issue = findIssue(ctx);
    if (isReply(issue)) return issue;
    const withFields = (ctx.query.get('expand') ?? '').split(',').includes('transitions.fields');
    let list = can(ctx.user as User, 'TRANSITION_ISSUES') ? availableTransitions(emu, issue) : [];
    const only = ctx.query.get('transitionId');
    if (only) list = list.filter((t) => t.id === only);
    return json(200, { expand: 'transitions', transitions: list.map((t) => transitionJson(ctx.render, t, withFields)) });
  };
}

function doTransition(emu: Emulator) {
  return (ctx: RequestContext): Reply => {
    const issue = findIssue(ctx);
    if (isReply(issue)) return issue;
    const user = ctx.user as User;
    const store = emu.store;
    const body = ctx.body as { transition?: unknown; fields?: Record<string, unknown>; update?: Record<string, unknown> } | undefined;
    const tref = refOf(body?.transition);
    if (!tref?.id) return jiraError(400, ['Missing \'transition\' identifier'], {});
    if (!can(user, 'TRANSITION_ISSUES')) return forbidden('You do not have permission to transition this issue.');
    const t = availableTransitions(emu, issue).find((x) => x.id === tref.id);
    if (!t) return jiraError(400, [`Transition id '${tref.id}' is not valid for this issue.`], {});
    const errors: Record<string, string> = {};
    const fields = body?.fields ?? {};
    let resolutionId: string | null | undefined;
    for (const [k, v] of Object.entries(fields)) {
      if (!t.screen.some((f) => f.fieldId === k)) {
        errors[k] = `Field '${k}' cannot be set. It is not on the appropriate screen, or unknown.`;
        continue;
      }
      const r = refOf(v);
      const res = r?.id !== undefined ? store.resolutions.get(r.id) : [...store.resolutions.values()].find((x) => x.name === r?.name);
      if (!res) errors.resolution = 'Specify a valid value for resolution';
      else resolutionId = res.id;
    }
    // A required screen field left out is a general error, not a field error: Jira Cloud answers
    // {"errorMessages":["Field Resolution is required."],"errors":{}} (docs/emulator.md, "Transitions").
    const missing: string[] = [];
    for (const f of t.screen) {
      if (f.required && fields[f.fieldId] === undefined && errors[f.fieldId] === undefined) missing.push(`Field ${f.name} is required.`);
    }
    let commentBody: unknown;
    for (const [field, ops] of Object.entries(body?.update ?? {})) {
      if (field !== 'comment' || !Array.isArray(ops)) {
        errors[field] = `Field '${field}' cannot be set. It is not on the appropriate screen, or unknown.`;
        continue;
      }
      const add = (ops[0] as { add?: { body?: unknown } } | undefined)?.add;
      if (add?.body === undefined) errors.comment = 'Comment body can not be empty!';
      else commentBody = add.body;
    }
    let commentDoc = null;
    if (commentBody !== undefined) {
      const r = readRichText(ctx.version, commentBody);
      if ('invalidAdf' in r) return invalidInput();
      if ('error' in r) errors.comment = r.error;
      else commentDoc = r.doc;
    }
    if (missing.length > 0 || Object.keys(errors).length > 0) return jiraError(400, missing, errors);

    const now = new Date();
    const before = store.statusOf(issue);
    const after = store.statuses.get(t.toStatusId);
    if (!after) return jiraError(500, ['workflow points at an unknown status']);
    const items: ChangeItem[] = [];
    // resolution: set on entering a done status (from the screen, else Done), cleared on leaving it
    if (after.category.key === 'done' && resolutionId === undefined && issue.resolutionId === null) resolutionId = '10000';
    if (after.category.key !== 'done' && issue.resolutionId !== null) resolutionId = null;
    if (resolutionId !== undefined && resolutionId !== issue.resolutionId) {
      const name = (id: string | null) => (id === null ? null : { id, name: store.resolutions.get(id)?.name ?? id });
      items.push(idItem('resolution', name(issue.resolutionId), name(resolutionId)));
      issue.resolutionId = resolutionId;
      issue.resolutionDate = resolutionId === null ? null : now;
    }
    items.push({ field: 'status', fieldtype: 'jira', fieldId: 'status', from: before.id, fromString: before.name, to: after.id, toString: after.name });
    issue.statusId = after.id;
    if (before.category.key !== after.category.key) issue.statusCategoryChangeDate = now;
    recordChange(store, issue, user, items, 'issue_generic', now);
    if (commentDoc) addComment(emu, issue, user, commentDoc, null, now);
    return noContent();
  };
}

export function registerTransitionRoutes(router: Router, emu: Emulator): void {
  both(router, 'GET', '/issue/:issueIdOrKey/transitions', listTransitions(emu));
  both(router, 'POST', '/issue/:issueIdOrKey/transitions', doTransition(emu));
}
