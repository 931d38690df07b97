// Jira JSON → the client's types. Each function checks the attributes a caller relies on and
// throws ShapeError naming the first one missing; the client turns that into JiraError `unexpected`.
import type {
  AdfDocument,
  CreatedIssue,
  JiraComment,
  JiraIssue,
  JiraIssueType,
  JiraIssueTypeStatuses,
  JiraPriority,
  JiraProject,
  JiraResolution,
  JiraStatus,
  JiraTransition,
  JiraUser,
  SearchJqlPage,
} from './types.js';

export class ShapeError extends Error {
  constructor(what: string) {
    super(what);
    this.name = 'ShapeError';
  }
}

type Obj = Record<string, unknown>;

function obj(v: unknown, what: string): Obj {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new ShapeError(`${what} is not an object`);
  return v as Obj;
}

function arr(v: unknown, what: string): unknown[] {
  if (!Array.isArray(v)) throw new ShapeError(`${what} is not an array`);
  return v;
}

/** Jira ids are strings in v3, but a number is accepted and turned into its decimal text. */
function id(v: unknown, what: string): string {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return String(v);
  throw new ShapeError(`${what} is missing`);
}

function str(v: unknown, what: string): string {
  if (typeof v !== 'string') throw new ShapeError(`${what} is missing`);
  return v;
}

const optStr = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export function createdIssue(v: unknown): CreatedIssue {
  const o = obj(v, 'the created issue');
  return { id: id(o.id, 'the created issue id'), key: str(o.key, 'the created issue key') };
}

/** One element error of a bulk create: which element, its status and Jira's messages. */
export interface BulkElementError {
  index: number;
  status: number;
  /** Jira's ErrorCollection for the element, kept as JSON text for the client's message helpers. */
  errorCollection: string;
}

/**
 * A bulk create's answer (201, or 400 when none was made): the issues made, in order, and the
 * errors with their element numbers. Checks that every element is accounted for exactly once.
 */
export function bulkCreated(v: unknown, count: number): { issues: CreatedIssue[]; errors: BulkElementError[] } {
  const o = obj(v, 'the bulk create answer');
  if (!Array.isArray(o.issues) || !Array.isArray(o.errors)) throw new ShapeError('the bulk create answer has no issues and errors lists');
  const issues = o.issues.map(createdIssue);
  const errors = o.errors.map((e): BulkElementError => {
    const eo = obj(e, 'a bulk create error');
    const index = eo.failedElementNumber;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= count) throw new ShapeError('a bulk create error has no valid failedElementNumber');
    return { index, status: typeof eo.status === 'number' ? eo.status : 400, errorCollection: JSON.stringify(eo.elementErrors ?? {}) };
  });
  if (new Set(errors.map((e) => e.index)).size !== errors.length || issues.length + errors.length !== count) {
    throw new ShapeError(`the bulk create answer accounts for ${issues.length} created and ${errors.length} failed of ${count} issues`);
  }
  return { issues, errors };
}

export function user(v: unknown): JiraUser {
  const o = obj(v, 'a user');
  return {
    accountId: id(o.accountId, 'a user accountId'),
    accountType: optStr(o.accountType) ?? '',
    displayName: optStr(o.displayName) ?? '',
    active: o.active !== false,
    emailAddress: optStr(o.emailAddress) || null,
    timeZone: optStr(o.timeZone),
  };
}

export function users(v: unknown): JiraUser[] {
  return arr(v, 'the user list').map(user);
}

export function status(v: unknown): JiraStatus {
  const o = obj(v, 'a status');
  const cat = o.statusCategory !== null && typeof o.statusCategory === 'object' ? (o.statusCategory as Obj) : {};
  return { id: id(o.id, 'a status id'), name: optStr(o.name) ?? '', category: optStr(cat.key) ?? 'undefined' };
}

export function issue(v: unknown): JiraIssue {
  const o = obj(v, 'an issue');
  const fields = o.fields === undefined ? {} : obj(o.fields, 'the issue fields');
  const out: JiraIssue = { id: id(o.id, 'an issue id'), key: optStr(o.key) ?? '', fields };
  if (typeof fields.summary === 'string') out.summary = fields.summary;
  if (fields.status !== undefined && fields.status !== null) out.status = status(fields.status);
  if (fields.assignee !== undefined) out.assignee = fields.assignee === null ? null : user(fields.assignee);
  if (Array.isArray(fields.labels)) out.labels = fields.labels.filter((l): l is string => typeof l === 'string');
  if (fields.priority !== undefined) {
    out.priority = fields.priority === null ? null : (() => {
      const p = obj(fields.priority, 'the issue priority');
      return { id: id(p.id, 'the priority id'), name: optStr(p.name) ?? '' };
    })();
  }
  if (typeof fields.updated === 'string') out.updated = fields.updated;
  return out;
}

/** An issue fetched by id or key must carry its key; search results may be id-only. */
export function fullIssue(v: unknown): JiraIssue {
  const i = issue(v);
  if (i.key === '') throw new ShapeError('the issue key is missing');
  return i;
}

export function searchPage(v: unknown): SearchJqlPage {
  const o = obj(v, 'the search result');
  const page: SearchJqlPage = { issues: arr(o.issues, 'the search result issues').map(issue) };
  // isLast wins when present; a token on the last page would only loop.
  if (typeof o.nextPageToken === 'string' && o.nextPageToken !== '' && o.isLast !== true) page.nextPageToken = o.nextPageToken;
  return page;
}

