// Jira Cloud's JSON shapes for the emulated entities, in the v3 (ADF) and v2 (wiki markup)
// representations, plus the webhook flavour (v2, no email addresses, issue.self without /issue/).
import { adfToHtml } from './adf-html.js';
import { adfToWiki, type AdfDoc } from './adf-wiki.js';
import { FIELD_NAMES } from './fields.js';
import type { Comment, Issue, IssueType, Priority, Project, Resolution, Status, User, WorkflowTransition } from './state/model.js';
import type { SiteStore } from './state/store.js';
import { jiraTime } from './time.js';

export interface RenderContext {
  base: string;
  store: SiteStore;
  /** the user the answer is for; null in webhooks */
  viewer: User | null;
  version: 2 | 3;
}

const api = (r: RenderContext): string => `${r.base}/rest/api/${r.version}`;

export function avatarUrls(base: string, kind: 'user' | 'project', id: string): Record<string, string> {
  const u = kind === 'user'
    ? `${base}/secure/useravatar?ownerId=${encodeURIComponent(id)}&size=`
    : `${base}/rest/api/3/universal_avatar/view/type/project/avatar/${id}?size=`;
  return { '48x48': `${u}48`, '24x24': `${u}24`, '16x16': `${u}16`, '32x32': `${u}32` };
}

/** A user as Jira Cloud shows it: the email only when the user lets others see it (or it is oneself). */
export function userJson(r: RenderContext, u: User, opts: { full?: boolean } = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {
    self: `${api(r)}/user?accountId=${encodeURIComponent(u.accountId)}`,
    accountId: u.accountId,
    accountType: u.accountType,
  };
  if (r.viewer !== null && (u.emailVisible || r.viewer.accountId === u.accountId)) out.emailAddress = u.email;
  out.avatarUrls = avatarUrls(r.base, 'user', u.accountId);
  out.displayName = u.displayName;
  out.active = u.active;
  out.timeZone = u.timeZone;
  if (opts.full) {
    out.locale = 'en_US';
    out.groups = { size: 1, items: [] };
    out.applicationRoles = { size: 1, items: [] };
    out.expand = 'groups,applicationRoles';
  }
  return out;
}

export function userRef(r: RenderContext, accountId: string | null): Record<string, unknown> | null {
  if (accountId === null) return null;
  const u = r.store.users.get(accountId);
  return u ? userJson(r, u) : null;
}

export function statusCategoryJson(r: RenderContext, s: Status): Record<string, unknown> {
  const c = s.category;
  return { self: `${api(r)}/statuscategory/${c.id}`, id: c.id, key: c.key, colorName: c.colorName, name: c.name };
}

export function statusJson(r: RenderContext, s: Status): Record<string, unknown> {
  return {
    self: `${api(r)}/status/${s.id}`,
    description: s.description,
    iconUrl: `${r.base}/images/icons/statuses/generic.png`,
    name: s.name,
    id: s.id,
    statusCategory: statusCategoryJson(r, s),
  };
}

export function issueTypeJson(r: RenderContext, t: IssueType): Record<string, unknown> {
  return {
    self: `${api(r)}/issuetype/${t.id}`,
    id: t.id,
    description: t.description,
    iconUrl: `${r.base}/rest/api/2/universal_avatar/view/type/issuetype/avatar/${t.avatarId}?size=medium`,
    name: t.name,
    subtask: false,
    avatarId: t.avatarId,
    hierarchyLevel: 0,
  };
}

export function priorityJson(r: RenderContext, p: Priority, full = false): Record<string, unknown> {
  const out: Record<string, unknown> = {
    self: `${api(r)}/priority/${p.id}`,
    iconUrl: `${r.base}/images/icons/priorities/${p.name.toLowerCase()}.svg`,
    name: p.name,
    id: p.id,
  };
  if (full) {
    out.statusColor = p.statusColor;
    out.description = p.description;
    out.isDefault = p.isDefault;
  }
  return out;
}

export function resolutionJson(r: RenderContext, res: Resolution): Record<string, unknown> {
  return { self: `${api(r)}/resolution/${res.id}`, id: res.id, description: res.description, name: res.name };
}

export function projectRef(r: RenderContext, p: Project): Record<string, unknown> {
  return {
    self: `${api(r)}/project/${p.id}`,
    id: p.id,
    key: p.key,
    name: p.name,
    projectTypeKey: 'software',
    simplified: false,
    avatarUrls: avatarUrls(r.base, 'project', p.id),
  };
}

