// PostgreSQL LISTEN/NOTIFY for new delivery work: an enqueue NOTIFYs inside its transaction
// (PostgreSQL delivers it at the commit, never before), and every replica LISTENs on its own
// connection and wakes its worker, instead of waiting for its next poll.
import pg from 'pg';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Db } from './repositories/users.js';

export const WORK_CHANNEL = 'alertsync_delivery_work';

export async function notifyWork(tx: Db): Promise<void> {
  await sql`select pg_notify(${WORK_CHANNEL}, '')`.execute(tx);
}

/** Listens for new work; reconnects after a lost connection. Returns the stop function. */
export async function listenForWork(databaseUrl: string, logger: Logger, onWork: () => void): Promise<() => Promise<void>> {
  let stopped = false;
  let client: pg.Client | null = null;
  let retry: NodeJS.Timeout | undefined;
  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: databaseUrl });
    c.on('notification', () => onWork());
    c.on('error', (err) => {
      logger.warn({ err }, 'the connection listening for delivery work failed; reconnecting');
      c.end().catch(() => {});
      if (!stopped) retry = setTimeout(() => void connect().catch(() => {}), 1000);
    });
    await c.connect();
    await c.query(`LISTEN ${WORK_CHANNEL}`);
    client = c;
    if (stopped) await c.end();
    // Work committed while we were not listening is found by the poll; look once now anyway.
    onWork();
  };
  await connect();
  return async () => {
    stopped = true;
    clearTimeout(retry);
    await client?.end().catch(() => {});
  };
}