export function transitions(v: unknown): JiraTransition[] {
  const o = obj(v, 'the transition list');
  return arr(o.transitions, 'the transitions').map((t) => {
    const x = obj(t, 'a transition');
    const required: string[] = [];
    const details: JiraTransition['requiredFieldDetails'] = [];
    if (x.fields !== null && typeof x.fields === 'object') {
      for (const [fieldId, meta] of Object.entries(x.fields as Obj)) {
        if (meta !== null && typeof meta === 'object' && (meta as Obj).required === true) {
          required.push(fieldId);
          const m = meta as Obj;
          const allowed = Array.isArray(m.allowedValues) ? m.allowedValues : [];
          details.push({
            fieldId,
            name: optStr(m.name) ?? fieldId,
            allowedValues: allowed.flatMap((a) => {
              if (a === null || typeof a !== 'object') return [];
              const av = a as Obj;
              const avId = typeof av.id === 'string' || typeof av.id === 'number' ? String(av.id) : null;
              return avId === null ? [] : [{ id: avId, name: optStr(av.name) ?? optStr(av.value) ?? avId }];
            }),
          });
        }
      }
    }
    return {
      id: id(x.id, 'a transition id'),
      name: optStr(x.name) ?? '',
      to: status(x.to),
      hasScreen: x.hasScreen === true,
      isAvailable: x.isAvailable !== false,
      requiredFields: required,
      requiredFieldDetails: details,
    };
  });
}

function adf(v: unknown): AdfDocument | null {
  if (v === null || typeof v !== 'object') return null;
  const o = v as Obj;
  return o.type === 'doc' && Array.isArray(o.content) ? (v as AdfDocument) : null;
}

export function comment(v: unknown): JiraComment {
  const o = obj(v, 'the comment');
  return {
    id: id(o.id, 'the comment id'),
    body: adf(o.body),
    author: o.author === undefined || o.author === null ? null : user(o.author),
    created: optStr(o.created) ?? '',
    updated: optStr(o.updated) ?? '',
    ...(Array.isArray(o.properties) ? { properties: entityProperties(o.properties) } : {}),
  };
}

function entityProperties(list: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of list) {
    if (p !== null && typeof p === 'object' && typeof (p as Obj).key === 'string') out[(p as Obj).key as string] = (p as Obj).value;
  }
  return out;
}

export interface CommentPage {
  comments: JiraComment[];
  total: number | null;
  isLast: boolean;
}

/** GET issue/{key}/comment (`comments`) or POST comment/list (`values`). */
export function commentPage(v: unknown): CommentPage {
  const o = obj(v, 'the comment page');
  const list = Array.isArray(o.comments) ? o.comments : arr(o.values, 'the comments');
  return { comments: list.map(comment), total: typeof o.total === 'number' ? o.total : null, isLast: o.isLast === true };
}

export function priorities(v: unknown): JiraPriority[] {
  return arr(v, 'the priority list').map((p) => {
    const o = obj(p, 'a priority');
    return { id: id(o.id, 'a priority id'), name: optStr(o.name) ?? '', isDefault: o.isDefault === true };
  });
}

export interface IssueTypePage {
  issueTypes: JiraIssueType[];
  startAt: number;
  total: number | null;
}

/** PageOfCreateMetaIssueTypes. Jira has used both `issueTypes` and `values` for the list. */
export function issueTypePage(v: unknown): IssueTypePage {
  const o = obj(v, 'the issue type page');
  const list = o.issueTypes ?? o.values;
  const issueTypes = arr(list, 'the issue types').map((t) => {
    const x = obj(t, 'an issue type');
    return { id: id(x.id, 'an issue type id'), name: optStr(x.name) ?? '', subtask: x.subtask === true };
  });
  return {
    issueTypes,
    startAt: typeof o.startAt === 'number' ? o.startAt : 0,
    total: typeof o.total === 'number' ? o.total : null,
  };
}

/** One page of a PageBean (project/search, label, resolution/search): its values and whether more follow. */
export interface Page<T> {
  values: T[];
  isLast: boolean;
}

function pageOf<T>(v: unknown, what: string, item: (x: unknown) => T): Page<T> {
  const o = obj(v, `the ${what} page`);
  const values = arr(o.values, `the ${what} values`).map(item);
  const startAt = typeof o.startAt === 'number' ? o.startAt : 0;
  // isLast when Jira says so; else the total (when given) or an empty page decides.
  const isLast = typeof o.isLast === 'boolean' ? o.isLast : typeof o.total === 'number' ? startAt + values.length >= o.total : values.length === 0;
  return { values, isLast };
}

export function project(v: unknown): JiraProject {
  const o = obj(v, 'a project');
  return { id: id(o.id, 'a project id'), key: str(o.key, 'a project key'), name: optStr(o.name) ?? '' };
}

export const projectPage = (v: unknown): Page<JiraProject> => pageOf(v, 'project', project);

export const labelPage = (v: unknown): Page<string> =>
  pageOf(v, 'label', (l) => {
    if (typeof l !== 'string') throw new ShapeError('a label is not a string');
    return l;
  });

export function resolution(v: unknown): JiraResolution {
  const o = obj(v, 'a resolution');
  return { id: id(o.id, 'a resolution id'), name: optStr(o.name) ?? '', description: optStr(o.description) ?? '', isDefault: o.default === true };
}

export const resolutionPage = (v: unknown): Page<JiraResolution> => pageOf(v, 'resolution', resolution);

/** GET project/{key}/statuses: IssueTypeWithStatus[]. */
export function projectStatuses(v: unknown): JiraIssueTypeStatuses[] {
  return arr(v, 'the project statuses').map((t) => {
    const o = obj(t, 'an issue type with statuses');
    return { issueTypeId: id(o.id, 'an issue type id'), issueTypeName: optStr(o.name) ?? '', statuses: arr(o.statuses, 'the statuses of an issue type').map(status) };
  });
}
