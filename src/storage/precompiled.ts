// Statements on the delivery hot path are built and compiled by Kysely once per dialect, then run
// again with new values: building and compiling a query costs about as much as running a small one
// on SQLite (issue #8, "cost per issue"). The query is built with a placeholder for each argument;
// the compiled statement keeps, for each of its parameters, either the argument it stands for or a
// constant of the query (a literal state, say). The SQL text is the one Kysely made, so both
// dialects get their own placeholders and quoting.
import type { Compilable, CompiledQuery, Kysely, QueryResult, RawBuilder } from 'kysely';
import type SQLite from 'better-sqlite3';
import type { Database } from './schema.js';

type Db = Kysely<Database>;

/**
 * The embedded database of a Kysely instance on SQLite, by the instance's adapter (which its
 * transactions share). Inside a transaction a precompiled statement runs on it directly, as
 * Kysely's SQLite driver would run it on the transaction's connection (the only one): Kysely's
 * way there (executor, connection provider, driver, a few promises) cost about 3 µs a statement,
 * several statements per issue (bench/RESULTS.md). Outside a transaction statements go through
 * Kysely, which waits for a transaction in progress to end.
 */
const sqliteOf = new WeakMap<object, SQLite.Database>();

/** Lets precompiled statements in transactions of `db` run on `database` directly (openSqlite). */
export function runInTransactionsOn(db: Db, database: SQLite.Database): void {
  sqliteOf.set(db.getExecutor().adapter, database);
}

/** What Kysely's SQLite driver answers for a statement (its SqliteConnection.executeQuery). */
function runOnSqlite(database: SQLite.Database, text: string, parameters: readonly unknown[]): QueryResult<unknown> {
  const stmt = database.prepare(text);
  if (stmt.reader) return { rows: stmt.all(parameters) as unknown[] };
  const { changes, lastInsertRowid } = stmt.run(parameters);
  return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
}

/** Stands for argument `i` while the query is built (never a value a caller could pass). */
const placeholder = (i: number): string => `\u0000arg:${i}\u0000`;

interface Template {
  compiled: CompiledQuery;
  /** For each parameter: the index of the argument, or `{ value }` for a constant of the query. */
  slots: Array<number | { value: unknown }>;
}

/**
 * A statement compiled once per dialect: `build(db, ...args)` gets a placeholder for each argument
 * and must use each only as a value (never as a column name or in JavaScript logic); the returned
 * function runs the statement with real arguments, on `db` or a transaction of it.
 */
export function precompiled<A extends unknown[]>(arity: A['length'], build: (db: Db, ...args: unknown[]) => Compilable<unknown> | RawBuilder<unknown>): (db: Db, ...args: A) => Promise<QueryResult<unknown>> {
  // Keyed by the dialect adapter: a Kysely instance and its transactions share it.
  const templates = new WeakMap<object, Template>();
  return (db, ...args) => {
    const executor = db.getExecutor();
    let t = templates.get(executor.adapter);
    if (!t) {
      const names = Array.from({ length: arity }, (_, i) => placeholder(i));
      // A raw `sql` statement compiles against the instance (RawBuilder.compile(db)); a query
      // builder compiles on its own and takes no argument.
      const compiled = (build(db, ...names) as { compile(db: Db): CompiledQuery }).compile(db);
      const slots = compiled.parameters.map((p) => {
        const i = typeof p === 'string' ? names.indexOf(p) : -1;
        return i >= 0 ? i : { value: p };
      });
      if (slots.filter((s) => typeof s === 'number').length < arity) throw new Error('precompiled: an argument is not used as a value in the query');
      t = { compiled, slots };
      templates.set(executor.adapter, t);
    }
    const parameters = t.slots.map((s) => (typeof s === 'number' ? args[s] : s.value));
    const database = db.isTransaction ? sqliteOf.get(executor.adapter) : undefined;
    if (database) {
      try {
        return Promise.resolve(runOnSqlite(database, t.compiled.sql, parameters));
      } catch (err) {
        return Promise.reject(err);
      }
    }
    return db.executeQuery({ ...t.compiled, parameters });
  };
}

/**
 * For statements whose shape is the set of columns a caller passes (`set`, `values`): one
 * precompiled statement per list of columns, made on first use (a bounded number: the shapes are
 * those the code writes).
 */
export function byColumns<R>(make: (columns: string[]) => R, max = 200): (row: Record<string, unknown>) => { columns: string[]; run: R } {
  const cache = new Map<string, { columns: string[]; run: R }>();
  // A caller writes rows of one shape again and again: the last statement's columns are checked
  // first, without building the key (listing, filtering and joining the keys of each row cost 10%
  // of an alert's ingest; bench/RESULTS.md).
  let last: { columns: string[]; run: R } | undefined;
  return (row) => {
    if (last && hasExactly(row, last.columns)) return last;
    const columns = Object.keys(row).filter((k) => row[k] !== undefined);
    const key = columns.join(',');
    let hit = cache.get(key);
    if (!hit) {
      if (cache.size >= max) cache.clear();
      hit = { columns, run: make(columns) };
      cache.set(key, hit);
    }
    last = hit;
    return hit;
  };
}

/** Whether the defined values of `row` are exactly those of `columns` (in any order). */
function hasExactly(row: Record<string, unknown>, columns: readonly string[]): boolean {
  let defined = 0;
  for (const k in row) if (row[k] !== undefined) defined++;
  if (defined !== columns.length) return false;
  for (const c of columns) if (row[c] === undefined) return false;
  return true;
}

/** `insert into <table> (<the row's columns>) values (…)`, compiled once per list of columns. */
export function insertRow<T extends keyof Database & string>(table: T): (db: Db, row: object) => Promise<QueryResult<unknown>> {
  const by = byColumns((columns) => precompiled(columns.length, (db, ...a) => db.insertInto(table).values(Object.fromEntries(columns.map((c, i) => [c, a[i]])) as never)));
  return (db, row) => {
    const r = row as Record<string, unknown>;
    const { columns, run } = by(r);
    return run(db, ...columns.map((c) => r[c]));
  };
}
