import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AlertType, Severity } from '../../src/alerts/alert.js';
import type { Destination } from '../../src/destinations/destination.js';
import { matchesFilter, routeAlert, type RoutableDestination } from '../../src/destinations/routing.js';

// Every expectation below is written out by hand; none is computed by the code under test.
// Columns: alert severity, alert type, alert log types | filter severities, alert types, log types | expected.
type Row = [Severity, AlertType, string[], string[], string[], string[], boolean];

const CT = 'AWS.CloudTrail';
const GD = 'AWS.GuardDuty';
const OK = 'Okta.SystemLog';
const GH = 'GitHub.Audit';

const rows: Row[] = [
  // --- all filters empty: everything matches, whatever the severity, type or log types
  ['INFO', 'RULE', [], [], [], [], true],
  ['LOW', 'POLICY', [CT], [], [], [], true],
  ['MEDIUM', 'SCHEDULED_RULE', [CT, GD], [], [], [], true],
  ['HIGH', 'SYSTEM_ERROR', [], [], [], [], true],
  ['CRITICAL', 'RULE_ERROR', [OK], [], [], [], true],

  // --- severity filter with one level
  ['INFO', 'RULE', [CT], ['INFO'], [], [], true],
  ['LOW', 'RULE', [CT], ['INFO'], [], [], false],
  ['CRITICAL', 'RULE', [CT], ['CRITICAL'], [], [], true],
  ['HIGH', 'RULE', [CT], ['CRITICAL'], [], [], false],
  // severity filter with several levels
  ['HIGH', 'POLICY', [], ['HIGH', 'CRITICAL'], [], [], true],
  ['CRITICAL', 'POLICY', [], ['HIGH', 'CRITICAL'], [], [], true],
  ['MEDIUM', 'POLICY', [], ['HIGH', 'CRITICAL'], [], [], false],
  ['INFO', 'POLICY', [], ['HIGH', 'CRITICAL'], [], [], false],
  ['LOW', 'SCHEDULED_RULE', [GD], ['LOW', 'MEDIUM'], [], [], true],
  ['MEDIUM', 'SCHEDULED_RULE', [GD], ['LOW', 'MEDIUM'], [], [], true],
  ['CRITICAL', 'SCHEDULED_RULE', [GD], ['LOW', 'MEDIUM'], [], [], false],
  ['INFO', 'RULE', [], ['INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'], [], [], true],
  // comparison is exact: a lower-case level in a filter does not match
  ['HIGH', 'RULE', [], ['high'], [], [], false],

  // --- alert-type filter with one type
  ['MEDIUM', 'RULE', [CT], [], ['RULE'], [], true],
  ['MEDIUM', 'SCHEDULED_RULE', [CT], [], ['RULE'], [], false],
  ['MEDIUM', 'POLICY', [], [], ['POLICY'], [], true],
  ['MEDIUM', 'RULE', [], [], ['POLICY'], [], false],
  ['LOW', 'SYSTEM_ERROR', [], [], ['SYSTEM_ERROR'], [], true],
  ['LOW', 'RULE_ERROR', [], [], ['SYSTEM_ERROR'], [], false],
  // alert-type filter with several types
  ['HIGH', 'RULE_ERROR', [OK], [], ['SYSTEM_ERROR', 'RULE_ERROR'], [], true],
  ['HIGH', 'SYSTEM_ERROR', [], [], ['SYSTEM_ERROR', 'RULE_ERROR'], [], true],
  ['HIGH', 'POLICY', [OK], [], ['SYSTEM_ERROR', 'RULE_ERROR'], [], false],
  ['HIGH', 'SCHEDULED_RULE', [OK], [], ['RULE', 'SCHEDULED_RULE'], [], true],
  ['HIGH', 'SYSTEM_ERROR', [], [], ['RULE', 'SCHEDULED_RULE', 'POLICY'], [], false],

  // --- log-type filter with one log type
  ['INFO', 'RULE', [CT], [], [], [CT], true],
  ['INFO', 'RULE', [GD], [], [], [CT], false],
  ['INFO', 'RULE', [GD, CT], [], [], [CT], true], // second of two log types matches
  ['INFO', 'RULE', [GD, OK], [], [], [CT], false],
  ['INFO', 'RULE', [], [], [], [CT], false], // no log types: never matches a non-empty log-type filter
  // log-type filter with several log types
  ['LOW', 'SCHEDULED_RULE', [OK], [], [], [CT, OK], true],
  ['LOW', 'SCHEDULED_RULE', [GH], [], [], [CT, OK], false],
  ['LOW', 'SCHEDULED_RULE', [GH, OK], [], [], [CT, OK], true],
  ['LOW', 'SCHEDULED_RULE', [GH, GD], [], [], [CT, OK], false],
  ['LOW', 'SCHEDULED_RULE', [], [], [], [CT, OK], false],
  // SYSTEM_ERROR alerts have no log types by nature: same rule, no exception
  ['CRITICAL', 'SYSTEM_ERROR', [], [], [], [CT], false],
  ['CRITICAL', 'SYSTEM_ERROR', [], ['CRITICAL'], ['SYSTEM_ERROR'], [], true],
  // log-type comparison is exact
  ['INFO', 'RULE', ['aws.cloudtrail'], [], [], [CT], false],

  // --- all three filters at once: every list must match
  ['HIGH', 'RULE', [CT], ['HIGH'], ['RULE'], [CT], true],
  ['MEDIUM', 'RULE', [CT], ['HIGH'], ['RULE'], [CT], false], // severity fails
  ['HIGH', 'POLICY', [CT], ['HIGH'], ['RULE'], [CT], false], // type fails
  ['HIGH', 'RULE', [GD], ['HIGH'], ['RULE'], [CT], false], // log type fails
  ['CRITICAL', 'RULE_ERROR', [GD, OK], ['HIGH', 'CRITICAL'], ['RULE', 'RULE_ERROR'], [OK, GH], true],
  ['INFO', 'RULE_ERROR', [GD, OK], ['HIGH', 'CRITICAL'], ['RULE', 'RULE_ERROR'], [OK, GH], false],
  ['CRITICAL', 'SCHEDULED_RULE', [GD, OK], ['HIGH', 'CRITICAL'], ['RULE', 'RULE_ERROR'], [OK, GH], false],
  ['CRITICAL', 'RULE_ERROR', [GD, CT], ['HIGH', 'CRITICAL'], ['RULE', 'RULE_ERROR'], [OK, GH], false],
  ['MEDIUM', 'POLICY', [CT], ['MEDIUM'], ['POLICY'], [], true],
  ['LOW', 'POLICY', [CT], ['MEDIUM'], ['POLICY'], [], false],
  ['INFO', 'SCHEDULED_RULE', [], ['INFO'], ['SCHEDULED_RULE'], [], true],
];

