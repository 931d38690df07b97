// One Jira client per destination version, built from its stored (sealed) credentials on demand.
import type { DestinationsService } from '../destinations/destinations-service.js';
import { createJiraClient, type JiraClient, type JiraRequestInfo } from '../jira/client/index.js';
import { DomainError } from '../errors.js';
import type { JiraAccess } from './worker.js';

export function createJiraAccess(
  destinations: DestinationsService,
  opts: { timeoutMs: number; allowInsecure: boolean; onRequest?: (info: JiraRequestInfo) => void },
): { jiraFor(id: string): Promise<JiraAccess | null>; close(): Promise<void> } {
  const cache = new Map<string, { version: number; client: JiraClient }>();
  return {
    async jiraFor(id: string) {
      let destination;
      try {
        destination = await destinations.get(id);
      } catch (err) {
        if (err instanceof DomainError && err.kind === 'not_found') {
          await cache.get(id)?.client.close();
          cache.delete(id);
          return null;
        }
        throw err;
      }
      const hit = cache.get(id);
      if (hit && hit.version === destination.updatedAt) return { destination, client: hit.client };
      const creds = await destinations.credentialsFor(id);
      const client = createJiraClient({ baseUrl: creds.domain, email: creds.email, apiToken: creds.apiToken, timeoutMs: opts.timeoutMs, allowInsecure: opts.allowInsecure, userAgent: 'alertsync', onRequest: opts.onRequest });
      await hit?.client.close();
      cache.set(id, { version: destination.updatedAt, client });
      return { destination, client };
    },
    async close() {
      await Promise.allSettled([...cache.values()].map((c) => c.client.close()));
      cache.clear();
    },
  };
}
