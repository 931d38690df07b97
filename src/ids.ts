import { randomUUID } from 'node:crypto';

/** Time-ordered, prefixed identifiers: sortable by creation, readable in logs ("alr_…"). */
export function newId(prefix: string, now = Date.now()): string {
  return `${prefix}_${now.toString(36).padStart(9, '0')}${randomUUID().replace(/-/g, '').slice(0, 16)}`;
}
