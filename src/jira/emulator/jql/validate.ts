// Semantic validation: resolves field names, checks each operator against its field and operand,
// and turns operand text into typed values. Texts are Jira's (DefaultOperatorUsageValidator and
// SupportedOperatorsValidator tests, the Cloud v3 OpenAPI `jql/parse` example, Atlassian's
// TestJqlParsing/relative-date functional tests). Checks that need the site's data (does project
// NOPE exist? does issue SEC-99 exist?) are left to the server via `clauseValues`.

import type {
  ClauseOf,
  FieldId,
  JqlQuery,
  Operand,
  Operator,
  RawQuery,
  RawTerminal,
  SortKey,
  StatusCategoryKey,
  Terminal,
  Value,
} from './ast.js';
import { JqlError } from './errors.js';

const FIELD_NAMES: Record<string, FieldId> = {
  project: 'project',
  key: 'key',
  issuekey: 'key',
  issue: 'key',
  id: 'key',
  labels: 'labels',
  status: 'status',
  statuscategory: 'statusCategory',
  assignee: 'assignee',
  created: 'created',
  createddate: 'created',
  updated: 'updated',
  updateddate: 'updated',
};

const EQUALITY: Operator[] = ['=', '!=', 'in', 'not in', 'is', 'is not'];
const RELATIONAL: Operator[] = ['<', '>', '<=', '>='];

const SUPPORTED: Record<FieldId, Operator[]> = {
  project: EQUALITY,
  key: ['=', '!=', 'in', 'not in', ...RELATIONAL],
  labels: EQUALITY,
  status: EQUALITY,
  statusCategory: EQUALITY,
  assignee: EQUALITY,
  created: [...EQUALITY, ...RELATIONAL],
  updated: [...EQUALITY, ...RELATIONAL],
};

/** Fields with an empty state; the others answer "does not support searching for EMPTY values". */
const EMPTY_SUPPORTED = new Set<FieldId>(['labels', 'assignee', 'created', 'updated']);

/** Jira's default sort direction per field: dates newest first, everything else ascending. */
const DEFAULT_DIRECTION: Record<FieldId, 'asc' | 'desc'> = {
  project: 'asc',
  key: 'asc',
  labels: 'asc',
  status: 'asc',
  statusCategory: 'asc',
  assignee: 'asc',
  created: 'desc',
  updated: 'desc',
};

const STATUS_CATEGORIES: Record<string, StatusCategoryKey> = {
  'no category': 'undefined',
  undefined: 'undefined',
  '1': 'undefined',
  'to do': 'new',
  new: 'new',
  '2': 'new',
  'in progress': 'indeterminate',
  indeterminate: 'indeterminate',
  '4': 'indeterminate',
  done: 'done',
  '3': 'done',
};

const DATE_FORMATS =
  "Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.";

const MINUTE = 60_000;
const UNIT_MS: Record<string, number> = { w: 7 * 1440 * MINUTE, d: 1440 * MINUTE, h: 60 * MINUTE, m: MINUTE };

/** How Jira displays an operand in messages: strings in double quotes, numbers bare. */
export function displayOperand(o: Operand): string {
  switch (o.kind) {
    case 'empty':
      return 'EMPTY';
    case 'value':
      return !o.quoted && /^-?\d+$/.test(o.text) ? o.text : `"${o.text}"`;
    case 'function':
      return `${o.name}(${o.args.join(', ')})`;
    case 'list':
      return `(${o.items.map(displayOperand).join(', ')})`;
  }
}

/**
 * A Jira period: "-5d", "4w 2d", "-100minutes". Returns the signed offset in ms, or null.
 * Jira reads a period without sign as the future.
 */
export function parsePeriod(text: string): number | null {
  const m = /^\s*([-+]?)\s*((?:\d+\s*(?:weeks|week|w|days|day|d|hours|hour|h|minutes|minute|m)\s*)+)$/i.exec(text);
  if (!m) return null;
  const sign = m[1] === '-' ? -1 : 1;
  let total = 0;
  for (const part of (m[2] ?? '').matchAll(/(\d+)\s*([a-z]+)/gi)) {
    const unit = (part[2] ?? '').toLowerCase()[0] ?? '';
    total += Number(part[1]) * (UNIT_MS[unit] ?? 0);
  }
  return sign * total;
}

/**
 * An absolute JQL date: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd'.
 * Jira reads it in the searching user's time zone; the emulator's users all live in UTC.
 */
export function parseAbsoluteDate(text: string): number | null {
  const m = /^(\d{4})([-/])(\d{1,2})\2(\d{1,2})(?:\s+(\d{1,2}):(\d{2}))?$/.exec(text.trim());
  if (!m) return null;
  const [y, mo, d, h, mi] = [m[1], m[3], m[4], m[5] ?? '0', m[6] ?? '0'].map(Number) as [number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59) return null;
  const ms = Date.UTC(y, mo - 1, d, h, mi);
  if (new Date(ms).getUTCDate() !== d) return null; // 2026-02-30
  return ms;
}

