// One query layer (Kysely) over the embedded SQLite file or a shared PostgreSQL server.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';
import { SingleWriterSqliteDialect } from './sqlite-dialect.js';
import { useCachedStatements } from './sqlite-statements.js';
import { startCheckpointer } from './sqlite-checkpointer.js';
import { runInTransactionsOn } from './precompiled.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Storage {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Human-readable location, without credentials. */
  location: string;
  /** Path of the SQLite file, when the dialect is sqlite. */
  sqlitePath: string | null;
  ping(): Promise<void>;
  close(): Promise<void>;
}

// int8 (bigint) columns hold epoch milliseconds and counters: well inside Number's safe range.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/**
 * The data directory is 0700 and the database files 0600, whatever the umask and whatever the
 * modes of an existing directory. SQLite creates the -wal and -shm files with the mode of the
 * database file, so the file is created 0600 before SQLite opens it.
 */
export function secureDataFiles(dataDir: string, path: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
  for (const f of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) if (existsSync(f)) chmodSync(f, 0o600);
}

export function openSqlite(dataDir: string): Storage {
  const path = join(dataDir, 'alertsync.db');
  secureDataFiles(dataDir, path);
  const database = new SQLite(path);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  useCachedStatements(database);
  secureDataFiles(dataDir, path);
  // WAL checkpoints in a thread of their own (sqlite-checkpointer.ts); if it fails, SQLite's
  // automatic checkpoint is back on.
  const checkpointer = startCheckpointer(database, path, {
    everyMs: CHECKPOINT_EVERY_MS,
    onError: (err) => process.emitWarning(`the SQLite checkpoint thread failed (${err.message}); SQLite's automatic checkpoint is back on`, { code: 'ALERTSYNC_SQLITE_CHECKPOINTER' }),
  });
  const db = new Kysely<Database>({ dialect: new SingleWriterSqliteDialect({ database }) });
  runInTransactionsOn(db, database);
  return {
    db,
    dialect: 'sqlite',
    location: path,
    sqlitePath: path,
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await checkpointer.stop();
      await db.destroy();
    },
  };
}

/** How often the checkpoint thread copies the WAL into the database file. */
const CHECKPOINT_EVERY_MS = 200;

export function openPostgres(url: string, poolSize = 30): Storage {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 10_000 });
  // A pool error (server restart, network) must not crash the process; queries fail and retry instead.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const u = new URL(url);
  return {
    db,
    dialect: 'postgres',
    location: `postgres://${u.host}${u.pathname}`,
    sqlitePath: null,
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await db.destroy();
    },
  };
}

export function openStorage(opts: { databaseUrl: string | null; dataDir: string; workerConcurrency?: number }): Storage {
  // Each job in flight holds one connection for its advisory lock (delivery/job-lock.ts): the
  // worker's slots (delivery/decisions.ts laneSlots: the concurrency for creates, which may run up
  // to twice that many while creates wait together for one bulk request (delivery/worker.ts); a
  // quarter of it more for sync jobs; one for a test alert), plus room for HTTP.
  const c = opts.workerConcurrency ?? 8;
  return opts.databaseUrl ? openPostgres(opts.databaseUrl, 2 * c + Math.max(1, Math.ceil(c / 4)) + 1 + 12) : openSqlite(opts.dataDir);
}
