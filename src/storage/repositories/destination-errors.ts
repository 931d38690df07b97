import type { Db } from './users.js';

/** The last permanent delivery error of a destination, shown with it; null clears it. */
export async function setDestinationError(db: Db, id: string, message: string | null): Promise<void> {
  let q = db.updateTable('destinations').set({ last_error: message }).where('id', '=', id);
  // Clearing is the common case (every success): write only when there is something to clear.
  if (message === null) q = q.where('last_error', 'is not', null);
  await q.execute();
}

/** The destination's last change time, or undefined when it is gone: a cheap freshness check. */
export async function destinationVersion(db: Db, id: string): Promise<number | undefined> {
  const r = await db.selectFrom('destinations').select('updated_at').where('id', '=', id).executeTakeFirst();
  return r === undefined ? undefined : Number(r.updated_at);
}
