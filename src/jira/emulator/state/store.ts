// In-memory state of one emulated Jira Cloud site, with O(1) lookups by id, key (old keys too),
// token and account id. Mutations go through the routes, which call touch() to index the issue for
// search (with the configured search lag) and emit events for webhooks.
import type { AdfDoc, AdfNode } from '../adf-wiki.js';
import type { JqlIssueView } from '../jql/index.js';
import {
  SEED_LABELS, seedIssueTypes, seedPriorities, seedProjects, seedResolutions, seedStatuses, seedUsers,
} from '../seed.js';
import type {
  ChangeItem, ChangelogEntry, Comment, Issue, IssueType, Priority, Project, Resolution, Status, User, WebhookRegistration,
} from './model.js';

/** The words of a rich-text value for JQL text search: text nodes, blocks separated by a space. */
function searchText(doc: AdfDoc | null): string {
  if (doc === null) return '';
  const parts: string[] = [];
  const walk = (n: AdfNode): void => {
    if (typeof n.text === 'string') parts.push(n.text);
    else parts.push(' ');
    for (const c of n.content ?? []) walk(c);
  };
  for (const n of doc.content) walk(n);
  return parts.join('').replace(/\s+/g, ' ').trim();
}

export type SiteEvent =
  | { kind: 'issue_created'; issue: Issue; actor: User; changelog: ChangelogEntry }
  | { kind: 'issue_updated'; issue: Issue; actor: User; eventTypeName: string; changelog: ChangelogEntry | null; comment?: Comment }
  | { kind: 'issue_deleted'; issue: Issue; actor: User }
  | { kind: 'comment_created' | 'comment_updated' | 'comment_deleted'; issue: Issue; actor: User; comment: Comment; flow?: 'Primary' | 'Secondary' };

export class SiteStore {
  users = new Map<string, User>();
  usersByCredential = new Map<string, User>();
  statuses = new Map<string, Status>();
  issueTypes = new Map<string, IssueType>();
  priorities = new Map<string, Priority>();
  resolutions = new Map<string, Resolution>();
  projects = new Map<string, Project>();
  projectsByKey = new Map<string, Project>();
  issues = new Map<string, Issue>();
  issueIdByKey = new Map<string, string>();
  knownLabels = new Set<string>();
  webhooks = new Map<number, WebhookRegistration>();
  nextIssueId = 10000;
  nextCommentId = 10000;
  nextChangelogId = 10000;
  nextWebhookId = 1;
  nextTaskId = 10000;
  bulkTasks = new Map<string, { taskId: string; submittedBy: string; created: Date; issueIds: number[] }>();
  listeners: ((e: SiteEvent) => void)[] = [];
  /** search lag in ms: an issue written at t is invisible to searches computed before t + lag */
  searchLagMs = 0;

  constructor() {
    this.reset();
  }

  reset(): void {
    this.users.clear();
    this.usersByCredential.clear();
    for (const u of seedUsers()) this.addUser(u);
    this.statuses = new Map(seedStatuses().map((s) => [s.id, s]));
    this.issueTypes = new Map(seedIssueTypes().map((t) => [t.id, t]));
    this.priorities = new Map(seedPriorities().map((p) => [p.id, p]));
    this.resolutions = new Map(seedResolutions().map((r) => [r.id, r]));
    this.projects.clear();
    this.projectsByKey.clear();
    for (const p of seedProjects()) {
      this.projects.set(p.id, p);
      this.projectsByKey.set(p.key, p);
    }
    this.issues.clear();
    this.issueIdByKey.clear();
    this.knownLabels = new Set(SEED_LABELS);
    this.webhooks.clear();
    this.bulkTasks.clear();
    this.nextIssueId = 10000;
    this.nextCommentId = 10000;
    this.nextChangelogId = 10000;
    this.nextWebhookId = 1;
    this.nextTaskId = 10000;
  }

