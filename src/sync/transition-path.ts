// The shortest way through a Jira workflow from the issue's status to the target status (issue #11
// "Status"). Jira lists only the transitions available from an issue's current status, so the
// handler learns the workflow as it goes (`learnTransitions`) and plans on what it knows.
//
// `planTransitionPath` is a breadth-first search over that graph: the first path found has the
// fewest transitions (ties: Jira's order of transitions). It never revisits a status (no loops),
// and it gives up beyond `maxHops` transitions. A transition whose screen requires a field is used
// only when `fill` can give a value for every required field (see resolution.ts for the
// resolution); when only such blocked transitions lead to the target, the answer names the
// field. When no known path exists, the answer lists the statuses reached whose transitions are not
// known yet, so the caller can learn them (or report the error).

export interface TransitionField {
  fieldId: string;
  name: string;
  /** What the screen offers (for resolution: its allowedValues). */
  allowedValues?: ReadonlyArray<{ id: string; name: string }>;
}

export interface TransitionOption {
  transitionId: string;
  name: string;
  /** The status the transition leads to (an id, or a name: the same kind as the statuses given). */
  toStatus: string;
  /** Fields the transition screen requires. */
  requiredFields: readonly TransitionField[];
}

/** Transitions known from each status (the graph learned so far). */
export type TransitionGraph = ReadonlyMap<string, readonly TransitionOption[]>;

/** A value for a required field, or why it cannot be filled. */
export type FieldFill = { ok: true; value: unknown } | { ok: false; reason: string };

export interface PathStep {
  transitionId: string;
  name: string;
  from: string;
  to: string;
  /** Values for the screen's required fields, by field id (e.g. `{ resolution: { id: '10000' } }`). */
  fields: Record<string, unknown>;
}

export type PathPlan =
  | { kind: 'at-target' }
  | { kind: 'path'; steps: PathStep[] }
  | { kind: 'blocked'; reason: string; transition: string; field: string }
  | { kind: 'no-path'; reason: string; unexplored: string[] };

export interface PathQuery {
  from: string;
  to: string;
  graph: TransitionGraph;
  /** A value for a required field of a transition; by default nothing can be filled. */
  fill?: (field: TransitionField, transition: TransitionOption) => FieldFill;
  /** The most transitions a path may take (default 10). */
  maxHops?: number;
}

export const DEFAULT_MAX_HOPS = 10;

const cannotFill = (field: TransitionField): FieldFill => ({ ok: false, reason: `no value is configured for the required field "${field.name}"` });

interface Edge {
  option: TransitionOption;
  from: string;
  fields: Record<string, unknown>;
  blocked?: { field: TransitionField; reason: string };
}

function edge(from: string, option: TransitionOption, fill: NonNullable<PathQuery['fill']>): Edge {
  const fields: Record<string, unknown> = {};
  for (const f of option.requiredFields) {
    const r = fill(f, option);
    if (!r.ok) return { option, from, fields, blocked: { field: f, reason: r.reason } };
    fields[f.fieldId] = r.value;
  }
  return { option, from, fields };
}

/** Breadth-first search; `usable` decides which edges may be taken. */
function search(q: PathQuery, usable: (e: Edge) => boolean, maxHops: number) {
  const fill = q.fill ?? cannotFill;
  const cameBy = new Map<string, Edge | null>([[q.from, null]]);
  const unexplored: string[] = [];
  let frontier = [q.from];
  for (let hop = 0; hop < maxHops && frontier.length > 0; hop++) {
    const next: string[] = [];
    for (const status of frontier) {
      const options = q.graph.get(status);
      if (options === undefined) {
        unexplored.push(status);
        continue;
      }
      for (const option of options) {
        if (cameBy.has(option.toStatus)) continue;
        const e = edge(status, option, fill);
        if (!usable(e)) continue;
        cameBy.set(option.toStatus, e);
        if (option.toStatus === q.to) {
          const path: Edge[] = [];
          for (let at: Edge | null | undefined = e; at; at = cameBy.get(at.from)) path.unshift(at);
          return { path, unexplored };
        }
        next.push(option.toStatus);
      }
    }
    frontier = next;
  }
  for (const s of frontier) if (!q.graph.has(s)) unexplored.push(s);
  return { path: null, unexplored, truncated: frontier.length > 0 };
}

export function planTransitionPath(q: PathQuery): PathPlan {
  if (q.from === q.to) return { kind: 'at-target' };
  const maxHops = Math.max(1, q.maxHops ?? DEFAULT_MAX_HOPS);
  const found = search(q, (e) => !e.blocked, maxHops);
  if (found.path) {
    return {
      kind: 'path',
      steps: found.path.map((e) => ({ transitionId: e.option.transitionId, name: e.option.name, from: e.from, to: e.option.toStatus, fields: e.fields })),
    };
  }
  // Would a path exist if required fields could be filled? Then that field is the reason.
  const anyway = search(q, () => true, maxHops);
  const blocker = anyway.path?.find((e) => e.blocked);
  if (blocker?.blocked) {
    return {
      kind: 'blocked',
      transition: blocker.option.name,
      field: blocker.blocked.field.fieldId,
      reason: `the transition "${blocker.option.name}" towards "${q.to}" requires "${blocker.blocked.field.name}": ${blocker.blocked.reason}`,
    };
  }
  const unexplored = [...new Set(found.unexplored)];
  const more = found.truncated ? ` within ${maxHops} transitions` : '';
  const tail = unexplored.length > 0 ? ` (transitions not known yet from: ${unexplored.map((s) => `"${s}"`).join(', ')})` : '';
  return { kind: 'no-path', unexplored, reason: `the workflow has no path from "${q.from}" to "${q.to}"${more}${tail}` };
}

/** The graph with the transitions seen from `status` (what Jira listed there) recorded. */
export function learnTransitions(graph: TransitionGraph, status: string, options: readonly TransitionOption[]): TransitionGraph {
  const next = new Map(graph);
  next.set(status, [...options]);
  return next;
}
