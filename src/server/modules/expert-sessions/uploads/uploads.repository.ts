import { inArray, sql, type SQLWrapper } from 'drizzle-orm';
import type { Database } from '../../../db/database.ts';
import { qualified } from '../../../db/sql.ts';
import { expertSessionCaptions, expertSessions } from '../expert-sessions.table.ts';

const captions = expertSessionCaptions;

/**
 * Which of `keys` a session (deleted ones included: they keep their files) names as its video, its
 * poster or one of its captions files.
 */
export async function findReferencedFileKeys(db: Database, keys: string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const named = (column: SQLWrapper) => ({ key: sql<string>`${column}` });
  const rows = await db
    .select(named(qualified(expertSessions.videoStorageKey)))
    .from(expertSessions)
    .where(inArray(expertSessions.videoStorageKey, keys))
    .unionAll(
      db
        .select(named(qualified(expertSessions.posterStorageKey)))
        .from(expertSessions)
        .where(inArray(expertSessions.posterStorageKey, keys)),
    )
    .unionAll(
      db
        .select(named(qualified(captions.storageKey)))
        .from(captions)
        .where(inArray(captions.storageKey, keys)),
    );
  return new Set(rows.map((row) => row.key));
}
