// The next transition to take towards a Jira status (issue #11 "Status"). Jira lists only the
// transitions available from an issue's current status, so the status job walks: at each status
// it learns what Jira lists there (learnTransitions), plans on everything known so far
// (planTransitionPath), and takes one step. When the known graph has no path yet, it steps towards
// the nearest status whose transitions are not known (exploring the workflow). It never enters a
// status twice in one walk and takes at most `maxHops` transitions, so it always ends.
import { DEFAULT_MAX_HOPS, planTransitionPath, type FieldFill, type PathStep, type TransitionField, type TransitionGraph, type TransitionOption } from './transition-path.js';

export interface WalkState {
  current: string;
  target: string;
  graph: TransitionGraph;
  /** Statuses this walk has been in (the current one included). */
  visited: ReadonlySet<string>;
  hopsTaken: number;
  fill?: (field: TransitionField, transition: TransitionOption) => FieldFill;
  maxHops?: number;
}

export type WalkDecision =
  | { kind: 'at-target' }
  | { kind: 'step'; step: PathStep; exploring: boolean }
  | { kind: 'stop'; reason: string };

export function nextStatusStep(s: WalkState): WalkDecision {
  if (s.current === s.target) return { kind: 'at-target' };
  const maxHops = s.maxHops ?? DEFAULT_MAX_HOPS;
  if (s.hopsTaken >= maxHops) return { kind: 'stop', reason: `no path from "${s.current}" to "${s.target}" within ${maxHops} transitions` };
  const left = maxHops - s.hopsTaken;
  const plan = planTransitionPath({ from: s.current, to: s.target, graph: s.graph, fill: s.fill, maxHops: left });
  if (plan.kind === 'at-target') return { kind: 'at-target' };
  if (plan.kind === 'path') {
    const step = plan.steps[0]!;
    if (!s.visited.has(step.to)) return { kind: 'step', step, exploring: false };
  }
  if (plan.kind === 'blocked') return { kind: 'stop', reason: plan.reason };
  // No known path: step towards the nearest status not explored yet (and not visited by this walk).
  const unexplored = plan.kind === 'no-path' ? plan.unexplored.filter((u) => !s.visited.has(u) && u !== s.current) : [];
  for (const u of unexplored) {
    const toIt = planTransitionPath({ from: s.current, to: u, graph: s.graph, fill: s.fill, maxHops: left });
    if (toIt.kind === 'path' && !s.visited.has(toIt.steps[0]!.to)) return { kind: 'step', step: toIt.steps[0]!, exploring: true };
  }
  return { kind: 'stop', reason: plan.kind === 'no-path' ? plan.reason : `the workflow has no path from "${s.current}" to "${s.target}"` };
}
