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
// - priority, issuetype, resolution compare by name (any case) or id; priority and resolution are
//   ordered by the site's sequence (MatchContext.rank): `priority > Medium` = more important.
// - Text search (~): every word of the query must occur in the field (case-insensitive; `word*` is a
//   prefix, `?` one character; a quoted phrase `"\"disk full\""` must occur as is). Jira also
//   matches stems ("win" finds "wins"); the emulator does not (documented in docs/emulator.md).

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
  priorityId: string | null;
  priorityName: string | null;
  /** the priority's position in the site's order (0 = Highest), for ORDER BY priority */
  priorityRank: number | null;
  issueTypeId: string;
  issueTypeName: string;
  resolutionId: string | null;
  resolutionName: string | null;
  reporterAccountId: string | null;
  summary: string;
  /** plain text of the description, environment and comments (for ~) */
  descriptionText: string;
  environmentText: string;
  commentText: string;
}

export interface MatchContext {
  currentUserAccountId: string | null;
  now: Date;
  /**
   * Position of a priority or resolution (by name or id) in the site's order, 0 = first (Highest,
   * or the first resolution); null when unknown. Needed for <, <=, >, >= on those fields.
   */
  rank?: (field: 'priority' | 'resolution', nameOrId: string) => number | null;
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
  switch (field) {
    case 'labels':
      return issue.labels.length === 0;
    case 'assignee':
      return issue.assigneeAccountId === null;
    case 'reporter':
      return issue.reporterAccountId === null;
    case 'priority':
      return issue.priorityId === null;
    case 'resolution':
      return issue.resolutionId === null;
    case 'description':
      return issue.descriptionText === '';
    case 'environment':
      return issue.environmentText === '';
    default:
      return false;
  }
}

function textOf(field: FieldId, issue: JqlIssueView): string {
  switch (field) {
    case 'summary':
      return issue.summary;
    case 'description':
      return issue.descriptionText;
    case 'environment':
      return issue.environmentText;
    case 'comment':
      return issue.commentText;
    default:
      return [issue.summary, issue.descriptionText, issue.environmentText, issue.commentText].join('\n');
  }
}

const words = (s: string): string[] => s.toLowerCase().split(/[^\p{L}\p{N}*?]+/u).filter(Boolean);

function wordMatches(pattern: string, word: string): boolean {
  if (!/[*?]/.test(pattern)) return pattern === word;
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'u');
  return re.test(word);
}

/** Jira's CONTAINS: all words of the query occur (any order); an inner quoted phrase occurs as is. */
export function textContains(haystack: string, query: string): boolean {
  const hayWords = words(haystack.replace(/[*?]/g, ' '));
  const phrases = [...query.matchAll(/"([^"]*)"/g)].map((m) => words(m[1] ?? ''));
  const loose = words(query.replace(/"[^"]*"/g, ' '));
  if (phrases.length === 0 && loose.length === 0) return false;
  for (const w of loose) if (!hayWords.some((h) => wordMatches(w, h))) return false;
  for (const ph of phrases) {
    if (ph.length === 0) continue;
    const found = hayWords.some((_, i) => ph.every((w, k) => hayWords[i + k] !== undefined && wordMatches(w, hayWords[i + k] as string)));
    if (!found) return false;
  }
  return true;
}

function sameRef(v: Value, id: string | null, name: string | null): boolean {
  return v.kind === 'text' && id !== null && (v.text === id || v.text.toLowerCase() === (name ?? '').toLowerCase());
}

function dateOf(field: FieldId, issue: JqlIssueView): number {
  return (field === 'created' ? issue.created : issue.updated).getTime();
}

const DAY = 86_400_000;

function valueTime(v: Value, ctx: MatchContext): number | null {
  if (v.kind === 'date') return v.ms;
  if (v.kind === 'period') return ctx.now.getTime() + v.ms;
  if (v.kind === 'now') return ctx.now.getTime();
  if (v.kind === 'dayBoundary') {
    // the users' time zone is UTC: the day starts at 00:00:00.000 UTC, ends at 23:59:59.999
    const start = Math.floor(ctx.now.getTime() / DAY) * DAY;
    return (v.end ? start + DAY - 1 : start) + v.incrementMs;
  }
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
    case 'priority':
      return sameRef(v, issue.priorityId, issue.priorityName);
    case 'issuetype':
      return sameRef(v, issue.issueTypeId, issue.issueTypeName);
    case 'resolution':
      return v.kind === 'unresolved' ? issue.resolutionId === null : sameRef(v, issue.resolutionId, issue.resolutionName);
    case 'reporter':
      if (issue.reporterAccountId === null) return false;
      if (v.kind === 'currentUser') return ctx.currentUserAccountId !== null && ctx.currentUserAccountId === issue.reporterAccountId;
      return v.kind === 'text' && v.text === issue.reporterAccountId;
    case 'summary':
    case 'description':
    case 'environment':
    case 'comment':
    case 'text':
      return v.kind === 'text' && textContains(textOf(field, issue), v.text);
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
  if ((field === 'priority' || field === 'resolution') && v.kind === 'text' && ctx.rank) {
    const own = field === 'priority' ? issue.priorityId : issue.resolutionId;
    if (own === null) return null;
    const a = ctx.rank(field, own);
    const b = ctx.rank(field, v.text);
    // a lower position is "greater" (Highest > High): compare the other way round
    return a === null || b === null ? null : b - a;
  }
  return null;
}

function positive(t: Terminal, issue: JqlIssueView, ctx: MatchContext): boolean {
  const empty = isEmpty(t.field, issue);
  return t.values.some((v) => (v.kind === 'empty' || v.kind === 'unresolved' ? empty : !empty && equals(t.field, issue, v, ctx)));
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
      // resolution != Unresolved / NOT IN (Unresolved): resolved issues (the empty value is a value here)
      if (t.values.some((v) => v.kind === 'unresolved')) return !positive(t, issue, ctx);
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
      return positive(t, issue, ctx);
    case '!~':
      return !empty && !positive(t, issue, ctx);
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
