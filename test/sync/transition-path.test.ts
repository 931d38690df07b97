// Issue #11 "Status": the transition path search and the resolution choice (pure, table tests).
// The OPS and SEC workflows are read from the emulator's seed (src/jira/emulator/seed.ts), as the
// handler would learn them from GET /issue/{key}/transitions in each status.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seedProjects, seedResolutions, seedStatuses } from '../../src/jira/emulator/seed.js';
import { chooseResolution, fillWithResolution } from '../../src/sync/resolution.js';
import { type TransitionGraph, type TransitionOption, learnTransitions, planTransitionPath } from '../../src/sync/transition-path.js';

const statusName = new Map(seedStatuses().map((s) => [s.id, s.name]));
const resolutions = seedResolutions().map((r) => ({ id: r.id, name: r.name }));

/** The graph Jira would show for a seeded project, by status name. */
function seededGraph(key: string): TransitionGraph {
  const wf = seedProjects().find((p) => p.key === key)!.workflow;
  let g: TransitionGraph = new Map();
  for (const from of wf.statusIds) {
    const options: TransitionOption[] = wf.transitions
      .filter((t) => t.fromStatusIds === null || t.fromStatusIds.includes(from))
      .map((t) => ({
        transitionId: t.id,
        name: t.name,
        toStatus: statusName.get(t.toStatusId)!,
        requiredFields: t.screen.filter((f) => f.required).map((f) => ({ fieldId: f.fieldId, name: f.name, allowedValues: f.fieldId === 'resolution' ? resolutions : undefined })),
      }));
    g = learnTransitions(g, statusName.get(from)!, options);
  }
  return g;
}

const opt = (transitionId: string, toStatus: string, requiredFields: TransitionOption['requiredFields'] = []): TransitionOption => ({ transitionId, name: `to ${toStatus}`, toStatus, requiredFields });
const graph = (entries: Record<string, TransitionOption[]>): TransitionGraph => new Map(Object.entries(entries));

const ops = seededGraph('OPS');
const sec = seededGraph('SEC');
const resolutionField = { fieldId: 'resolution', name: 'Resolution', allowedValues: resolutions };

describe('planTransitionPath: found paths (transition ids in order)', () => {
  const TABLE: Array<[string, TransitionGraph, string, string, string[], number?]> = [
    ['OPS To Do → Closed: three hops', ops, 'To Do', 'Closed', ['11', '21', '41']],
    ['OPS In Review → Closed: one hop', ops, 'In Review', 'Closed', ['41']],
    ['OPS Closed → In Progress: through To Do', ops, 'Closed', 'In Progress', ['51', '11']],
    ['OPS In Review → To Do: back, close, reopen', ops, 'In Review', 'To Do', ['41', '51']],
    ['SEC To Do → Done: global transition', sec, 'To Do', 'Done', ['31']],
    ['SEC Done → Waiting for Vendor', sec, 'Done', 'Waiting for Vendor', ['41']],
    ['cycle A→B→A and B→C: no loop, shortest', graph({ A: [opt('1', 'B')], B: [opt('2', 'A'), opt('3', 'C')], C: [opt('4', 'A')] }), 'A', 'C', ['1', '3']],
    ['self-loop ignored', graph({ A: [opt('0', 'A'), opt('1', 'B')] }), 'A', 'B', ['1']],
    ['shortest of two routes', graph({ A: [opt('1', 'B'), opt('2', 'D')], B: [opt('3', 'C')], C: [opt('4', 'D')] }), 'A', 'D', ['2']],
    ['tie: Jira order decides', graph({ A: [opt('1', 'B'), opt('2', 'C')], B: [opt('3', 'D')], C: [opt('4', 'D')] }), 'A', 'D', ['1', '3']],
    ['exactly maxHops', graph({ A: [opt('1', 'B')], B: [opt('2', 'C')], C: [opt('3', 'D')] }), 'A', 'D', ['1', '2', '3'], 3],
  ];
  for (const [name, g, from, to, want, maxHops] of TABLE) {
    it(name, () => {
      const plan = planTransitionPath({ from, to, graph: g, fill: fillWithResolution(), maxHops });
      assert.equal(plan.kind, 'path', JSON.stringify(plan));
      if (plan.kind === 'path') {
        assert.deepEqual(plan.steps.map((s) => s.transitionId), want);
        assert.equal(plan.steps[0]!.from, from);
        assert.equal(plan.steps.at(-1)!.to, to);
      }
    });
  }

  it('the OPS Close step carries the resolution Done', () => {
    const plan = planTransitionPath({ from: 'To Do', to: 'Closed', graph: ops, fill: fillWithResolution() });
    assert.equal(plan.kind, 'path');
    if (plan.kind === 'path') {
      assert.deepEqual(plan.steps.map((s) => [s.from, s.name, s.to]), [
        ['To Do', 'Start Progress', 'In Progress'],
        ['In Progress', 'Send to Review', 'In Review'],
        ['In Review', 'Close', 'Closed'],
      ]);
      assert.deepEqual(plan.steps.map((s) => s.fields), [{}, {}, { resolution: { id: '10000' } }]);
    }
  });

  it('the per-destination resolution setting is used', () => {
    const plan = planTransitionPath({ from: 'In Review', to: 'Closed', graph: ops, fill: fillWithResolution("won't do") });
    assert.deepEqual(plan.kind === 'path' && plan.steps[0]!.fields, { resolution: { id: '10001' } });
  });

  it('already at the target', () => assert.deepEqual(planTransitionPath({ from: 'Closed', to: 'Closed', graph: ops }), { kind: 'at-target' }));
});

