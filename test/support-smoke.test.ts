import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { createTestDatabase } from './support/postgres.js';

test('the suite has a real PostgreSQL server', async () => {
  const url = await createTestDatabase();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ v: string }>('select version() as v');
  await client.end();
  assert.match(rows[0]!.v, /^PostgreSQL \d+/);
});
