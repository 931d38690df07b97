// One Jira client per destination version, built from its stored (sealed) credentials on demand.
// A change of the destination makes a new client for the runs that start after it; the old one is
// closed only when the last run using it has released it, so editing a destination never breaks
// a delivery in flight (issue #8, hole 3).
import type { DestinationsService } from '../destinations/destinations-service.js';
import { createJiraClient, type JiraClient, type JiraRequestInfo } from '../jira/client/index.js';
import { DomainError } from '../errors.js';
import type { Destination } from '../destinations/destination.js';
import type { Db } from '../storage/repositories/users.js';
import { destinationVersion } from '../storage/repositories/destination-errors.js';
import type { JiraAccess } from './worker.js';

interface Entry {
  version: number;
  client: JiraClient;
  users: number;
  /** A newer version replaced it (or the destination is gone): close when the last user leaves. */
  retired: boolean;
}

export function createJiraAccess(
  destinations: DestinationsService,
  db: Db,
  opts: { timeoutMs: number; allowInsecure: boolean; refuseHost?: (siteHost: string) => string | null; onRequest?: (info: JiraRequestInfo, siteHost: string) => void },
): { jiraFor(id: string, known?: { version: number | undefined }): Promise<JiraAccess | null>; noteError(id: string, message: string | null): void; openClients(): number; close(): Promise<void> } {
  const current = new Map<string, Entry>();
  const all = new Set<Entry>();
  const recent = new Map<string, Destination>();

  const retire = (e: Entry | undefined): void => {
    if (!e) return;
    e.retired = true;
    if (e.users === 0) closeEntry(e);
  };
  const closeEntry = (e: Entry): void => {
    all.delete(e);
    void e.client.close().catch(() => {});
  };
  const lend = (e: Entry, destination: Destination): JiraAccess => {
    e.users++;
    let released = false;
    return {
      destination,
      client: e.client,
      release() {
        if (released) return;
        released = true;
        e.users--;
        if (e.retired && e.users === 0) closeEntry(e);
      },
    };
  };

  return {
    async jiraFor(id: string, known?: { version: number | undefined }) {
      let destination: Destination;
      const hit0 = recent.get(id);
      try {
        // A destination is read whole only when it changed since the last job (one cheap query).
        const version = known ? known.version : await destinationVersion(db, id);
        if (hit0 && version === hit0.updatedAt) destination = hit0;
        else {
          destination = await destinations.get(id);
          recent.set(id, destination);
        }
      } catch (err) {
        if (err instanceof DomainError && err.kind === 'not_found') {
          retire(current.get(id));
          current.delete(id);
          recent.delete(id);
          return null;
        }
        throw err;
      }
      const hit = current.get(id);
      if (hit && hit.version === destination.updatedAt) return lend(hit, destination);
      const creds = await destinations.credentialsFor(id);
      const again = current.get(id);
      if (again && again.version === destination.updatedAt) return lend(again, destination);
      const entry: Entry = {
        version: destination.updatedAt,
        client: createJiraClient({ baseUrl: creds.domain, email: creds.email, apiToken: creds.apiToken, timeoutMs: opts.timeoutMs, allowInsecure: opts.allowInsecure, refuseHost: opts.refuseHost, userAgent: 'alertsync', onRequest: opts.onRequest && ((info) => opts.onRequest!(info, destination.siteHost)) }),
        users: 0,
        retired: false,
      };
      all.add(entry);
      current.set(id, entry);
      retire(again);
      return lend(entry, destination);
    },
    /** Keeps the cached destination's lastError in step with the row (it does not change updated_at). */
    noteError(id: string, message: string | null) {
      const hit = recent.get(id);
      if (hit) recent.set(id, { ...hit, lastError: message });
    },
    /** Clients not yet closed (current ones and retired ones still in use). */
    openClients() {
      return all.size;
    },
    async close() {
      await Promise.allSettled([...all].map((e) => e.client.close()));
      all.clear();
      current.clear();
    },
  };
}
