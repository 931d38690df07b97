// Gives each test its own fresh PostgreSQL database on the suite's throw-away cluster
// (started by scripts/run-tests.mjs). Missing cluster = a loud failure, never a skip.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export function testPostgresUrl(): string {
  const url = process.env.ALERTSYNC_TEST_PG_URL;
  if (!url) {
    throw new Error('ALERTSYNC_TEST_PG_URL is not set: run the tests with `npm test` (scripts/run-tests.mjs starts PostgreSQL)');
  }
  return url;
}

/** Creates an empty database and returns its URL. */
export async function createTestDatabase(prefix = 't'): Promise<string> {
  const admin = testPostgresUrl();
  const name = `${prefix}_${randomBytes(6).toString('hex')}`.toLowerCase();
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}