  addUser(u: User): void {
    this.users.set(u.accountId, u);
    this.usersByCredential.set(`${u.email}:${u.apiToken}`, u);
  }

  emit(e: SiteEvent): void {
    for (const l of this.listeners) l(e);
  }

  projectByIdOrKey(idOrKey: string): Project | undefined {
    return this.projects.get(idOrKey) ?? this.projectsByKey.get(idOrKey.toUpperCase());
  }

  issueByIdOrKey(idOrKey: string): Issue | undefined {
    if (/^\d+$/.test(idOrKey)) return this.issues.get(idOrKey);
    const id = this.issueIdByKey.get(idOrKey.toUpperCase());
    return id === undefined ? undefined : this.issues.get(id);
  }

  projectOf(issue: Issue): Project {
    return this.projects.get(issue.projectId) as Project;
  }

  statusOf(issue: Issue): Status {
    return this.statuses.get(issue.statusId) as Status;
  }

  newChangelog(actor: User, items: ChangeItem[], at: Date): ChangelogEntry {
    return { id: String(this.nextChangelogId++), authorId: actor.accountId, created: at, items };
  }

  /** The view JQL evaluates, built from the issue as it is now. */
  jqlView(issue: Issue): JqlIssueView {
    const project = this.projectOf(issue);
    const status = this.statusOf(issue);
    return {
      id: issue.id,
      key: issue.key,
      previousKeys: issue.previousKeys.slice(),
      projectKey: project.key,
      projectId: project.id,
      labels: issue.labels.slice(),
      statusName: status.name,
      statusId: status.id,
      statusCategoryKey: status.category.key,
      assigneeAccountId: issue.assigneeId,
      created: issue.created,
      updated: issue.updated,
      priorityId: issue.priorityId,
      priorityName: issue.priorityId === null ? null : (this.priorities.get(issue.priorityId)?.name ?? null),
      priorityRank: issue.priorityId === null ? null : this.rank('priority', issue.priorityId),
      issueTypeId: issue.issueTypeId,
      issueTypeName: this.issueTypes.get(issue.issueTypeId)?.name ?? '',
      resolutionId: issue.resolutionId,
      resolutionName: issue.resolutionId === null ? null : (this.resolutions.get(issue.resolutionId)?.name ?? null),
      reporterAccountId: issue.reporterId,
      summary: issue.summary,
      descriptionText: searchText(issue.description),
      environmentText: searchText(issue.environment),
      commentText: issue.comments.map((c) => searchText(c.body)).join('\n'),
    };
  }

  /** Position of a priority or resolution (id or name, any case) in the site's order; null if unknown. */
  rank(field: 'priority' | 'resolution', nameOrId: string): number | null {
    const list = [...(field === 'priority' ? this.priorities : this.resolutions).values()];
    const i = list.findIndex((x) => x.id === nameOrId || x.name.toLowerCase() === nameOrId.toLowerCase());
    return i === -1 ? null : i;
  }

  /** Records a write for search: the new state becomes searchable at now + searchLag. */
  indexIssue(issue: Issue, nowMs: number): void {
    issue.index.push({ visibleFrom: nowMs + this.searchLagMs, view: this.jqlView(issue) });
    // drop snapshots hidden behind a newer visible one
    while (issue.index.length > 1 && (issue.index[1] as { visibleFrom: number }).visibleFrom <= nowMs) issue.index.shift();
  }

  /** The snapshot search sees at time nowMs, or null when the issue is not yet searchable. */
  searchView(issue: Issue, nowMs: number): JqlIssueView | null {
    let found: JqlIssueView | null = null;
    let at = -Infinity;
    for (const s of issue.index) {
      if (s.visibleFrom <= nowMs && s.visibleFrom >= at) {
        found = s.view;
        at = s.visibleFrom;
      }
    }
    return found;
  }

  allLabels(): string[] {
    const set = new Set(this.knownLabels);
    for (const i of this.issues.values()) for (const l of i.labels) set.add(l);
    return [...set].sort();
  }
}
