// Finds the key for stored secrets: ALERTSYNC_SECRET_KEY, or (SQLite only) a 0600 key file in
// the data directory, created on first start. A fingerprint of the key is kept in the database;
// starting with another key stops with a clear message instead of failing to decrypt later.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.js';
import { SecretBox, generateSecretKey, parseSecretKey } from './secret-box.js';

export class StartupError extends Error {}

export function loadSecretBox(opts: { secretKey: string | null; dataDir: string; usingPostgres: boolean }): {
  box: SecretBox;
  keyFile: string | null;
  created: boolean;
} {
  if (opts.secretKey !== null) {
    try {
      return { box: new SecretBox(parseSecretKey(opts.secretKey)), keyFile: null, created: false };
    } catch (err) {
      throw new StartupError(`ALERTSYNC_SECRET_KEY: ${(err as Error).message}`);
    }
  }
  if (opts.usingPostgres) throw new StartupError('ALERTSYNC_SECRET_KEY: is required with DATABASE_URL');
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const keyFile = join(opts.dataDir, 'secret.key');
  let created = false;
  if (!existsSync(keyFile)) {
    writeFileSync(keyFile, generateSecretKey() + '\n', { mode: 0o600, flag: 'wx' });
    created = true;
  }
  try {
    return { box: new SecretBox(parseSecretKey(readFileSync(keyFile, 'utf8'))), keyFile, created };
  } catch (err) {
    throw new StartupError(`key file ${keyFile}: ${(err as Error).message}`);
  }
}

const FINGERPRINT_KEY = 'secret_key_fingerprint';

export async function checkKeyFingerprint(db: Kysely<Database>, box: SecretBox): Promise<void> {
  const fp = box.fingerprint();
  const row = await db.selectFrom('alertsync_meta').select('value').where('key', '=', FINGERPRINT_KEY).executeTakeFirst();
  if (!row) {
    await db
      .insertInto('alertsync_meta')
      .values({ key: FINGERPRINT_KEY, value: fp })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    // Read back: another replica may have recorded its key first.
    return checkKeyFingerprint(db, box);
  }
  if (row.value !== fp) {
    throw new StartupError(
      'ALERTSYNC_SECRET_KEY: this key is not the one the database was set up with (fingerprint mismatch); ' +
        'start with the original key, or stored Jira tokens and webhook secrets cannot be read',
    );
  }
}
