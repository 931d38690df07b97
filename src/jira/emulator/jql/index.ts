// JQL for the Jira Cloud emulator: parse (lexer.ts, parser.ts), validate (validate.ts),
// evaluate (evaluate.ts), sort (order.ts). Imports nothing outside this directory.

import type { Clause, JqlQuery } from './ast.js';
import { JqlError } from './errors.js';
import { evalClause, type JqlIssueView, type MatchContext } from './evaluate.js';
import { orderIssues } from './order.js';
import { parseSyntax } from './parser.js';
import { validateQuery } from './validate.js';

export type { JqlQuery } from './ast.js';
export type { JqlIssueView, MatchContext } from './evaluate.js';
export { JqlError, orderIssues };

/**
 * Parses and validates JQL. Throws JqlError carrying Jira's errorMessages text on bad syntax,
 * an unknown field, an operator the field does not support, or a malformed value (dates, keys,
 * status categories). Values that need the site's data are checked by the server (clauseValues).
 */
export function parseJql(jql: string): JqlQuery {
  return validateQuery(jql, parseSyntax(jql));
}

/**
 * Every clause's field (canonical: project, key, labels, status, statusCategory, assignee, created,
 * updated), the field as written (for Jira's messages: "The value 'NOPE' does not exist for the field
 * 'project'."), and its literal values (EMPTY and functions left out), in query order.
 */
export function clauseValues(q: JqlQuery): { field: string; fieldName: string; values: string[] }[] {
  const out: { field: string; fieldName: string; values: string[] }[] = [];
  const walk = (c: Clause): void => {
    if (c.kind === 'terminal') {
      const values: string[] = [];
      const collect = (o: typeof c.operand): void => {
        if (o.kind === 'value') values.push(o.text);
        else if (o.kind === 'list') o.items.forEach(collect);
      };
      collect(c.operand);
      out.push({ field: c.field, fieldName: c.fieldName, values });
    } else if (c.kind === 'not') {
      walk(c.clause);
    } else {
      c.clauses.forEach(walk);
    }
  };
  if (q.where) walk(q.where);
  return out;
}

export function matchesJql(q: JqlQuery, issue: JqlIssueView, ctx: MatchContext): boolean {
  return q.where === null || evalClause(q.where, issue, ctx);
}

/**
 * True when the query has no search restriction (empty, or ORDER BY only): the /search/jql endpoint
 * answers those 400 "Unbounded JQL queries are not allowed here. Please add a search restriction to
 * your query." (the Cloud v3 spec: "Example of an unbounded query: `order by key desc`").
 */
export function isUnbounded(q: JqlQuery): boolean {
  return q.where === null;
}
