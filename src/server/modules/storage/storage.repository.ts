import type { Database } from '../../db/database.ts';
import { storageIdentity } from './storage.table.ts';

async function findStorageIdentity(db: Database): Promise<string | undefined> {
  const [row] = await db.select({ identity: storageIdentity.identity }).from(storageIdentity);
  return row?.identity;
}

/** Records `identity` unless one is recorded already; answers the recorded one either way. */
export async function recordStorageIdentity(db: Database, identity: string): Promise<string> {
  await db.insert(storageIdentity).values({ identity }).onConflictDoNothing();
  return (await findStorageIdentity(db))!;
}
