// Writes that every route shares: record a change (changelog, updated, search index, webhook event).
import { adfToWiki, type AdfDoc } from '../adf-wiki.js';
import type { ChangeItem, Comment, Issue, User } from '../state/model.js';
import type { SiteStore } from '../state/store.js';

export function recordChange(store: SiteStore, issue: Issue, actor: User, items: ChangeItem[], eventTypeName: string, now: Date, comment?: Comment): void {
  issue.updated = now;
  const entry = items.length > 0 ? store.newChangelog(actor, items, now) : null;
  if (entry) issue.changelog.push(entry);
  store.indexIssue(issue, now.getTime());
  store.emit({ kind: 'issue_updated', issue, actor, eventTypeName, changelog: entry ?? { id: String(store.nextChangelogId++), authorId: actor.accountId, created: now, items: [] }, ...(comment ? { comment } : {}) });
}

export function textItem(field: string, from: string | null, to: string | null): ChangeItem {
  return { field, fieldtype: 'jira', fieldId: field, from: null, fromString: from, to: null, toString: to };
}

export function richItem(field: string, from: AdfDoc | null, to: AdfDoc | null): ChangeItem {
  return textItem(field, adfToWiki(from), adfToWiki(to));
}

export function labelsItem(from: string[], to: string[]): ChangeItem {
  return { field: 'labels', fieldtype: 'jira', fieldId: 'labels', from: null, fromString: from.join(' '), to: null, toString: to.join(' ') };
}

export function assigneeItem(store: SiteStore, from: string | null, to: string | null): ChangeItem {
  const name = (id: string | null): string | null => (id === null ? null : (store.users.get(id)?.displayName ?? null));
  return {
    field: 'assignee', fieldtype: 'jira', fieldId: 'assignee',
    from, fromString: name(from), to, toString: name(to),
    tmpFromAccountId: from, tmpToAccountId: to,
  };
}

export function idItem(field: string, from: { id: string; name: string } | null, to: { id: string; name: string } | null): ChangeItem {
  return { field, fieldtype: 'jira', fieldId: field, from: from?.id ?? null, fromString: from?.name ?? null, to: to?.id ?? null, toString: to?.name ?? null };
}

export function sameDoc(a: AdfDoc | null, b: AdfDoc | null): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