export function projectJson(r: RenderContext, p: Project): Record<string, unknown> {
  return {
    expand: 'description,lead,issueTypes,url,projectKeys,permissions,insight',
    self: `${api(r)}/project/${p.id}`,
    id: p.id,
    key: p.key,
    description: p.description,
    lead: userRef(r, p.leadAccountId),
    components: [],
    issueTypes: p.issueTypeIds.map((id) => issueTypeJson(r, r.store.issueTypes.get(id) as IssueType)),
    assigneeType: p.assigneeType,
    versions: [],
    name: p.name,
    roles: {},
    avatarUrls: avatarUrls(r.base, 'project', p.id),
    projectTypeKey: 'software',
    simplified: false,
    style: 'classic',
    isPrivate: false,
    properties: {},
  };
}

/** Rich-text value in the representation's format: ADF for v3, wiki markup for v2. */
export function richText(r: RenderContext, doc: AdfDoc | null): unknown {
  return r.version === 3 ? doc : adfToWiki(doc);
}

export function commentJson(r: RenderContext, issue: Issue, c: Comment, opts: { renderedBody?: boolean; properties?: boolean } = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {
    self: `${api(r)}/issue/${issue.id}/comment/${c.id}`,
    id: c.id,
    author: userRef(r, c.authorId),
    body: richText(r, c.body),
    ...(opts.renderedBody ? { renderedBody: adfToHtml(c.body) } : {}),
    updateAuthor: userRef(r, c.updateAuthorId),
    created: jiraTime(c.created),
    updated: jiraTime(c.updated),
    jsdPublic: true,
  };
  if (c.visibility) out.visibility = c.visibility;
  if (opts.properties) out.properties = [...c.properties].map(([key, value]) => ({ key, value }));
  return out;
}

export function transitionJson(r: RenderContext, t: WorkflowTransition, withFields: boolean): Record<string, unknown> {
  const to = r.store.statuses.get(t.toStatusId) as Status;
  const out: Record<string, unknown> = {
    id: t.id,
    name: t.name,
    to: statusJson(r, to),
    hasScreen: t.screen.length > 0,
    isGlobal: t.fromStatusIds === null,
    isInitial: false,
    isAvailable: true,
    isConditional: false,
    isLooped: false,
  };
  if (withFields) {
    const fields: Record<string, unknown> = {};
    for (const f of t.screen) {
      fields[f.fieldId] = {
        required: f.required,
        schema: { type: 'resolution', system: 'resolution' },
        name: f.name,
        key: f.fieldId,
        operations: ['set'],
        allowedValues: [...r.store.resolutions.values()].map((res) => resolutionJson(r, res)),
      };
    }
    out.fields = fields;
  }
  return out;
}

export const ALL_FIELD_IDS = [
  'statuscategorychangedate', 'issuetype', 'project', 'resolution', 'resolutiondate', 'created', 'updated', 'priority',
  'labels', 'assignee', 'reporter', 'creator', 'status', 'summary', 'description', 'environment', 'duedate',
  'components', 'fixVersions', 'versions', 'issuelinks', 'subtasks', 'lastViewed', 'watches', 'comment',
] as const;

/** All fields of an issue in the given representation. `only` restricts to a set of field ids. */
export function issueFields(r: RenderContext, issue: Issue, only: Set<string> | null): Record<string, unknown> {
  const project = r.store.projectOf(issue);
  const want = (f: string): boolean => only === null || only.has(f);
  const f: Record<string, unknown> = {};
  if (want('statuscategorychangedate')) f.statuscategorychangedate = jiraTime(issue.statusCategoryChangeDate);
  if (want('issuetype')) f.issuetype = issueTypeJson(r, r.store.issueTypes.get(issue.issueTypeId) as IssueType);
  if (want('project')) f.project = projectRef(r, project);
  if (want('resolution')) f.resolution = issue.resolutionId ? resolutionJson(r, r.store.resolutions.get(issue.resolutionId) as Resolution) : null;
  if (want('resolutiondate')) f.resolutiondate = issue.resolutionDate ? jiraTime(issue.resolutionDate) : null;
  if (want('created')) f.created = jiraTime(issue.created);
  if (want('updated')) f.updated = jiraTime(issue.updated);
  if (want('priority')) f.priority = issue.priorityId ? priorityJson(r, r.store.priorities.get(issue.priorityId) as Priority) : null;
  if (want('labels')) f.labels = issue.labels.slice();
  if (want('assignee')) f.assignee = userRef(r, issue.assigneeId);
  if (want('reporter')) f.reporter = userRef(r, issue.reporterId);
  if (want('creator')) f.creator = userRef(r, issue.creatorId);
  if (want('status')) f.status = statusJson(r, r.store.statusOf(issue));
  if (want('summary')) f.summary = issue.summary;
  if (want('description')) f.description = richText(r, issue.description);
  if (want('environment')) f.environment = richText(r, issue.environment);
  if (want('duedate')) f.duedate = null;
  if (want('components')) f.components = [];
  if (want('fixVersions')) f.fixVersions = [];
  if (want('versions')) f.versions = [];
  if (want('issuelinks')) f.issuelinks = [];
  if (want('subtasks')) f.subtasks = [];
  if (want('lastViewed')) f.lastViewed = null;
  if (want('watches')) f.watches = { self: `${api(r)}/issue/${issue.key}/watchers`, watchCount: 0, isWatching: false };
  if (want('comment')) {
    f.comment = {
      comments: issue.comments.map((c) => commentJson(r, issue, c)),
      self: `${api(r)}/issue/${issue.id}/comment`,
      maxResults: issue.comments.length,
      total: issue.comments.length,
      startAt: 0,
    };
  }
  return f;
}

