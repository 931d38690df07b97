// Prepared statements of the embedded SQLite database, as Kysely's SQLite driver uses them
// (`reader`, `all`, `run`, `iterate`), made cheaper in two ways (measured in bench/RESULTS.md):
//  - Kysely's driver prepares every statement anew on each call, and preparing costs as much as
//    running a small query. Statements are reusable (better-sqlite3 runs them synchronously, so two
//    uses never overlap), so they are kept by SQL text, in a bounded map.
//  - better-sqlite3 builds each result row as an object property by property, which costs twice as
//    much as reading the row as an array. Rows are read as arrays and turned into objects by a
//    function made once per statement from its column names: an object literal, so every row of a
//    statement has the same shape. A later column of the same name wins, as better-sqlite3 does.
//  - better-sqlite3 reads an array of values element by element through V8's object API; values
//    passed as arguments it takes as they are. Statements get their values as arguments (an insert
//    of 23 values: 2.4–2.8 µs against 3.0–3.3 µs), unless a value is an object other than a
//    Buffer (an array would be taken for more values, a plain object for named ones): those go as
//    the array, and better-sqlite3 refuses them as before.
// A schema change (create, alter, drop) empties the map: a statement prepared before it could
// return other columns afterwards.
import type SQLite from 'better-sqlite3';

type Row = Record<string, unknown>;

interface CachedStatement {
  readonly reader: boolean;
  all(parameters: readonly unknown[]): Row[];
  run(parameters: readonly unknown[]): SQLite.RunResult;
  iterate(parameters: readonly unknown[]): IterableIterator<Row>;
}

/** A function that turns a row read as an array into an object keyed by the column names. */
export function rowBuilder(columns: readonly string[]): (values: readonly unknown[]) => Row {
  const fields = columns.map((name, i) => `${JSON.stringify(name)}: v[${i}]`).join(', ');
  // Built from the statement's own column names (JSON-quoted), never from data.
  return new Function('v', `return { ${fields} };`) as (values: readonly unknown[]) => Row;
}

/** The arguments for better-sqlite3: the values one by one, or the array as one argument when a value is an array or an object (see above). */
function args(parameters: readonly unknown[]): readonly unknown[] {
  for (const p of parameters) if (typeof p === 'object' && p !== null && !ArrayBuffer.isView(p)) return [parameters];
  return parameters;
}

function cached(stmt: SQLite.Statement, onSchemaChange: () => void, source: string): CachedStatement {
  if (!stmt.reader) {
    const changesSchema = /^\s*(create|alter|drop)\b/i.test(source);
    return {
      reader: false,
      all: () => [],
      run(parameters) {
        const r = stmt.run(...args(parameters));
        if (changesSchema) onSchemaChange();
        return r;
      },
      iterate: () => [][Symbol.iterator](),
    };
  }
  stmt.raw(true);
  const build = rowBuilder(stmt.columns().map((c) => c.name));
  return {
    reader: true,
    all: (parameters) => (stmt.all(...args(parameters)) as unknown[][]).map(build),
    run: (parameters) => stmt.run(...args(parameters)),
    *iterate(parameters) {
      for (const values of stmt.iterate(parameters) as IterableIterator<unknown[]>) yield build(values);
    },
  };
}

/** Makes `database.prepare` (as Kysely calls it) return kept statements that read rows as arrays. */
export function useCachedStatements(database: SQLite.Database, max = 2000): void {
  const prepare = database.prepare.bind(database);
  const cache = new Map<string, CachedStatement>();
  const clear = () => cache.clear();
  database.prepare = ((source: string) => {
    let stmt = cache.get(source);
    if (!stmt) {
      if (cache.size >= max) cache.clear();
      stmt = cached(prepare(source), clear, source);
      cache.set(source, stmt);
    }
    return stmt;
  }) as unknown as typeof database.prepare;
}
