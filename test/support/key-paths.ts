// Key-path comparison of JSON payloads: does our payload carry, at each path an integration reads,
// a value of the same JSON type as the real one?
//
// Path syntax: dot-separated keys; a segment ending in `[]` steps into every element of an array:
//   `issue.fields.status.statusCategory.key`, `changelog.items[].toString`, `issue.fields.labels[]`.
// A path that runs into a null before its end resolves to null (an unassigned issue has
// `issue.fields.assignee.accountId` null, not missing); a path through a missing key is missing.

export type JsonType = 'string' | 'number' | 'boolean' | 'null' | 'object' | 'array';

export function jsonType(v: unknown): JsonType | 'undefined' {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'object':
      return 'object';
    default:
      return 'undefined';
  }
}

/** What a path resolves to: the values found (one per array element for `[]`), or missing. */
export interface Resolved {
  /** False when some step named a key the object does not have (or stepped into a non-container). */
  present: boolean;
  values: unknown[];
}

export function resolvePath(root: unknown, path: string): Resolved {
  let current: unknown[] = [root];
  for (const rawSegment of path.split('.')) {
    const iterate = rawSegment.endsWith('[]');
    const key = iterate ? rawSegment.slice(0, -2) : rawSegment;
    const next: unknown[] = [];
    for (const value of current) {
      if (value === null) {
        next.push(null); // the path ran into a null: it resolves to null
        continue;
      }
      let child: unknown = value;
      if (key !== '') {
        if (typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, key)) {
          return { present: false, values: [] };
        }
        child = (value as Record<string, unknown>)[key];
      }
      if (iterate) {
        if (child === null) next.push(null);
        else if (Array.isArray(child)) next.push(...(child as unknown[]));
        else return { present: false, values: [] };
      } else {
        next.push(child);
      }
    }
    current = next;
  }
  return { present: true, values: current };
}

function typesOf(values: unknown[]): Set<string> {
  return new Set(values.map(jsonType));
}

/**
 * Compares `ours` with `real` at each path. Returns one line per mismatch, `[]` when they agree:
 * - `missing in ours: <path>` — real has the path (with a value), ours has not;
 * - `type differs at <path>: real <types>, ours <types>` — ours holds a JSON type real never holds there.
 * A path real itself lacks is not compared (there is nothing to hold ours to).
 */
export function compareKeyPaths(real: unknown, ours: unknown, paths: string[]): string[] {
  const problems: string[] = [];
  for (const path of paths) {
    const r = resolvePath(real, path);
    if (!r.present) continue;
    const o = resolvePath(ours, path);
    if (!o.present || (o.values.length === 0 && r.values.length > 0)) {
      problems.push(`missing in ours: ${path}`);
      continue;
    }
    const realTypes = typesOf(r.values);
    const ourTypes = typesOf(o.values);
    if (r.values.length > 0 && [...ourTypes].some((t) => !realTypes.has(t))) {
      problems.push(`type differs at ${path}: real ${[...realTypes].sort().join('|')}, ours ${[...ourTypes].sort().join('|')}`);
    }
  }
  return problems;
}

/**
 * Checks one payload against a spec of expected types (`"string"`, `"object|null"`, ...): every
 * path must be present and every value found there of an allowed type. For `[]` paths over empty
 * arrays there is nothing to check. Returns one line per problem.
 */
export function checkKeyPathTypes(payload: unknown, spec: Record<string, string>): string[] {
  const problems: string[] = [];
  for (const [path, expected] of Object.entries(spec)) {
    const allowed = new Set(expected.split('|'));
    const r = resolvePath(payload, path);
    if (!r.present) {
      problems.push(`missing: ${path}`);
      continue;
    }
    const wrong = [...typesOf(r.values)].filter((t) => !allowed.has(t));
    if (wrong.length > 0) problems.push(`type at ${path}: expected ${expected}, found ${wrong.sort().join('|')}`);
  }
  return problems;
}
