// The spec's configuration rules for Jira Cloud destinations, as one pure function.
//
// Possible: any number of one-way (or off) destinations, on any projects and sites; one two-way
// destination per site alongside them.
// Not possible: two two-way destinations on the same Jira site (whatever their projects) → a
// conflict naming the other destination. A two-way destination linked to several projects cannot
// be expressed at all (projectKey is a single key).
// Not recommended: two-way destinations on different sites → accepted, with a warning.
import { SYNC_ASPECTS, isTwoWay, type SyncAspect, type SyncMode } from './destination.js';

export interface RuleCandidate {
  /** null while the destination does not exist yet. */
  id: string | null;
  name: string;
  siteHost: string;
  sync: Record<SyncAspect, SyncMode>;
}

export interface RuleOutcome {
  /** Set when the candidate may not be saved (the HTTP layer answers 409). */
  conflict: { message: string; otherId: string; otherName: string } | null;
  warnings: string[];
}

const twoWayAspects = (sync: Record<SyncAspect, SyncMode>) => SYNC_ASPECTS.filter((a) => sync[a] === 'two_way');

export function checkConfigRules(candidate: RuleCandidate, others: readonly RuleCandidate[]): RuleOutcome {
  const warnings: string[] = [];
  if (!isTwoWay(candidate.sync)) return { conflict: null, warnings };
  const peers = others.filter((o) => o.id !== candidate.id && isTwoWay(o.sync));
  const sameSite = peers.find((o) => o.siteHost === candidate.siteHost);
  if (sameSite) {
    return {
      conflict: {
        message:
          `destination "${sameSite.name}" (${sameSite.id}) already has two-way sync (${twoWayAspects(sameSite.sync).join(', ')}) with the Jira site ${candidate.siteHost}; ` +
          'only one destination per Jira site may use two-way sync, because two would sync each other in an endless loop. ' +
          'Use one-way sync here, or change that destination first.',
        otherId: sameSite.id!,
        otherName: sameSite.name,
      },
      warnings,
    };
  }
  const elsewhere = peers.filter((o) => o.siteHost !== candidate.siteHost);
  if (elsewhere.length) {
    const list = elsewhere.map((o) => `"${o.name}" (${o.siteHost})`).join(', ');
    warnings.push(
      `two-way sync is also set up on other Jira sites: ${list}. This is accepted but not recommended: ` +
        'if those sites sync with each other, changes may loop between them.',
    );
  }
  return { conflict: null, warnings };
}
