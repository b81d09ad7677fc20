import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import type { Database } from '../../../db/database.ts';
import { uploadClaims } from '../expert-sessions.table.ts';

const staleBefore = (seconds: number) => sql`now() - make_interval(secs => ${seconds})`;

/**
 * Lends the upload to the holder of `token`, unless another holds it (`in_use`) or a write has
 * used it (`used`). A claim older than `staleAfterSeconds` and not used is taken over: its
 * holder died between claim and answer.
 */
export async function takeUploadClaim(
  db: Database,
  uploadId: string,
  token: string,
  staleAfterSeconds: number,
): Promise<'taken' | 'in_use' | 'used'> {
  const taken = await db
    .insert(uploadClaims)
    .values({ uploadId, token })
    .onConflictDoUpdate({
      target: uploadClaims.uploadId,
      set: { token, claimedAt: sql`now()` },
      setWhere: and(isNull(uploadClaims.consumedAt), lt(uploadClaims.claimedAt, staleBefore(staleAfterSeconds))),
    })
    .returning({ token: uploadClaims.token });
  if (taken.length > 0) return 'taken';
  const [current] = await db.select({ consumedAt: uploadClaims.consumedAt }).from(uploadClaims).where(eq(uploadClaims.uploadId, uploadId));
  return current?.consumedAt ? 'used' : 'in_use';
}

/** Marks the upload used, in the transaction of the write that used it; false when `token` no longer holds it. */
export async function consumeUploadClaim(tx: Database, uploadId: string, token: string): Promise<boolean> {
  const consumed = await tx
    .update(uploadClaims)
    .set({ consumedAt: sql`now()` })
    .where(and(eq(uploadClaims.uploadId, uploadId), eq(uploadClaims.token, token), isNull(uploadClaims.consumedAt)))
    .returning({ uploadId: uploadClaims.uploadId });
  return consumed.length > 0;
}

export async function findUploadClaim(db: Database, uploadId: string) {
  const [claim] = await db
    .select({ token: uploadClaims.token, consumedAt: uploadClaims.consumedAt })
    .from(uploadClaims)
    .where(eq(uploadClaims.uploadId, uploadId));
  return claim;
}

export async function releaseUploadClaim(db: Database, uploadId: string, token?: string) {
  await db.delete(uploadClaims).where(and(eq(uploadClaims.uploadId, uploadId), token ? eq(uploadClaims.token, token) : undefined));
}

/** Claims whose holder is gone: used ones whose upload is still to be deleted, and stale ones never used. */
export async function findLeftoverClaims(db: Database, staleAfterSeconds: number) {
  return db
    .select({ uploadId: uploadClaims.uploadId, token: uploadClaims.token, consumedAt: uploadClaims.consumedAt })
    .from(uploadClaims)
    .where(lt(sql`coalesce(${uploadClaims.consumedAt}, ${uploadClaims.claimedAt})`, staleBefore(staleAfterSeconds)));
}

/**
 * One sweeper at a time across every instance on a PostgreSQL server: a transaction-level advisory
 * lock, released by the commit or by the connection's end if the process dies.
 */
export async function tryTakeSweepLock(tx: Database): Promise<boolean> {
  const result = (await tx.execute(sql`select pg_try_advisory_xact_lock(hashtext('jobready.video-sweeper')) as locked`)) as unknown as {
    rows: { locked: boolean }[];
  };
  return result.rows[0]?.locked === true;
}
