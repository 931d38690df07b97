// One Jira client per destination version, built from its stored (sealed) credentials on demand.
import type { DestinationsService } from '../destinations/destinations-service.js';
import { createJiraClient, type JiraClient, type JiraRequestInfo } from '../jira/client/index.js';
import { DomainError } from '../errors.js';
import type { Destination } from '../destinations/destination.js';
import type { Db } from '../storage/repositories/users.js';
import { destinationVersion } from '../storage/repositories/destination-errors.js';
import type { JiraAccess } from './worker.js';

export function createJiraAccess(
  destinations: DestinationsService,
  db: Db,
  opts: { timeoutMs: number; allowInsecure: boolean; refuseHost?: (siteHost: string) => string | null; onRequest?: (info: JiraRequestInfo, siteHost: string) => void },
): { jiraFor(id: string): Promise<JiraAccess | null>; noteError(id: string, message: string | null): void; close(): Promise<void> } {
  const cache = new Map<string, { version: number; client: JiraClient }>();
  const recent = new Map<string, { at: number; destination: Destination }>();
  return {
    async jiraFor(id: string) {
      let destination: Destination;
      const hit0 = recent.get(id);
      try {
        // A destination is read whole only when it changed since the last job (one cheap query).
        const version = await destinationVersion(db, id);
        if (hit0 && version === hit0.destination.updatedAt) destination = hit0.destination;
        else {
          destination = await destinations.get(id);
          recent.set(id, { at: Date.now(), destination });
        }
      } catch (err) {
        if (err instanceof DomainError && err.kind === 'not_found') {
          await cache.get(id)?.client.close();
          cache.delete(id);
          recent.delete(id);
          return null;
        }
        throw err;
      }
      const hit = cache.get(id);
      if (hit && hit.version === destination.updatedAt) return { destination, client: hit.client };
      const creds = await destinations.credentialsFor(id);
      const client = createJiraClient({ baseUrl: creds.domain, email: creds.email, apiToken: creds.apiToken, timeoutMs: opts.timeoutMs, allowInsecure: opts.allowInsecure, refuseHost: opts.refuseHost, userAgent: 'alertsync', onRequest: opts.onRequest && ((info) => opts.onRequest!(info, destination.siteHost)) });
      await hit?.client.close();
      cache.set(id, { version: destination.updatedAt, client });
      return { destination, client };
    },
    /** Keeps the cached destination's lastError in step with the row (it does not change updated_at). */
    noteError(id: string, message: string | null) {
      const hit = recent.get(id);
      if (hit) hit.destination = { ...hit.destination, lastError: message };
    },
    async close() {
      await Promise.allSettled([...cache.values()].map((c) => c.client.close()));
      cache.clear();
    },
  };
}
