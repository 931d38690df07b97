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
  priority: 'priority',
  issuetype: 'issuetype',
  type: 'issuetype',
  resolution: 'resolution',
  reporter: 'reporter',
  summary: 'summary',
  description: 'description',
  environment: 'environment',
  comment: 'comment',
  text: 'text',
};

const EQUALITY: Operator[] = ['=', '!=', 'in', 'not in', 'is', 'is not'];
const RELATIONAL: Operator[] = ['<', '>', '<=', '>='];

const TEXT_OPS: Operator[] = ['~', '!~', 'is', 'is not'];

/**
 * Operators per field, from Atlassian's JQL reference ("Supported operators" of each field,
 * https://support.atlassian.com/jira-software-cloud/docs/jql-fields/): priority and resolution are
 * ordered (`priority > Medium` = more important than Medium); summary, description, environment and
 * comment take ~ !~ IS IS NOT; the master text field `text` takes only ~.
 */
const SUPPORTED: Record<FieldId, Operator[]> = {
  project: EQUALITY,
  key: ['=', '!=', 'in', 'not in', ...RELATIONAL],
  labels: EQUALITY,
  status: EQUALITY,
  statusCategory: EQUALITY,
  assignee: EQUALITY,
  created: [...EQUALITY, ...RELATIONAL],
  updated: [...EQUALITY, ...RELATIONAL],
  priority: [...EQUALITY, ...RELATIONAL],
  issuetype: EQUALITY,
  resolution: [...EQUALITY, ...RELATIONAL],
  reporter: EQUALITY,
  summary: TEXT_OPS,
  description: TEXT_OPS,
  environment: TEXT_OPS,
  comment: ['~', '!~'],
  text: ['~'],
};

/** Fields with an empty state; the others answer "does not support searching for EMPTY values". */
const EMPTY_SUPPORTED = new Set<FieldId>(['labels', 'assignee', 'created', 'updated', 'priority', 'resolution', 'reporter', 'description', 'environment']);

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
  priority: 'desc',
  issuetype: 'asc',
  resolution: 'asc',
  reporter: 'asc',
  summary: 'asc',
  description: 'asc',
  environment: 'asc',
  comment: 'asc',
  text: 'asc',
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
  if (o.kind === 'function') return resolveFunction(field, fieldName, o);
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
    case 'resolution':
      // "Unresolved" is Jira's name for the empty resolution (resolution = Unresolved ≡ resolution IS EMPTY)
      return text.toLowerCase() === 'unresolved' ? { kind: 'unresolved' } : { kind: 'text', text };
    case 'summary':
    case 'description':
    case 'environment':
    case 'comment':
    case 'text':
      if (/^[*?]/.test(text.trim())) {
        // Jira's text search refuses a leading wildcard (Lucene)
        throw new JqlError(`The text query '${text}' for field '${fieldName}' is not allowed to start with a wildcard.`);
      }
      return { kind: 'text', text };
    default:
      return { kind: 'text', text };
  }
}

const FUNCTIONS: Record<string, 'currentUser' | 'now' | 'startOfDay' | 'endOfDay'> = {
  currentuser: 'currentUser',
  now: 'now',
  startofday: 'startOfDay',
  endofday: 'endOfDay',
};

const DATE_FIELDS = new Set<FieldId>(['created', 'updated']);
const USER_FIELDS = new Set<FieldId>(['assignee', 'reporter']);

/**
 * The increment of startOfDay()/endOfDay(): "-1", "+1d", "-2w", "1h" (Atlassian's JQL functions
 * reference: "startOfDay(inc)", the unit defaults to days). Returns ms or null.
 */
export function parseIncrement(arg: string): number | null {
  const m = /^\s*([-+]?)(\d+)\s*([wdhm]?)\s*$/i.exec(arg);
  if (!m) return null;
  const unit = (m[3] || 'd').toLowerCase();
  return (m[1] === '-' ? -1 : 1) * Number(m[2]) * (UNIT_MS[unit] ?? 0);
}

function resolveFunction(field: FieldId, fieldName: string, o: Extract<Operand, { kind: 'function' }>): Value {
  const known = FUNCTIONS[o.name.toLowerCase()];
  if (!known) throw new JqlError(`Unable to find JQL function '${o.name}(${o.args.join(', ')})'.`);
  const maxArgs = known === 'startOfDay' || known === 'endOfDay' ? 1 : 0;
  if (o.args.length > maxArgs) {
    // Jira's text for a wrong argument count (recorded for now()); for startOfDay/endOfDay the
    // same key with its range is assumed.
    const expected = maxArgs === 0 ? '0' : '0 or 1';
    throw new JqlError(`Function '${known}' expected '${expected}' arguments but received '${o.args.length}'.`);
  }
  const fits = known === 'currentUser' ? USER_FIELDS.has(field) : DATE_FIELDS.has(field);
  // Text of Jira's i18n key jira.jql.clause.no.value.for.function (not seen in a recorded answer).
  if (!fits) throw new JqlError(`A value provided by the function '${known}' is invalid for the field '${fieldName}'.`);
  if (known === 'startOfDay' || known === 'endOfDay') {
    const arg = o.args[0];
    const inc = arg === undefined ? 0 : parseIncrement(arg);
    // Jira's i18n key jira.jql.date.func.increment.invalid (text not seen in a recorded answer).
    if (inc === null) throw new JqlError(`Duration for function '${known}' should have the format (+/-)n(yMwdm), e.g. -1M for one month earlier.`);
    return { kind: 'dayBoundary', end: known === 'endOfDay', incrementMs: inc };
  }
  return { kind: known };
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
      if (!field || field === 'text' || field === 'comment') throw new JqlError(`Not able to sort using field '${k.field}'.`);
      return { field, fieldName: k.field, direction: k.direction ?? DEFAULT_DIRECTION[field] };
    });
  }
  return { text, where, orderBy };
}
