// The JQL syntax tree. The parser builds a tree of raw clauses (field names as written); the
// validator resolves every field and value and yields the `JqlQuery` the rest of the module uses.

import type { Pos } from './errors.js';

/** Operators as Jira displays them in messages (lower case). */
export type Operator = '=' | '!=' | '<' | '>' | '<=' | '>=' | '~' | '!~' | 'in' | 'not in' | 'is' | 'is not';

export type Operand =
  | { kind: 'value'; text: string; quoted: boolean; pos: Pos }
  | { kind: 'empty'; pos: Pos }
  | { kind: 'function'; name: string; args: string[]; pos: Pos }
  | { kind: 'list'; items: Operand[]; pos: Pos };

export type ClauseOf<T> =
  | T
  | { kind: 'and'; clauses: ClauseOf<T>[] }
  | { kind: 'or'; clauses: ClauseOf<T>[] }
  | { kind: 'not'; clause: ClauseOf<T> };

export interface RawTerminal {
  kind: 'terminal';
  /** The field name as written (quotes removed). */
  field: string;
  fieldPos: Pos;
  operator: Operator;
  operand: Operand;
}

export interface RawSortKey {
  field: string;
  pos: Pos;
  direction: 'asc' | 'desc' | null;
}

export interface RawQuery {
  where: ClauseOf<RawTerminal> | null;
  orderBy: RawSortKey[] | null;
}

/** The fields this emulator can search on (Jira clause names, canonical spelling). */
export type FieldId =
  | 'project' | 'key' | 'labels' | 'status' | 'statusCategory' | 'assignee' | 'created' | 'updated'
  | 'priority' | 'issuetype' | 'resolution' | 'reporter'
  | 'summary' | 'description' | 'environment' | 'comment' | 'text';

/** Fields searched with the text operators (~, !~): `text` is the master field over all of them. */
export const TEXT_FIELDS = ['summary', 'description', 'environment', 'comment', 'text'] as const;

export type StatusCategoryKey = 'new' | 'indeterminate' | 'done' | 'undefined';

/** A resolved operand value, ready for evaluation. */
export type Value =
  | { kind: 'empty' }
  | { kind: 'text'; text: string } // project key/id, status name/id, label, accountId (compared per field)
  | { kind: 'category'; key: StatusCategoryKey }
  | { kind: 'issueKey'; key: string; project: string; num: number }
  | { kind: 'issueId'; id: number }
  | { kind: 'date'; ms: number } // an absolute date/time (UTC)
  | { kind: 'period'; ms: number } // a relative date: now + ms (negative for the past)
  | { kind: 'now' }
  | { kind: 'dayBoundary'; end: boolean; incrementMs: number } // startOfDay(inc) / endOfDay(inc), in UTC
  | { kind: 'unresolved' } // resolution = Unresolved (the same as EMPTY)
  | { kind: 'currentUser' };

export interface Terminal {
  kind: 'terminal';
  field: FieldId;
  /** The field name as written, for messages and `clauseValues`. */
  fieldName: string;
  operator: Operator;
  operand: Operand;
  values: Value[];
}

export type Clause = ClauseOf<Terminal>;

export interface SortKey {
  field: FieldId;
  fieldName: string;
  direction: 'asc' | 'desc';
}

export interface JqlQuery {
  /** The query text as given. */
  text: string;
  where: Clause | null;
  /** null when the query has no ORDER BY. */
  orderBy: SortKey[] | null;
}
