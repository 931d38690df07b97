// Order and bursts (issue #11): the changes waiting for one Jira issue, reduced to what must be
// sent, in order. Status and assignee are idempotent by target state, so a run of queued changes
// collapses to its latest state: one status change (from the status before the first to the status
// after the last, placed where the last one was) and one assignment (the last). A status run that
// ends where it began sends nothing. Comment creates, edits and deletes are all kept, once each
// (a change queued twice under the same id counts once), in the order they were made.
import type { AlertStatus } from '../alerts/alert.js';

export type QueuedChange =
  | { id: string; seq: number; kind: 'status'; from: AlertStatus; to: AlertStatus; by: string }
  | { id: string; seq: number; kind: 'assignee'; to: string | null; by: string }
  | { id: string; seq: number; kind: 'comment-create' | 'comment-edit' | 'comment-delete'; commentId: string; by: string };

export function collapseQueue(changes: readonly QueuedChange[]): QueuedChange[] {
  const seen = new Set<string>();
  const ordered = [...changes]
    .sort((a, b) => a.seq - b.seq)
    .filter((c) => (seen.has(c.id) ? false : (seen.add(c.id), true)));
  const statuses = ordered.filter((c) => c.kind === 'status');
  const lastStatus = statuses.at(-1);
  const lastAssignee = ordered.filter((c) => c.kind === 'assignee').at(-1);
  const out: QueuedChange[] = [];
  for (const c of ordered) {
    if (c.kind === 'status') {
      if (c !== lastStatus) continue;
      const from = statuses[0]!.from;
      if (from !== c.to) out.push({ ...c, from });
    } else if (c.kind === 'assignee') {
      if (c === lastAssignee) out.push(c);
    } else out.push(c);
  }
  return out;
}
