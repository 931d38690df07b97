// SQLite has one writer at a time. Kysely's SQLite dialect opens transactions with a deferred
// BEGIN, which takes the write lock only at the first write: a read-modify-write could read a row,
// lose the race for the lock to another connection (another process on the same file), and write
// back a stale copy (or fail with SQLITE_BUSY). This dialect:
//  - opens every transaction with BEGIN IMMEDIATE, so the read happens under the write lock;
//  - compiles `SELECT … FOR UPDATE` (which repositories use so that PostgreSQL locks the row) to a
//    plain SELECT: inside an immediate transaction SQLite already holds the only write lock.
import {
  CompiledQuery,
  SqliteDialect,
  SqliteDriver,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Driver,
  type QueryCompiler,
  type SelectModifierNode,
  type SqliteDialectConfig,
} from 'kysely';

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class SingleWriterQueryCompiler extends SqliteQueryCompiler {
  protected override visitSelectModifier(node: SelectModifierNode): void {
    if (node.modifier === 'ForUpdate' && !node.of) return;
    super.visitSelectModifier(node);
  }
}

export class SingleWriterSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }

  override createQueryCompiler(): QueryCompiler {
    return new SingleWriterQueryCompiler();
  }
}
