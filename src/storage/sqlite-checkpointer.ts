// WAL checkpoints of the embedded SQLite database, in a thread of their own.
//
// SQLite's automatic checkpoint runs inside the commit that crosses 1,000 WAL pages: that commit
// copies the pages into the database file and waits for two fsyncs, and better-sqlite3 runs it on
// the event loop. Measured on the delivery path (bench/RESULTS.md): commits of 15 job updates
// took 410–500 µs on average with it and 100–110 µs without it. Here the automatic checkpoint is
// off and a worker thread, with its own connection to the same file, runs a PASSIVE checkpoint
// every `everyMs`. PASSIVE never blocks the writer or the readers: it copies what no reader still
// needs, and once all of the WAL is copied the next write starts it over, so the WAL stays small.
// If the thread fails, the automatic checkpoint is turned back on. Decision:
// docs/decisions/sqlite-checkpoints.md.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type SQLite from 'better-sqlite3';

export interface Checkpointer {
  /** Ends the thread (its connection closed first); resolves when it has exited. */
  stop(): Promise<void>;
}

/** SQLite's own default: what the automatic checkpoint goes back to if the thread fails. */
const AUTOCHECKPOINT_PAGES = 1000;

// Plain JavaScript, run by the thread as given (it must not depend on how the service was started:
// tsx in development, compiled files in production).
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 0');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); }
  catch (e) { if (e && e.code !== 'SQLITE_BUSY' && e.code !== 'SQLITE_LOCKED') throw e; }
}, workerData.everyMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');

/**
 * Turns off `database`'s automatic checkpoint and checkpoints `path` from a worker thread every
 * `everyMs`. `onError` hears of a failed thread (the automatic checkpoint is then back on).
 * `driver`: the path the thread loads better-sqlite3 from (tests give a wrong one).
 */
export function startCheckpointer(database: SQLite.Database, path: string, o: { everyMs: number; onError?: (err: Error) => void; driver?: string }): Checkpointer {
  const worker = new Worker(THREAD_SOURCE, { eval: true, workerData: { driver: o.driver ?? driverPath, path, everyMs: o.everyMs }, execArgv: [], env: {} });
  worker.unref();
  database.pragma('wal_autocheckpoint = 0');
  let stopped = false;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.once('error', (err) => {
    if (stopped) return;
    if (database.open) database.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    o.onError?.(err);
  });
  return {
    async stop() {
      if (stopped) return exited;
      stopped = true;
      worker.postMessage('stop');
      // A thread that does not end by itself within a second is ended.
      const timer = setTimeout(() => void worker.terminate(), 1000);
      await exited;
      clearTimeout(timer);
    },
  };
}
