// Use cases on alerts. Every change is recorded with its actor and origin, in the same transaction
// as the change itself; listeners (routing and the delivery outbox) run inside that transaction too.
import { forbidden, invalid, notFound } from '../errors.js';
import { newId } from '../ids.js';
import type { Clock } from '../clock.js';
import type { Db } from '../storage/repositories/users.js';
import * as repo from '../storage/repositories/alerts.js';
import * as usersRepo from '../storage/repositories/users.js';
import { normalizeEmail, type Actor, type Origin, type User } from '../users/user.js';
import { checkNewAlert, type Alert, type AlertChange, type AlertStatus, type Comment, type NewAlert } from './alert.js';

export type AlertEvent = { actor: Actor; origin: Origin; at: number; alert: Alert } & (
  | { kind: 'created' }
  | { kind: 'occurrence' }
  | { kind: 'status'; from: AlertStatus; to: AlertStatus }
  | { kind: 'assignee'; from: string | null; to: string | null }
  | { kind: 'comment_added' | 'comment_edited' | 'comment_deleted'; comment: Comment }
);

/** Runs inside the transaction of the change: whatever it writes commits or rolls back with it. */
export type AlertEventListener = (tx: Db, event: AlertEvent) => Promise<void>;

export const MAX_BATCH = 1000;
export const MAX_COMMENT_CHARS = 65_536;

export interface AlertDetail {
  alert: Alert;
  assignee: User | null;
  comments: Comment[];
  history: AlertChange[];
}

