// The status job's walk through a Jira workflow (src/sync/status-walk.ts): one step at a time,
// planning on the transitions learned so far, exploring when no path is known, never looping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextStatusStep, type WalkDecision } from '../../src/sync/status-walk.js';
import { fillWithResolution } from '../../src/sync/resolution.js';
import type { TransitionGraph, TransitionOption } from '../../src/sync/transition-path.js';

const t = (transitionId: string, toStatus: string, requiredFields: TransitionOption['requiredFields'] = []): TransitionOption => ({ transitionId, name: `to ${toStatus}`, toStatus, requiredFields });
const RES = [{ fieldId: 'resolution', name: 'Resolution', allowedValues: [{ id: '10000', name: 'Done' }, { id: '10001', name: "Won't Do" }] }];
const OPS_FULL: TransitionGraph = new Map([
  ['to do', [t('11', 'in progress')]],
  ['in progress', [t('21', 'in review')]],
  ['in review', [t('31', 'in progress'), t('41', 'closed', RES)]],
  ['closed', [t('51', 'to do')]],
]);
const fill = fillWithResolution(null);

const cases: Array<{ name: string; current: string; target: string; graph: TransitionGraph; visited?: string[]; hops?: number; maxHops?: number; want: (d: WalkDecision) => void }> = [
  { name: 'already there', current: 'closed', target: 'closed', graph: new Map(), want: (d) => assert.equal(d.kind, 'at-target') },
  { name: 'known path: first step, not exploring', current: 'to do', target: 'closed', graph: OPS_FULL, want: (d) => assert.deepEqual(d.kind === 'step' && [d.step.transitionId, d.exploring], ['11', false]) },
  { name: 'last hop fills the resolution (Done)', current: 'in review', target: 'closed', graph: OPS_FULL, want: (d) => assert.deepEqual(d.kind === 'step' && d.step.fields, { resolution: { id: '10000' } }) },
  {
    name: 'only the current status known: explore towards the unknown',
    current: 'to do', target: 'closed', graph: new Map([['to do', [t('11', 'in progress')]]]),
    want: (d) => assert.deepEqual(d.kind === 'step' && [d.step.to, d.exploring], ['in progress', true]),
  },
  {
    name: 'path removed (no Close): stop with a reason, no loop back',
    current: 'in review', target: 'closed', graph: new Map([...OPS_FULL, ['in review', [t('31', 'in progress')]]]), visited: ['to do', 'in progress', 'in review'],
    want: (d) => assert.ok(d.kind === 'stop' && /no path/.test(d.reason), JSON.stringify(d)),
  },
  {
    name: 'a step back to a visited status is never taken',
    current: 'in review', target: 'done', graph: new Map([['in review', [t('31', 'in progress')]], ['in progress', [t('21', 'in review')]]]), visited: ['in progress', 'in review'],
    want: (d) => assert.equal(d.kind, 'stop'),
  },
  {
    name: 'required field that cannot be filled: stop naming it',
    current: 'a', target: 'b', graph: new Map([['a', [t('1', 'b', [{ fieldId: 'customfield_1', name: 'Root cause' }])]]]),
    want: (d) => assert.ok(d.kind === 'stop' && /Root cause/.test(d.reason), JSON.stringify(d)),
  },
  { name: 'hop budget spent: stop', current: 'to do', target: 'closed', graph: OPS_FULL, hops: 10, want: (d) => assert.ok(d.kind === 'stop' && /within 10/.test(d.reason)) },
  { name: 'budget too small for the known path', current: 'to do', target: 'closed', graph: OPS_FULL, hops: 8, maxHops: 10, want: (d) => assert.equal(d.kind, 'stop') },
];

for (const c of cases) {
  test(`status walk: ${c.name}`, () => {
    c.want(nextStatusStep({ current: c.current, target: c.target, graph: c.graph, visited: new Set(c.visited ?? [c.current]), hopsTaken: c.hops ?? 0, maxHops: c.maxHops, fill: (f) => fill(f) }));
  });
}

test('status walk: walking the OPS workflow from nothing known reaches Closed in three transitions', () => {
  let graph: TransitionGraph = new Map();
  let current = 'to do';
  const visited = new Set([current]);
  const path: string[] = [];
  for (let i = 0; i < 20; i++) {
    graph = new Map([...graph, [current, OPS_FULL.get(current)!]]);
    const d = nextStatusStep({ current, target: 'closed', graph, visited, hopsTaken: path.length, fill: (f) => fill(f) });
    if (d.kind !== 'step') {
      assert.equal(d.kind, 'at-target');
      break;
    }
    current = d.step.to;
    visited.add(current);
    path.push(current);
  }
  assert.deepEqual(path, ['in progress', 'in review', 'closed']);
});
