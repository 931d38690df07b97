// Routing: which destinations receive a newly created alert.
//
// Pure: no I/O, no storage, no Jira. Requirement: "When an alert is created, every enabled
// destination whose filter matches (severity levels, alert types, and log types, where an empty
// list means all) gets it."
//
// Rules (see docs/decisions/routing.md):
// - A destination must be enabled.
// - severities: empty = all; otherwise the alert's severity must be listed.
// - alertTypes: empty = all; otherwise the alert's type must be listed.
// - logTypes: empty = all; otherwise at least ONE of the alert's log types must be listed.
//   An alert WITHOUT log types (e.g. SYSTEM_ERROR alerts, which have none by nature) does NOT
//   match a non-empty log-type filter, whatever its type. Reason: the filter reads "only send
//   alerts from these log types"; an alert from no log type is not from one of them. One rule with
//   no per-type exception is easy to predict and fails closed (a destination restricted to some
//   log types never receives anything else). To receive system errors, use a destination (or a
//   second one) whose log-type filter is empty.
// - Comparison is exact and case-sensitive (severities and types are upper-case enums; log type
//   names such as "AWS.CloudTrail" are identifiers).

import type { AlertType, Severity } from '../alerts/alert.js';

/** The parts of an alert that routing looks at. */
export interface RoutableAlert {
  severity: Severity;
  type: AlertType;
  logTypes: readonly string[];
}

/**
 * A destination's routing filter. An empty list means "all". Lists are plain strings so that a
 * stored filter is matched as it is (an unknown value simply matches nothing).
 */
export interface RoutingFilter {
  severities: readonly string[];
  alertTypes: readonly string[];
  logTypes: readonly string[];
}

/** The parts of a destination that routing looks at (the domain `Destination` fits it). */
export interface RoutableDestination extends RoutingFilter {
  id: string;
  enabled: boolean;
}

/** True when the alert passes the filter (the destination's enabled flag is not considered here). */
export function matchesFilter(alert: RoutableAlert, filter: RoutingFilter): boolean {
  if (filter.severities.length > 0 && !filter.severities.includes(alert.severity)) return false;
  if (filter.alertTypes.length > 0 && !filter.alertTypes.includes(alert.type)) return false;
  if (filter.logTypes.length > 0 && !alert.logTypes.some((lt) => filter.logTypes.includes(lt))) {
    return false;
  }
  return true;
}

/** Ids of the enabled destinations whose filter matches the alert, in the input order. */
export function routeAlert(alert: RoutableAlert, destinations: readonly RoutableDestination[]): string[] {
  return destinations.filter((d) => d.enabled && matchesFilter(alert, d)).map((d) => d.id);
}
