// A job whose run fails outside its handler's own failure handling (here: the database refuses the
// write of the failure's outcome; in the flaky two-replica sync test it was a database error of the
// same kind under load) is put back by the runner, instead of staying `running` until its lease
// ends. The fault is a real one of the real database: a trigger that refuses to put a running job
// back to pending, dropped once the worker has reported the crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startEmulator } from '../../src/jira/emulator/index.js';
import { DB_KINDS, startTestService } from '../support/service.js';
import { createEmulatorDestination, issuesForAlert, waitFor } from '../support/delivery.js';

// The lease is far longer than the test waits: only the runner's own release can free the job.
const SETTINGS = {
  ALERTSYNC_ALLOW_INSECURE_JIRA: '1',
  ALERTSYNC_WORKER_POLL_MS: '20',
  ALERTSYNC_RETRY_BASE_MS: '50',
  ALERTSYNC_RETRY_MAX_MS: '300',
  ALERTSYNC_JIRA_TIMEOUT_MS: '2000',
  ALERTSYNC_JOB_LEASE_MS: '120000',
  ALERTSYNC_CREATE_RECHECK_MS: '300',
  ALERTSYNC_SWEEP_DELAY_MS: '3600000',
};

const FAULT = 'injected fault: the database refused the write';

for (const db of DB_KINDS) {
  test(`a run that crashes on a database error puts its job back at once, not when its lease ends [${db}]`, async () => {
    const emu = await startEmulator();
    const svc = await startTestService(db, SETTINGS);
    const kdb = svc.service.storage.db;
    const dropFault = async () => {
      await sql`drop trigger if exists fail_job_release ${sql.raw(db === 'postgres' ? 'on delivery_jobs' : '')}`.execute(kdb);
    };
    try {
      await createEmulatorDestination(svc, emu);
      if (db === 'postgres') {
        await sql.raw(`create or replace function fail_job_release() returns trigger language plpgsql as $$ begin raise exception '${FAULT}'; end $$`).execute(kdb);
        await sql.raw(`create trigger fail_job_release before update on delivery_jobs for each row when (old.state = 'running' and new.state = 'pending') execute function fail_job_release()`).execute(kdb);
      } else {
        await sql.raw(`create trigger fail_job_release before update of state on delivery_jobs when old.state = 'running' and new.state = 'pending' begin select raise(abort, '${FAULT}'); end`).execute(kdb);
      }
      // Jira answers 503: the runner decides "retry" and its write of that outcome is refused.
      emu.emulator.configureFaults({ serverErrors: { rate: 1 } });
      const alert = (await svc.api('POST', '/api/alerts', { title: 'crashed run', severity: 'HIGH', type: 'RULE' })).body.id as string;
      await waitFor('the crash', () => svc.logs.some((l) => l.includes('delivery job crashed') && l.includes(FAULT)), 15_000);
      await dropFault();
      emu.emulator.configureFaults({});
      // Well inside the 120 s lease: the job is back to pending, runs again, looks up, creates, links.
      const link = await waitFor('the link', async () => (await svc.api('GET', `/api/alerts/${alert}/deliveries`)).body.links[0], 15_000).catch(async (err) => {
        const jobs = (await svc.api('GET', `/api/alerts/${alert}/deliveries`)).body.jobs.map((j: { kind: string; state: string; lastError: string | null }) => [j.kind, j.state, j.lastError]);
        throw new Error(`${(err as Error).message}; jobs ${JSON.stringify(jobs)}`);
      });
      assert.equal(issuesForAlert(emu, alert).length, 1);
      assert.equal(link.issueKey, issuesForAlert(emu, alert)[0]!.key);
    } finally {
      await dropFault().catch(() => {});
      await svc.close();
      await emu.close();
    }
  });
}
