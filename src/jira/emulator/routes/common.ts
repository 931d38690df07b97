// Helpers shared by the REST routes: registering a route for v2 and v3, permission checks, issue
// lookup, and Jira's field validation for create and edit.
import { checkAdf } from '../adf/validate.js';
import { wikiToAdf, type AdfDoc } from '../adf-wiki.js';
import { issueNotFound, jiraError, type Handler, type Reply, type RequestContext } from '../http/reply.js';
import type { Router } from '../http/router.js';
import type { Issue, Permission, Project, User } from '../state/model.js';
import type { SiteStore } from '../state/store.js';

export function both(router: Router, method: string, suffix: string, handler: Handler): void {
  router.add(method, `/rest/api/2${suffix}`, handler);
  router.add(method, `/rest/api/3${suffix}`, handler);
}

export function can(user: User, p: Permission): boolean {
  return user.permissions.has(p);
}

export function forbidden(message: string): Reply {
  return jiraError(403, [message]);
}

/** The issue named in the path (id, key or an old key), or a Jira 404. */
export function findIssue(ctx: RequestContext, param = 'issueIdOrKey'): Issue | Reply {
  const issue = ctx.render.store.issueByIdOrKey(ctx.params[param] ?? '');
  if (!issue || !can(ctx.user as User, 'BROWSE_PROJECTS')) return issueNotFound();
  return issue;
}

export function isReply(x: unknown): x is Reply {
  return typeof x === 'object' && x !== null && 'status' in x && typeof (x as Reply).status === 'number' && !('projectId' in x);
}

export const TEXT_LIMIT = 32_767;
export const TEXT_TOO_LONG = 'The entered text is too long. It exceeds the allowed limit of 32,767 characters.';
export const NOT_ADF = 'Operation value must be an Atlassian Document (see the Atlassian Document Format)';
export const NOT_STRING = 'Operation value must be a string';

export function notOnScreen(field: string): string {
  return `Field '${field}' cannot be set. It is not on the appropriate screen, or unknown.`;
}

/** Jira Cloud's answer to a v3 rich-text value that is an object but not a valid ADF document. */
export const INVALID_INPUT = 'INVALID_INPUT';

export function invalidInput(): Reply {
  return jiraError(400, [INVALID_INPUT], {});
}

export type RichTextRead = { doc: AdfDoc | null } | { error: string } | { invalidAdf: string };

/**
 * Reads a rich-text value (description, environment, comment body) in the request's
 * representation: an ADF document on v3, a wiki-markup string on v2. Returns the ADF to store, a
 * field error text (a v3 value that is not an object: `errors.<field>`), or `invalidAdf` for an
 * object that Atlassian's ADF schema refuses (Jira answers 400 `{"errorMessages":["INVALID_INPUT"]}`).
 * Length is counted on what the client sent (the serialised ADF on v3, the string on v2).
 */
export function readRichText(version: 2 | 3, value: unknown): RichTextRead {
  if (value === null) return { doc: null };
  if (version === 3) {
    if (typeof value !== 'object' || Array.isArray(value)) return { error: NOT_ADF };
    const check = checkAdf(value);
    if (!check.valid) return { invalidAdf: check.error ?? 'invalid' };
    if (JSON.stringify(value).length > TEXT_LIMIT) return { error: TEXT_TOO_LONG };
    const doc = value as AdfDoc;
    return { doc: doc.content.length === 0 ? null : doc };
  }
  if (typeof value !== 'string') return { error: NOT_STRING };
  if (value.length > TEXT_LIMIT) return { error: TEXT_TOO_LONG };
  return { doc: value === '' ? null : wikiToAdf(value) };
}

export function labelError(label: unknown): string | null {
  if (typeof label !== 'string') return 'Labels must be strings.';
  if (label.length === 0 || /\s/.test(label)) return `The label '${label}' contains spaces which is invalid.`;
  if (label.length > 255) return `The label '${label}' exceeds the maximum length for a single label of 255 characters.`;
  return null;
}

/** {"id": "..."} or {"name": "..."} (or {"key": "..."}) reference objects used by Jira's create/edit. */
export function refOf(value: unknown): { id?: string; name?: string; key?: string; accountId?: string | null } | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  const out: { id?: string; name?: string; key?: string; accountId?: string | null } = {};
  if (typeof v.id === 'string' || typeof v.id === 'number') out.id = String(v.id);
  if (typeof v.name === 'string') out.name = v.name;
  if (typeof v.key === 'string') out.key = v.key;
  if (typeof v.accountId === 'string' || v.accountId === null) out.accountId = v.accountId as string | null;
  return out;
}

export function summaryError(value: unknown): string | null {
  if (typeof value !== 'string' || value.trim() === '') return 'You must specify a summary of the issue.';
  if (value.includes('\n') || value.includes('\r')) return 'The summary is invalid because it contains newline characters.';
  if (value.length > 255) return 'Summary must be less than 255 characters.';
  return null;
}

export function priorityFrom(store: SiteStore, value: unknown): { id: string } | { error: string } {
  const ref = refOf(value);
  if (!ref || (ref.id === undefined && ref.name === undefined)) return { error: 'Specify the Priority (id or name) in the proper format' };
  if (ref.id !== undefined) return store.priorities.has(ref.id) ? { id: ref.id } : { error: `Specify a valid value for priority` };
  const p = [...store.priorities.values()].find((x) => x.name === ref.name);
  return p ? { id: p.id } : { error: `Priority name '${ref.name as string}' is not valid` };
}

export function isAssignable(store: SiteStore, accountId: string, _project: Project): boolean {
  const u = store.users.get(accountId);
  return !!u && u.active && u.permissions.has('ASSIGNABLE_USER');
}

/**
 * The project's default assignee, what "-1" means for an assignee (Atlassian's REST docs for
 * PUT issue/{issueIdOrKey}/assignee: "If accountId is set to -1, the issue is assigned to the default
 * assignee for the project"): the project lead when the project's default is PROJECT_LEAD and the
 * lead may be assigned, else nobody.
 */
export function defaultAssignee(store: SiteStore, project: Project): string | null {
  if (project.assigneeType !== 'PROJECT_LEAD') return null;
  return isAssignable(store, project.leadAccountId, project) ? project.leadAccountId : null;
}

/** An assignee value from create/edit: {"accountId": "..."} or null. */
export function assigneeFrom(store: SiteStore, value: unknown, project: Project): { accountId: string | null } | { error: string } {
  if (value === null) return { accountId: null };
  const ref = refOf(value);
  if (!ref || ref.accountId === undefined) {
    if (ref?.id !== undefined) return assigneeFrom(store, { accountId: ref.id }, project);
    return { error: 'Specify a valid value for assignee' };
  }
  if (ref.accountId === null) return { accountId: null };
  if (ref.accountId === '-1') return { accountId: defaultAssignee(store, project) };
  if (!isAssignable(store, ref.accountId, project)) return { error: `User '${ref.accountId}' cannot be assigned issues.` };
  return { accountId: ref.accountId };
}

export function pageParams(ctx: RequestContext, dfltMax = 50): { startAt: number; maxResults: number } {
  const startAt = Math.max(0, Number.parseInt(ctx.query.get('startAt') ?? '0', 10) || 0);
  const mr = Number.parseInt(ctx.query.get('maxResults') ?? String(dfltMax), 10);
  return { startAt, maxResults: Number.isFinite(mr) && mr > 0 ? Math.min(mr, 1000) : dfltMax };
}