function flatten(o: Operand): Operand[] {
  return o.kind === 'list' ? o.items.flatMap(flatten) : [o];
}

function resolveValue(field: FieldId, fieldName: string, o: Operand): Value {
  if (o.kind === 'empty') return { kind: 'empty' };
  if (o.kind === 'list') throw new Error('unreachable: lists are flattened');
  if (o.kind === 'function') {
    const name = o.name.toLowerCase();
    const known = name === 'currentuser' ? 'currentUser' : name === 'now' ? 'now' : null;
    if (!known) throw new JqlError(`Unable to find JQL function '${o.name}(${o.args.join(', ')})'.`);
    if (o.args.length !== 0) {
      throw new JqlError(`Function '${known}' expected '0' arguments but received '${o.args.length}'.`);
    }
    const fits = known === 'currentUser' ? field === 'assignee' : field === 'created' || field === 'updated';
    // Text of Jira's i18n key jira.jql.clause.no.value.for.function (not seen in a recorded answer).
    if (!fits) throw new JqlError(`A value provided by the function '${known}' is invalid for the field '${fieldName}'.`);
    return { kind: known };
  }
  const text = o.text;
  switch (field) {
    case 'key': {
      if (/^\d+$/.test(text)) return { kind: 'issueId', id: Number(text) };
      const m = /^([A-Za-z][A-Za-z0-9_]*)-(\d+)$/.exec(text);
      if (!m) throw new JqlError(`The issue key '${text}' for field '${fieldName}' is invalid.`);
      const project = (m[1] ?? '').toUpperCase();
      return { kind: 'issueKey', key: `${project}-${Number(m[2])}`, project, num: Number(m[2]) };
    }
    case 'statusCategory': {
      const key = STATUS_CATEGORIES[text.toLowerCase()];
      if (!key) throw new JqlError(`The value '${text}' does not exist for the field '${fieldName}'.`);
      return { kind: 'category', key };
    }
    case 'created':
    case 'updated': {
      const period = parsePeriod(text);
      if (period !== null) return { kind: 'period', ms: period };
      const ms = parseAbsoluteDate(text);
      if (ms !== null) return { kind: 'date', ms };
      throw new JqlError(`Date value '${text}' for field '${fieldName}' is invalid. ${DATE_FORMATS}`);
    }
    default:
      return { kind: 'text', text };
  }
}

function validateTerminal(raw: RawTerminal): Terminal {
  const field = FIELD_NAMES[raw.field.toLowerCase()];
  const name = raw.field;
  if (!field) throw new JqlError(`Field '${name}' does not exist or you do not have permission to view it.`);
  const op = raw.operator;
  const operand = raw.operand;
  if (!SUPPORTED[field].includes(op)) throw new JqlError(`The operator '${op}' is not supported by the '${name}' field.`);

  const list = op === 'in' || op === 'not in';
  if (op === 'is' || op === 'is not') {
    if (operand.kind !== 'empty') {
      throw new JqlError(`Operator '${op}' does not support searching for non-empty values for field '${name}'.`);
    }
  } else if (list) {
    if (operand.kind === 'empty') {
      throw new JqlError(`Operator '${op}' does not support the empty value representation 'EMPTY' for field '${name}'.`);
    }
    if (operand.kind !== 'list') {
      throw new JqlError(`Operator '${op}' does not support the non-list value '${displayOperand(operand)}' for field '${name}'.`);
    }
  } else {
    if (operand.kind === 'list') {
      throw new JqlError(`Operator '${op}' does not support the list value '${displayOperand(operand)}' for field '${name}'.`);
    }
    if (operand.kind === 'empty' && RELATIONAL.includes(op)) {
      throw new JqlError(`Operator '${op}' does not support the empty value representation 'EMPTY' for field '${name}'.`);
    }
  }
  const items = flatten(operand);
  if (!EMPTY_SUPPORTED.has(field) && items.some((i) => i.kind === 'empty')) {
    throw new JqlError(`The field '${name}' does not support searching for EMPTY values.`);
  }
  const values = items.map((i) => resolveValue(field, name, i));
  return { kind: 'terminal', field, fieldName: name, operator: op, operand, values };
}

function validateClause(c: ClauseOf<RawTerminal>): ClauseOf<Terminal> {
  switch (c.kind) {
    case 'terminal':
      return validateTerminal(c);
    case 'not':
      return { kind: 'not', clause: validateClause(c.clause) };
    case 'and':
    case 'or':
      return { kind: c.kind, clauses: c.clauses.map(validateClause) };
  }
}

export function validateQuery(text: string, raw: RawQuery): JqlQuery {
  const where = raw.where ? validateClause(raw.where) : null;
  let orderBy: SortKey[] | null = null;
  if (raw.orderBy) {
    orderBy = raw.orderBy.map((k) => {
      const field = FIELD_NAMES[k.field.toLowerCase()];
      if (!field) throw new JqlError(`Not able to sort using field '${k.field}'.`);
      return { field, fieldName: k.field, direction: k.direction ?? DEFAULT_DIRECTION[field] };
    });
  }
  return { text, where, orderBy };
}
