// Migration 0005 on a database made before it: the bootstrap token is marked 'env', and every
// stored label loses the characters of the token it used to show.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migrator } from 'kysely';
import { openPostgres, openSqlite, type Storage } from '../../src/storage/db.js';
import { migrateToLatest, migrationsFor } from '../../src/storage/migrate.js';
import { createTestDatabase } from '../support/postgres.js';
import { DB_KINDS } from '../support/service.js';

for (const kind of DB_KINDS) {
  test(`0005 relabels old tokens and marks the bootstrap one [${kind}]`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'alertsync-m5-'));
    const storage: Storage = kind === 'sqlite' ? openSqlite(dir) : openPostgres(await createTestDatabase('m5'), 4);
    try {
      const migrator = new Migrator({ db: storage.db, provider: { getMigrations: async () => migrationsFor(storage) }, migrationTableName: 'alertsync_migrations', migrationLockTableName: 'alertsync_migrations_lock' });
      const { error } = await migrator.migrateTo('0004-claim-indexes');
      assert.ifError(error);
      const db = storage.db as any;
      await db.insertInto('users').values({ id: 'usr_1', email: 'admin@alertsync.local', name: 'A', role: 'admin', disabled: 0, created_at: 1, updated_at: 1 }).execute();
      const row = (id: string, name: string, prefix: string) => ({ id, user_id: 'usr_1', name, token_hash: `h-${id}`, prefix, created_at: 1, expires_at: null, last_used_at: null, revoked_at: null });
      await db.insertInto('api_tokens').values([row('tok_0000000000abcdef', 'ALERTSYNC_ADMIN_TOKEN', 'my-chos'), row('tok_00000000001234ab', 'ci', 'ast_Xy12Ab')]).execute();
      await migrateToLatest(storage);
      const rows = await db.selectFrom('api_tokens').select(['id', 'prefix', 'source']).orderBy('id').execute();
      assert.deepEqual(rows, [
        { id: 'tok_00000000001234ab', prefix: 'tok_1234ab', source: null },
        { id: 'tok_0000000000abcdef', prefix: 'tok_abcdef', source: 'env' },
      ]);
    } finally {
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
