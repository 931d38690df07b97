// Reading the audit log (entries are written by each service, in the transaction of its change).
import type { Db } from '../storage/repositories/users.js';
import { listAudit, type AuditEntry } from '../storage/repositories/audit.js';

export interface AuditQuery {
  before?: number;
  limit: number;
  action?: string;
  targetId?: string;
}

export class AuditService {
  constructor(private readonly db: Db) {}

  /** Newest first; `before` is the id of the last entry of the previous page. */
  list(q: AuditQuery): Promise<AuditEntry[]> {
    return listAudit(this.db, q);
  }
}