export class AlertsService {
  readonly #listeners: AlertEventListener[] = [];
  readonly #committed: Array<() => void> = [];

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly limits: { maxContextBytes: number },
  ) {}

  onEvent(listener: AlertEventListener): void {
    this.#listeners.push(listener);
  }

  /** Runs after a change's transaction committed (e.g. to wake the delivery worker). */
  onCommitted(listener: () => void): void {
    this.#committed.push(listener);
  }

  async #emit(tx: Db, event: AlertEvent): Promise<void> {
    for (const l of this.#listeners) await l(tx, event);
  }

  /** Creates an alert, or counts one more occurrence of the open alert with the same dedup key. */
  async create(actor: Actor, origin: Origin, input: NewAlert): Promise<{ alert: Alert; created: boolean }> {
    checkNewAlert(input, this.limits.maxContextBytes);
    const [r] = await this.#inTransactionWithRetry((tx) => this.#createOne(tx, actor, origin, input).then((x) => [x]));
    return r!;
  }

  /** Creates up to MAX_BATCH alerts, all or nothing. */
  async createBatch(actor: Actor, origin: Origin, inputs: NewAlert[]): Promise<Array<{ alert: Alert; created: boolean }>> {
    if (inputs.length === 0) throw invalid('empty_batch', 'alerts must hold at least one alert');
    if (inputs.length > MAX_BATCH) throw invalid('batch_too_large', `a batch holds at most ${MAX_BATCH} alerts, got ${inputs.length}`);
    inputs.forEach((a, i) => {
      try {
        checkNewAlert(a, this.limits.maxContextBytes);
      } catch (err) {
        if (err instanceof Error) err.message = `alerts[${i}]: ${err.message}`;
        throw err;
      }
    });
    return this.#inTransactionWithRetry(async (tx) => {
      const out: Array<{ alert: Alert; created: boolean }> = [];
      for (const input of inputs) out.push(await this.#createOne(tx, actor, origin, input));
      return out;
    });
  }

  /** On PostgreSQL two concurrent creates with one dedup key race on the unique index: retry once. */
  async #inTransactionWithRetry<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await this.db.transaction().execute(fn);
        for (const l of this.#committed) l();
        return result;
      } catch (err) {
        const code = (err as { code?: string }).code;
        const unique = code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
        if (!unique || attempt >= 2) throw err;
      }
    }
  }

  async #createOne(tx: Db, actor: Actor, origin: Origin, input: NewAlert): Promise<{ alert: Alert; created: boolean }> {
    const now = this.clock.now();
    const dedupKey = input.dedupKey ?? null;
    if (dedupKey !== null) {
      const alert = await repo.bumpOccurrence(tx, dedupKey, now);
      if (alert) {
        await repo.insertChange(tx, { alertId: alert.id, kind: 'occurrence', field: 'occurrences', from: alert.occurrences - 1, to: alert.occurrences, actor, origin, at: now });
        await this.#emit(tx, { kind: 'occurrence', actor, origin, at: now, alert });
        return { alert, created: false };
      }
    }
    const alert: Alert = {
      id: newId('alr', now),
      title: input.title.trim(),
      description: input.description ?? null,
      severity: input.severity,
      type: input.type,
      logTypes: [...new Set(input.logTypes ?? [])],
      ruleId: input.ruleId ?? null,
      runbook: input.runbook ?? null,
      context: input.context ?? {},
      tags: [...new Set(input.tags ?? [])],
      status: 'OPEN',
      assigneeId: null,
      dedupKey,
      occurrences: 1,
      lastSeenAt: now,
      createdAt: now,
      updatedAt: now,
    };
    await repo.insertAlert(tx, alert);
    await repo.insertChange(tx, { alertId: alert.id, kind: 'created', field: null, from: null, to: null, actor, origin, at: now });
    await this.#emit(tx, { kind: 'created', actor, origin, at: now, alert });
    return { alert, created: true };
  }

  async get(id: string): Promise<AlertDetail> {
    const alert = await repo.findAlert(this.db, id);
    if (!alert) throw notFound('alert', id);
    const [comments, history, assignee] = await Promise.all([
      repo.listComments(this.db, id),
      repo.listChanges(this.db, id),
      alert.assigneeId ? usersRepo.findUserById(this.db, alert.assigneeId) : Promise.resolve(undefined),
    ]);
    return { alert, assignee: assignee ?? null, comments, history };
  }

  async list(q: repo.AlertQuery): Promise<Alert[]> {
    return repo.queryAlerts(this.db, q);
  }

  async changeStatus(actor: Actor, origin: Origin, id: string, to: AlertStatus): Promise<Alert> {
    return this.#change(async (tx) => {
      const before = await this.#load(tx, id);
      if (before.status === to) return before;
      const now = this.clock.now();
      const alert: Alert = { ...before, status: to, updatedAt: now };
      // Reopening a closed alert takes its dedup key back only when no other open alert holds it.
      let keepKey = true;
      if (before.status === 'CLOSED' && alert.dedupKey !== null) {
        keepKey = (await repo.findOpenAlertByDedupKey(tx, alert.dedupKey)) === undefined;
      }
      await repo.saveAlert(tx, alert, keepKey);
      await repo.insertChange(tx, { alertId: id, kind: 'status', field: 'status', from: before.status, to, actor, origin, at: now });
      await this.#emit(tx, { kind: 'status', actor, origin, at: now, alert, from: before.status, to });
      return alert;
    });
  }

  /** Assigns by user id or email; null unassigns. */
  async assign(actor: Actor, origin: Origin, id: string, who: { userId?: string | null; email?: string | null }): Promise<Alert> {
    return this.#change(async (tx) => {
      const before = await this.#load(tx, id);
      let assignee: User | undefined;
      if (who.userId) {
        assignee = await usersRepo.findUserById(tx, who.userId);
        if (!assignee) throw invalid('unknown_assignee', `no user has the id ${JSON.stringify(who.userId)}`);
      } else if (who.email) {
        assignee = await usersRepo.findUserByEmail(tx, normalizeEmail(who.email));
        if (!assignee) throw invalid('unknown_assignee', `no user has the email ${JSON.stringify(who.email)}`);
      }
      if (assignee?.disabled) throw invalid('disabled_assignee', `user ${assignee.email} is disabled`);
      const to = assignee?.id ?? null;
      if (before.assigneeId === to) return before;
      const now = this.clock.now();
      const alert: Alert = { ...before, assigneeId: to, updatedAt: now };
      await repo.saveAlert(tx, alert);
      await repo.insertChange(tx, { alertId: id, kind: 'assignee', field: 'assignee', from: before.assigneeId, to, actor, origin, at: now });
      await this.#emit(tx, { kind: 'assignee', actor, origin, at: now, alert, from: before.assigneeId, to });
      return alert;
    });
  }

  /** `within` runs in the comment's transaction (two-way sync records the Jira comment it came from). */
  async addComment(actor: Actor, origin: Origin, alertId: string, body: string, within?: (tx: Db, comment: Comment) => Promise<void>): Promise<Comment> {
    checkCommentBody(body);
    return this.#change(async (tx) => {
      const alert = await this.#load(tx, alertId);
      const now = this.clock.now();
      const comment: Comment = { id: newId('cmt', now), alertId, authorId: actor.id, authorName: actor.name, body, origin, createdAt: now, updatedAt: now };
      await repo.insertComment(tx, comment);
      await repo.insertChange(tx, { alertId, kind: 'comment_added', field: 'comment', from: null, to: { id: comment.id }, actor, origin, at: now });
      await this.#emit(tx, { kind: 'comment_added', actor, origin, at: now, alert, comment });
      if (within) await within(tx, comment);
      return comment;
    });
  }

  async editComment(actor: Actor, origin: Origin, alertId: string, commentId: string, body: string, opts: { anyAuthor: boolean }): Promise<Comment> {
    checkCommentBody(body);
    return this.#change(async (tx) => {
      const alert = await this.#load(tx, alertId);
      const before = await repo.findComment(tx, alertId, commentId);
      if (!before) throw notFound('comment', commentId);
      if (!opts.anyAuthor && before.authorId !== actor.id) throw forbidden('only the author of a comment (or an admin) may edit it');
      if (before.body === body) return before;
      const now = this.clock.now();
      await repo.updateCommentBody(tx, commentId, body, now);
      const comment: Comment = { ...before, body, updatedAt: now };
      await repo.insertChange(tx, { alertId, kind: 'comment_edited', field: 'comment', from: { id: commentId }, to: { id: commentId }, actor, origin, at: now });
      await this.#emit(tx, { kind: 'comment_edited', actor, origin, at: now, alert, comment });
      return comment;
    });
  }

  async deleteComment(actor: Actor, origin: Origin, alertId: string, commentId: string, opts: { anyAuthor: boolean }): Promise<void> {
    await this.#change(async (tx) => {
      const alert = await this.#load(tx, alertId);
      const before = await repo.findComment(tx, alertId, commentId);
      if (!before) throw notFound('comment', commentId);
      if (!opts.anyAuthor && before.authorId !== actor.id) throw forbidden('only the author of a comment (or an admin) may delete it');
      const now = this.clock.now();
      await repo.markCommentDeleted(tx, commentId, now);
      await repo.insertChange(tx, { alertId, kind: 'comment_deleted', field: 'comment', from: { id: commentId }, to: null, actor, origin, at: now });
      await this.#emit(tx, { kind: 'comment_deleted', actor, origin, at: now, alert, comment: before });
    });
  }

  /** A change in one transaction; after its commit the committed listeners run (the worker looks at once). */
  async #change<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    const r = await this.db.transaction().execute(fn);
    for (const l of this.#committed) l();
    return r;
  }

  async #load(tx: Db, id: string): Promise<Alert> {
    const a = await repo.findAlertForUpdate(tx, id);
    if (!a) throw notFound('alert', id);
    return a;
  }
}

function checkCommentBody(body: string): void {
  if (body.trim() === '') throw invalid('empty_comment', 'comment body must not be blank');
  if (body.length > MAX_COMMENT_CHARS) throw invalid('comment_too_long', `comment body is ${body.length} characters, above the limit of ${MAX_COMMENT_CHARS}`);
}
