// The site's system fields as GET /rest/api/{2,3}/field lists them (FieldDetails: id, key, name,
// custom, orderable, navigable, searchable, clauseNames, schema), and their display names for
// `expand=names`. Names and clause names are Jira Cloud's (the OpenAPI document's example for
// GET /rest/api/3/field, Atlassian's JQL fields reference); the emulated site has no custom fields.

export interface SystemField {
  id: string;
  name: string;
  clauseNames: string[];
  orderable: boolean;
  navigable: boolean;
  searchable: boolean;
  schema?: { type: string; system: string; items?: string };
}

const f = (id: string, name: string, type: string | null, clauseNames: string[], opts: { items?: string; orderable?: boolean; navigable?: boolean; searchable?: boolean } = {}): SystemField => ({
  id,
  name,
  clauseNames,
  orderable: opts.orderable ?? true,
  navigable: opts.navigable ?? true,
  searchable: opts.searchable ?? true,
  ...(type === null ? {} : { schema: { type, system: id, ...(opts.items ? { items: opts.items } : {}) } }),
});

export const SYSTEM_FIELDS: SystemField[] = [
  f('issuekey', 'Key', null, ['id', 'issue', 'issuekey', 'key'], { orderable: false }),
  f('summary', 'Summary', 'string', ['summary']),
  f('issuetype', 'Issue Type', 'issuetype', ['issuetype', 'type']),
  f('project', 'Project', 'project', ['project'], { orderable: false }),
  f('status', 'Status', 'status', ['status'], { orderable: false }),
  f('statuscategorychangedate', 'Status Category Changed', 'datetime', ['statusCategoryChangedDate'], { orderable: false }),
  f('priority', 'Priority', 'priority', ['priority']),
  f('resolution', 'Resolution', 'resolution', ['resolution']),
  f('resolutiondate', 'Resolved', 'datetime', ['resolutiondate', 'resolved'], { orderable: false }),
  f('created', 'Created', 'datetime', ['created', 'createdDate'], { orderable: false }),
  f('updated', 'Updated', 'datetime', ['updated', 'updatedDate'], { orderable: false }),
  f('labels', 'Labels', 'array', ['labels'], { items: 'string' }),
  f('assignee', 'Assignee', 'user', ['assignee']),
  f('reporter', 'Reporter', 'user', ['reporter']),
  f('creator', 'Creator', 'user', ['creator'], { orderable: false }),
  f('description', 'Description', 'string', ['description']),
  f('environment', 'Environment', 'string', ['environment']),
  f('duedate', 'Due date', 'date', ['due', 'duedate']),
  f('components', 'Components', 'array', ['component'], { items: 'component' }),
  f('fixVersions', 'Fix versions', 'array', ['fixVersion'], { items: 'version' }),
  f('versions', 'Affects versions', 'array', ['affectedVersion'], { items: 'version' }),
  f('issuelinks', 'Linked Issues', 'array', ['issueLink'], { items: 'issuelinks' }),
  f('subtasks', 'Sub-tasks', 'array', ['subtasks'], { items: 'issuelinks', orderable: false }),
  f('lastViewed', 'Last Viewed', 'datetime', ['lastViewed'], { orderable: false }),
  f('watches', 'Watchers', 'watches', ['watchers'], { orderable: false }),
  f('comment', 'Comment', 'comments-page', ['comment'], { navigable: false }),
];

export const FIELD_NAMES: Record<string, string> = Object.fromEntries(SYSTEM_FIELDS.map((x) => [x.id, x.name]));

export function fieldJson(x: SystemField): Record<string, unknown> {
  return { id: x.id, key: x.id, name: x.name, custom: false, orderable: x.orderable, navigable: x.navigable, searchable: x.searchable, clauseNames: x.clauseNames, ...(x.schema ? { schema: x.schema } : {}) };
}
