// ORDER BY. Each key compares as Jira sorts that field; ties fall to the next key, and a final
// `id DESC` tie-break makes every order total, so pages cut by nextPageToken never overlap.
//
// Without ORDER BY: Jira's API documents no order for /rest/api/3/search/jql. Jira Cloud's issue
// search shows an unsorted query as `ORDER BY created DESC` (newest first), and that is what a client
// paging through recent issues sees, so the emulator uses created DESC (then id DESC).
//
// Field orders (approximations are marked):
// - key: project key, then the issue number as a number (SEC-2 before SEC-10); `id`: the numeric id.
// - project: Jira sorts by project name; the view has no name, so by project key (approximation).
// - status: Jira sorts by the status's position in the admin status list; the emulator uses the
//   numeric status id, its creation order (approximation).
// - statusCategory: To Do, In Progress, Done.
// - assignee: Jira sorts by display name; the view has the accountId only (approximation).
// - labels: the issue's labels, lower-cased and sorted, joined.
// - priority: by the site's priority order, Highest the greatest (default DESC: Highest first).
// - issuetype, resolution: by name; reporter: by accountId (approximation, as assignee); summary
//   and the other text fields: by text, case-insensitive.
// - Empty values (unassigned, no labels) sort after all values in ASC and before them in DESC.

import type { JqlQuery, SortKey } from './ast.js';
import type { JqlIssueView } from './evaluate.js';

const CATEGORY_RANK = { new: 0, indeterminate: 1, done: 2 } as const;

type SortValue = string | number | null;

function keyParts(key: string): [string, number] {
  const m = /^(.+)-(\d+)$/.exec(key);
  return m ? [(m[1] ?? '').toUpperCase(), Number(m[2])] : [key.toUpperCase(), 0];
}

function cmp(a: SortValue, b: SortValue): number {
  if (a === b) return 0;
  if (a === null) return 1; // empty after values (ASC)
  if (b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : 1;
}

function compareBy(k: SortKey, a: JqlIssueView, b: JqlIssueView): number {
  switch (k.field) {
    case 'key': {
      if (k.fieldName.toLowerCase() === 'id') return Number(a.id) - Number(b.id);
      const [pa, na] = keyParts(a.key);
      const [pb, nb] = keyParts(b.key);
      return cmp(pa, pb) || na - nb;
    }
    case 'project':
      return cmp(a.projectKey.toUpperCase(), b.projectKey.toUpperCase());
    case 'status':
      return cmp(Number(a.statusId), Number(b.statusId)) || cmp(a.statusName.toLowerCase(), b.statusName.toLowerCase());
    case 'statusCategory':
      return CATEGORY_RANK[a.statusCategoryKey] - CATEGORY_RANK[b.statusCategoryKey];
    case 'assignee':
      return cmp(a.assigneeAccountId, b.assigneeAccountId);
    case 'labels': {
      const la = a.labels.length ? a.labels.map((l) => l.toLowerCase()).sort().join(' ') : null;
      const lb = b.labels.length ? b.labels.map((l) => l.toLowerCase()).sort().join(' ') : null;
      return cmp(la, lb);
    }
    case 'created':
      return a.created.getTime() - b.created.getTime();
    case 'updated':
      return a.updated.getTime() - b.updated.getTime();
    case 'priority':
      // rank 0 = Highest: a smaller rank is a greater priority
      return cmp(a.priorityRank === null ? null : -a.priorityRank, b.priorityRank === null ? null : -b.priorityRank);
    case 'issuetype':
      return cmp(a.issueTypeName.toLowerCase(), b.issueTypeName.toLowerCase());
    case 'resolution':
      return cmp(a.resolutionName?.toLowerCase() ?? null, b.resolutionName?.toLowerCase() ?? null);
    case 'reporter':
      return cmp(a.reporterAccountId, b.reporterAccountId);
    case 'summary':
      return cmp(a.summary.toLowerCase(), b.summary.toLowerCase());
    case 'description':
    case 'environment':
    case 'comment':
    case 'text':
      return 0;
  }
}

const DEFAULT_ORDER: SortKey[] = [{ field: 'created', fieldName: 'created', direction: 'desc' }];
const TIE_BREAK: SortKey = { field: 'key', fieldName: 'id', direction: 'desc' };

export function orderIssues(q: JqlQuery, issues: JqlIssueView[]): JqlIssueView[] {
  const keys = [...(q.orderBy ?? DEFAULT_ORDER), TIE_BREAK];
  return [...issues].sort((a, b) => {
    for (const k of keys) {
      const d = compareBy(k, a, b);
      if (d !== 0) return k.direction === 'desc' ? -d : d;
    }
    return 0;
  });
}