/** Parses Jira's `fields` parameter (`*all`, `*navigable`, `summary,status`, `-comment`) into a set or null (= all). */
export function selectFields(param: string | string[] | null | undefined, dflt: '*all' | 'none'): Set<string> | null {
  const parts = (Array.isArray(param) ? param : param === null || param === undefined ? [] : param.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  if (parts.length === 0) return dflt === '*all' ? null : new Set();
  let set = new Set<string>();
  let all = false;
  for (const p of parts) {
    if (p === '*all') all = true;
    else if (p === '*navigable') {
      for (const f of ALL_FIELD_IDS) if (f !== 'comment') set.add(f);
    } else if (!p.startsWith('-')) set.add(p);
  }
  if (all) set = new Set(ALL_FIELD_IDS);
  for (const p of parts) if (p.startsWith('-')) set.delete(p.slice(1));
  return set;
}

export function historyJson(r: RenderContext, h: Issue['changelog'][number]): Record<string, unknown> {
  return changelogJsonOf(r, [h])[0] as Record<string, unknown>;
}

export function changelogJson(r: RenderContext, issue: Issue): Record<string, unknown> {
  return { startAt: 0, maxResults: issue.changelog.length, total: issue.changelog.length, histories: changelogJsonOf(r, issue.changelog) };
}

function changelogJsonOf(r: RenderContext, histories: Issue['changelog']): Record<string, unknown>[] {
  return histories.map((h) => ({
      id: h.id,
      author: userRef(r, h.authorId),
      created: jiraTime(h.created),
      // Jira sends from/fromString/to/toString explicitly, null for an empty side (the OpenAPI
      // document's own changelog examples: "from":null,"fromString":"",...); fieldId when known.
      // The webhook-only tmp*AccountId keys are left out (ChangeDetails schema).
      items: h.items.map((i) => {
        const fieldId = typeof i.fieldId === 'string' ? { fieldId: i.fieldId } : {};
        return { field: i.field, fieldtype: i.fieldtype, ...fieldId, from: i.from, fromString: i.fromString, to: i.to, toString: i.toString };
      }),
    }));
}

export function issueJson(
  r: RenderContext,
  issue: Issue,
  opts: { fields: Set<string> | null; expand?: Set<string>; properties?: string[]; noNames?: boolean },
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations,customfield_10010.requestTypePractice',
    id: issue.id,
    self: `${api(r)}/issue/${issue.id}`,
    key: issue.key,
  };
  if (opts.fields === null || opts.fields.size > 0) out.fields = issueFields(r, issue, opts.fields);
  if (opts.properties && opts.properties.length > 0) {
    const props: Record<string, unknown> = {};
    const keys = opts.properties.includes('*all') ? [...issue.properties.keys()] : opts.properties;
    for (const k of keys) if (issue.properties.has(k)) props[k] = issue.properties.get(k);
    out.properties = props;
  }
  if (opts.expand?.has('changelog')) out.changelog = changelogJson(r, issue);
  if (opts.expand?.has('renderedFields')) {
    // rendered from the stored document (HTML); the comment list with each body rendered
    out.renderedFields = {
      summary: issue.summary,
      description: adfToHtml(issue.description),
      environment: adfToHtml(issue.environment),
      comment: {
        comments: issue.comments.map((c) => ({ ...commentJson(r, issue, c), body: adfToHtml(c.body) })),
        maxResults: issue.comments.length,
        total: issue.comments.length,
        startAt: 0,
      },
    };
  }
  if (opts.expand?.has('names') && !opts.noNames) out.names = namesOf(opts.fields);
  return out;
}

/** Display names of the fields an answer carries (`expand=names`): every field when `fields` is null. */
export function namesOf(fields: Set<string> | null): Record<string, string> {
  const ids = fields === null ? [...ALL_FIELD_IDS] : ALL_FIELD_IDS.filter((f) => fields.has(f));
  return Object.fromEntries(ids.map((f) => [f, FIELD_NAMES[f] ?? f]));
}