test('matchesFilter: literal table', async (t) => {
  for (const [severity, type, logTypes, severities, alertTypes, filterLogTypes, expected] of rows) {
    const name = `${severity}/${type}/[${logTypes.join(',')}] vs sev[${severities.join(',')}] type[${alertTypes.join(',')}] log[${filterLogTypes.join(',')}] -> ${expected}`;
    await t.test(name, () => {
      assert.equal(
        matchesFilter({ severity, type, logTypes }, { severities, alertTypes, logTypes: filterLogTypes }),
        expected,
      );
    });
  }
});

test('the table covers every severity and every type as both a match and a non-match', () => {
  // Coverage of the literal table itself (a guard against the table shrinking), not of the code.
  for (const sev of ['INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const) {
    assert.ok(rows.some((r) => r[0] === sev && r[6]), `${sev} as a match`);
    assert.ok(rows.some((r) => r[0] === sev && !r[6]), `${sev} as a non-match`);
  }
  for (const type of ['RULE', 'POLICY', 'SCHEDULED_RULE', 'SYSTEM_ERROR', 'RULE_ERROR'] as const) {
    assert.ok(rows.some((r) => r[1] === type && r[6]), `${type} as a match`);
    assert.ok(rows.some((r) => r[1] === type && !r[6]), `${type} as a non-match`);
  }
  for (const n of [0, 1, 2]) assert.ok(rows.some((r) => r[2].length === n), `alerts with ${n} log types`);
});

const d = (
  id: string,
  enabled: boolean,
  severities: string[],
  alertTypes: string[],
  logTypes: string[],
): RoutableDestination => ({ id, enabled, severities, alertTypes, logTypes });

const destinations: RoutableDestination[] = [
  d('all', true, [], [], []),
  d('all-disabled', false, [], [], []),
  d('high-crit', true, ['HIGH', 'CRITICAL'], [], []),
  d('high-crit-disabled', false, ['HIGH', 'CRITICAL'], [], []),
  d('rules-cloudtrail', true, [], ['RULE', 'SCHEDULED_RULE'], [CT]),
  d('errors', true, [], ['SYSTEM_ERROR', 'RULE_ERROR'], []),
  d('okta-info', true, ['INFO'], [], [OK]),
];

// Columns: alert severity, type, log types | expected destination ids, in the input order.
const routes: Array<[Severity, AlertType, string[], string[]]> = [
  ['INFO', 'RULE', [], ['all']],
  ['INFO', 'RULE', [OK], ['all', 'okta-info']],
  ['INFO', 'SCHEDULED_RULE', [OK, CT], ['all', 'rules-cloudtrail', 'okta-info']],
  ['LOW', 'POLICY', [CT], ['all']],
  ['MEDIUM', 'RULE', [CT], ['all', 'rules-cloudtrail']],
  ['HIGH', 'RULE', [CT], ['all', 'high-crit', 'rules-cloudtrail']],
  ['HIGH', 'RULE', [GD], ['all', 'high-crit']],
  ['CRITICAL', 'SYSTEM_ERROR', [], ['all', 'high-crit', 'errors']],
  ['CRITICAL', 'RULE_ERROR', [OK], ['all', 'high-crit', 'errors']],
  ['LOW', 'RULE_ERROR', [], ['all', 'errors']],
];

test('routeAlert: literal table (disabled destinations never receive)', async (t) => {
  for (const [severity, type, logTypes, expected] of routes) {
    await t.test(`${severity}/${type}/[${logTypes.join(',')}] -> [${expected.join(',')}]`, () => {
      assert.deepEqual(routeAlert({ severity, type, logTypes }, destinations), expected);
    });
  }
});

test('routeAlert: keeps the input order and returns [] when nothing is enabled', () => {
  const reversed = [...destinations].reverse();
  assert.deepEqual(routeAlert({ severity: 'HIGH', type: 'RULE', logTypes: [CT] }, reversed), [
    'rules-cloudtrail',
    'high-crit',
    'all',
  ]);
  assert.deepEqual(
    routeAlert({ severity: 'HIGH', type: 'RULE', logTypes: [CT] }, [
      d('a', false, [], [], []),
      d('b', false, ['HIGH'], ['RULE'], [CT]),
    ]),
    [],
  );
  assert.deepEqual(routeAlert({ severity: 'HIGH', type: 'RULE', logTypes: [CT] }, []), []);
});

// Compile-time check (tsc): the domain Destination can be passed to routeAlert as it is.
export const destinationIsRoutable = (ds: Destination[]): string[] =>
  routeAlert({ severity: 'HIGH', type: 'RULE', logTypes: [] }, ds);

test('the domain Destination shape is accepted as it is', () => {
  const stored = { id: 'x', name: 'Jira', enabled: true, severities: ['HIGH'] as Severity[], alertTypes: [] as AlertType[], logTypes: [] };
  assert.deepEqual(routeAlert({ severity: 'HIGH', type: 'RULE', logTypes: [] }, [stored]), ['x']);
});
