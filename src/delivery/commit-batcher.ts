// One commit for the writes that jobs make at about the same moment (marks before their sends,
// completions after their answers): each write waits at most until the next turn of the event loop,
// then every write queued by then runs in one transaction. A write that throws rolls its batch back;
// the batch is then run again with one transaction per write, so one bad write fails only itself.
import type { Db } from '../storage/repositories/users.js';

interface Pending {
  fn: (tx: Db) => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export class CommitBatcher {
  #queue: Pending[] = [];
  #scheduled = false;
  /** Transactions committed and writes in them, for tests and benchmarks. */
  readonly stats = { commits: 0, writes: 0 };

  constructor(private readonly db: Db) {}

  run<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => void this.#flush());
      }
    });
  }

  async #flush(): Promise<void> {
    const batch = this.#queue;
    this.#queue = [];
    this.#scheduled = false;
    if (batch.length === 0) return;
    try {
      const results = await this.db.transaction().execute(async (tx) => {
        const out: unknown[] = [];
        for (const p of batch) out.push(await p.fn(tx));
        return out;
      });
      this.stats.commits++;
      this.stats.writes += batch.length;
      batch.forEach((p, i) => p.resolve(results[i]));
    } catch (err) {
      if (batch.length === 1) {
        batch[0]!.reject(err);
        return;
      }
      for (const p of batch) {
        await this.db
          .transaction()
          .execute(p.fn)
          .then(
            (v) => {
              this.stats.commits++;
              this.stats.writes++;
              p.resolve(v);
            },
            p.reject,
          );
      }
    }
  }
}
