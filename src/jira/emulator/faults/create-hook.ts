// The create hook: after POST /issue has stored the issue, the answer is held and the test is told
// (event + admin long-poll), so it can crash or cut its client inside that window, then release,
// drop or destroy the answer.
import { EventEmitter } from 'node:events';

export type HeldAction = 'send' | 'hold' | 'destroy';

export interface HeldCreate {
  holdId: string;
  issueId: string;
  key: string;
  heldAt: string;
}

interface Entry extends HeldCreate {
  resolve: (a: HeldAction) => void;
  reported: boolean;
}

export class CreateHook {
  readonly events = new EventEmitter();
  private held = new Map<string, Entry>();
  private waiters: ((h: HeldCreate) => void)[] = [];
  private nextId = 1;

  hold(issueId: string, key: string): Promise<HeldAction> {
    return new Promise((resolve) => {
      const e: Entry = { holdId: String(this.nextId++), issueId, key, heldAt: new Date().toISOString(), resolve, reported: false };
      this.held.set(e.holdId, e);
      const info = publicInfo(e);
      const w = this.waiters.shift();
      if (w) {
        e.reported = true;
        w(info);
      }
      this.events.emit('held', info);
    });
  }

  /** The oldest held create not yet reported through next(), waiting up to timeoutMs for one. */
  next(timeoutMs: number): Promise<HeldCreate | null> {
    for (const e of this.held.values()) {
      if (!e.reported) {
        e.reported = true;
        return Promise.resolve(publicInfo(e));
      }
    }
    return new Promise((resolve) => {
      const waiter = (h: HeldCreate): void => {
        clearTimeout(timer);
        resolve(h);
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(null);
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  list(): HeldCreate[] {
    return [...this.held.values()].map(publicInfo);
  }

  release(holdId: string, action: HeldAction): boolean {
    const e = this.held.get(holdId);
    if (!e) return false;
    this.held.delete(holdId);
    e.resolve(action);
    return true;
  }

  releaseAll(action: HeldAction): number {
    const ids = [...this.held.keys()];
    for (const id of ids) this.release(id, action);
    return ids.length;
  }
}

function publicInfo(e: Entry): HeldCreate {
  return { holdId: e.holdId, issueId: e.issueId, key: e.key, heldAt: e.heldAt };
}
