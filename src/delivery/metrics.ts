// Delivery metrics: jobs by state (read at scrape time), Jira calls by operation and status.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { JiraRequestInfo } from '../jira/client/index.js';
import { countJobsByState } from '../storage/repositories/delivery.js';
import type { Db } from '../storage/repositories/users.js';
import type { DeliveryJob } from './job.js';

export function installDeliveryMetrics(registry: Registry, db: Db) {
  const calls = new Counter({ name: 'alertsync_jira_requests_total', help: 'Jira calls by operation and status (status "none": no answer)', labelNames: ['operation', 'status'], registers: [registry] });
  const finished = new Counter({ name: 'alertsync_delivery_jobs_finished_total', help: 'Delivery jobs finished, by kind and outcome', labelNames: ['kind', 'outcome'], registers: [registry] });
  new Gauge({
    name: 'alertsync_delivery_jobs',
    help: 'Delivery jobs by state',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const counts = await countJobsByState(db).catch(() => ({}) as Record<string, number>);
      this.reset();
      for (const s of ['pending', 'running', 'blocked', 'paused', 'done', 'failed', 'cancelled']) this.set({ state: s }, counts[s] ?? 0);
    },
  });
  return {
    onJiraRequest: (info: JiraRequestInfo) => calls.inc({ operation: info.operation, status: info.status === null ? 'none' : String(info.status) }),
    onJobFinished: (job: DeliveryJob, outcome: string) => finished.inc({ kind: job.kind, outcome }),
  };
}
