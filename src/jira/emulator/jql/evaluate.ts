// Evaluates a validated query against one issue.
//
// Jira semantics kept here:
// - NOT is pushed down to the clauses (De Morgan), the way Jira rewrites a query before searching:
//   `NOT assignee = x` is `assignee != x`, `NOT (a AND b)` is `NOT a OR NOT b`.
// - Negative operators (`!=`, `NOT IN`) never match an issue whose field is empty: Jira's documented
//   "assignee != jsmith does not return unassigned issues" (write `... OR assignee IS EMPTY` for those).
// - project, status, statusCategory and labels compare case-insensitively; accountIds exactly.
// - `key = OLD-1` also matches an issue that was moved away from OLD-1 (its previous keys).
// - A key range (`key > SEC-1`) stays inside the key's project, as in Jira; `id`/numeric values compare ids.

import type { Clause, FieldId, Operator, Terminal, Value } from './ast.js';

export interface JqlIssueView {
  id: string;
  key: string;
  previousKeys: string[];
  projectKey: string;
  projectId: string;
  labels: string[];
  statusName: string;
  statusId: string;
  statusCategoryKey: 'new' | 'indeterminate' | 'done';
  assigneeAccountId: string | null;
  created: Date;
  updated: Date;
}

export interface MatchContext {
  currentUserAccountId: string | null;
  now: Date;
}

const NEGATED: Record<Operator, Operator> = {
  '=': '!=',
  '!=': '=',
  in: 'not in',
  'not in': 'in',
  is: 'is not',
  'is not': 'is',
  '<': '>=',
  '>=': '<',
  '>': '<=',
  '<=': '>',
  '~': '!~',
  '!~': '~',
};

function splitKey(key: string): { project: string; num: number } | null {
  const m = /^(.+)-(\d+)$/.exec(key);
  return m ? { project: (m[1] ?? '').toUpperCase(), num: Number(m[2]) } : null;
}

function isEmpty(field: FieldId, issue: JqlIssueView): boolean {
  if (field === 'labels') return issue.labels.length === 0;
  if (field === 'assignee') return issue.assigneeAccountId === null;
  return false;
}

function dateOf(field: FieldId, issue: JqlIssueView): number {
  return (field === 'created' ? issue.created : issue.updated).getTime();
}

function valueTime(v: Value, ctx: MatchContext): number | null {
  if (v.kind === 'date') return v.ms;
  if (v.kind === 'period') return ctx.now.getTime() + v.ms;
  if (v.kind === 'now') return ctx.now.getTime();
  return null;
}

function equals(field: FieldId, issue: JqlIssueView, v: Value, ctx: MatchContext): boolean {
  switch (field) {
    case 'project':
      return v.kind === 'text' && (v.text.toUpperCase() === issue.projectKey.toUpperCase() || v.text === issue.projectId);
    case 'key':
      if (v.kind === 'issueId') return Number(issue.id) === v.id;
      if (v.kind === 'issueKey') {
        return [issue.key, ...issue.previousKeys].some((k) => {
          const s = splitKey(k);
          return s !== null && s.project === v.project && s.num === v.num;
        });
      }
      return false;
    case 'labels':
      return v.kind === 'text' && issue.labels.some((l) => l.toLowerCase() === v.text.toLowerCase());
    case 'status':
      return v.kind === 'text' && (v.text.toLowerCase() === issue.statusName.toLowerCase() || v.text === issue.statusId);
    case 'statusCategory':
      return v.kind === 'category' && v.key === issue.statusCategoryKey;
    case 'assignee':
      if (issue.assigneeAccountId === null) return false;
      if (v.kind === 'currentUser') return ctx.currentUserAccountId !== null && ctx.currentUserAccountId === issue.assigneeAccountId;
      return v.kind === 'text' && v.text === issue.assigneeAccountId;
    case 'created':
    case 'updated': {
      const t = valueTime(v, ctx);
      return t !== null && dateOf(field, issue) === t;
    }
  }
}

/** issue's value minus the clause value, or null when the two cannot be compared. */
function compare(field: FieldId, issue: JqlIssueView, v: Value, ctx: MatchContext): number | null {
  if (field === 'key') {
    if (v.kind === 'issueId') return Number(issue.id) - v.id;
    if (v.kind === 'issueKey') {
      const s = splitKey(issue.key);
      return s !== null && s.project === v.project ? s.num - v.num : null;
    }
    return null;
  }
  if (field === 'created' || field === 'updated') {
    const t = valueTime(v, ctx);
    return t === null ? null : dateOf(field, issue) - t;
  }
  return null;
}

function positive(t: Terminal, issue: JqlIssueView, ctx: MatchContext): boolean {
  const empty = isEmpty(t.field, issue);
  return t.values.some((v) => (v.kind === 'empty' ? empty : !empty && equals(t.field, issue, v, ctx)));
}

function evalTerminal(t: Terminal, op: Operator, issue: JqlIssueView, ctx: MatchContext): boolean {
  const empty = isEmpty(t.field, issue);
  switch (op) {
    case 'is':
      return empty;
    case 'is not':
      return !empty;
    case '=':
    case 'in':
      return positive(t, issue, ctx);
    case '!=':
    case 'not in':
      return !empty && !positive(t, issue, ctx);
    case '<':
    case '<=':
    case '>':
    case '>=': {
      if (empty) return false;
      const v = t.values[0];
      if (!v) return false;
      const d = compare(t.field, issue, v, ctx);
      if (d === null) return false;
      return op === '<' ? d < 0 : op === '<=' ? d <= 0 : op === '>' ? d > 0 : d >= 0;
    }
    case '~':
    case '!~':
      return false; // no emulated field supports text search; validation rejects it first
  }
}

export function evalClause(c: Clause, issue: JqlIssueView, ctx: MatchContext, negate = false): boolean {
  switch (c.kind) {
    case 'terminal':
      return evalTerminal(c, negate ? NEGATED[c.operator] : c.operator, issue, ctx);
    case 'not':
      return evalClause(c.clause, issue, ctx, !negate);
    case 'and':
      return negate
        ? c.clauses.some((x) => evalClause(x, issue, ctx, true))
        : c.clauses.every((x) => evalClause(x, issue, ctx, false));
    case 'or':
      return negate
        ? c.clauses.every((x) => evalClause(x, issue, ctx, true))
        : c.clauses.some((x) => evalClause(x, issue, ctx, false));
  }
}