describe('planTransitionPath: clear reasons', () => {
  it('no path in the workflow', () => {
    const g = graph({ A: [opt('1', 'B')], B: [opt('2', 'A')], C: [] });
    assert.deepEqual(planTransitionPath({ from: 'A', to: 'C', graph: g }), {
      kind: 'no-path',
      unexplored: [],
      reason: 'the workflow has no path from "A" to "C"',
    });
  });

  it('OPS with the Close transition removed: no path to Closed', () => {
    const g = new Map(ops);
    g.set('In Review', ops.get('In Review')!.filter((t) => t.name !== 'Close'));
    const plan = planTransitionPath({ from: 'To Do', to: 'Closed', graph: g, fill: fillWithResolution() });
    assert.equal(plan.kind, 'no-path');
    assert.equal(plan.kind === 'no-path' && plan.reason, 'the workflow has no path from "To Do" to "Closed"');
  });

  it('beyond maxHops', () => {
    const g = graph({ A: [opt('1', 'B')], B: [opt('2', 'C')], C: [opt('3', 'D')] });
    const plan = planTransitionPath({ from: 'A', to: 'D', graph: g, maxHops: 2 });
    assert.equal(plan.kind === 'no-path' && plan.reason, 'the workflow has no path from "A" to "D" within 2 transitions');
  });

  it('statuses whose transitions are not known yet are named', () => {
    const g = graph({ A: [opt('1', 'B'), opt('2', 'C')] });
    const plan = planTransitionPath({ from: 'A', to: 'Z', graph: g });
    assert.deepEqual(plan.kind === 'no-path' && plan.unexplored, ['B', 'C']);
    assert.match(plan.kind === 'no-path' ? plan.reason : '', /not known yet from: "B", "C"/);
  });

  it('a required field that cannot be filled blocks the only path', () => {
    const g = graph({ A: [opt('1', 'B', [{ fieldId: 'customfield_1', name: 'Root cause' }])] });
    assert.deepEqual(planTransitionPath({ from: 'A', to: 'B', graph: g, fill: fillWithResolution() }), {
      kind: 'blocked',
      transition: 'to B',
      field: 'customfield_1',
      reason: 'the transition "to B" towards "B" requires "Root cause": alertsync fills only the resolution on a transition screen',
    });
  });

  it('a resolution setting the screen does not offer blocks Close', () => {
    const plan = planTransitionPath({ from: 'To Do', to: 'Closed', graph: ops, fill: fillWithResolution('Fixed') });
    assert.equal(plan.kind, 'blocked');
    assert.match(plan.kind === 'blocked' ? plan.reason : '', /requires "Resolution": the resolution "Fixed" set on the destination is not offered/);
  });

  it('a blocked transition is avoided when another path exists', () => {
    const g = graph({ A: [opt('1', 'C', [{ fieldId: 'customfield_1', name: 'Root cause' }]), opt('2', 'B')], B: [opt('3', 'C')] });
    const plan = planTransitionPath({ from: 'A', to: 'C', graph: g, fill: fillWithResolution() });
    assert.deepEqual(plan.kind === 'path' && plan.steps.map((s) => s.transitionId), ['2', '3']);
  });

  it('without a fill function no required field is filled', () => {
    const plan = planTransitionPath({ from: 'In Review', to: 'Closed', graph: ops });
    assert.equal(plan.kind, 'blocked');
  });
});

describe('chooseResolution', () => {
  const custom = [{ id: '1', name: 'Fixed' }, { id: '2', name: 'Rejected' }];
  const TABLE: Array<[string, Array<{ id: string; name: string }>, string | null, unknown]> = [
    ['default: Done', resolutions, null, { ok: true, resolution: { id: '10000', name: 'Done' }, source: 'done' }],
    ['setting by name, any case', resolutions, 'duplicate', { ok: true, resolution: { id: '10002', name: 'Duplicate' }, source: 'setting' }],
    ['setting by id', resolutions, '10003', { ok: true, resolution: { id: '10003', name: 'Cannot Reproduce' }, source: 'setting' }],
    ['no Done offered: the first', custom, null, { ok: true, resolution: { id: '1', name: 'Fixed' }, source: 'first' }],
    ['blank setting = no setting', custom, '  ', { ok: true, resolution: { id: '1', name: 'Fixed' }, source: 'first' }],
    ['setting not offered', custom, 'Done', { ok: false, reason: 'the resolution "Done" set on the destination is not offered by this transition (offered: "Fixed", "Rejected")' }],
    ['nothing offered', [], null, { ok: false, reason: 'the transition requires a resolution but offers none' }],
  ];
  for (const [name, offered, setting, want] of TABLE) it(name, () => assert.deepEqual(chooseResolution(offered, setting), want));
});
