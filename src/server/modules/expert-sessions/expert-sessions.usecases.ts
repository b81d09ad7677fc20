import crypto from 'node:crypto';
import type { Database } from '../../db/database.ts';
import { decodeCursor, toPage } from '../../http/paging.ts';
import type { Actor } from '../auth/auth.guard.ts';
import { findClientProductIds } from '../clients/clients.repository.ts';
import { unknownProducts } from '../products/products.errors.ts';
import { findMissingProductIds } from '../products/products.repository.ts';
import type { Storage } from '../storage/storage.ts';
import { expertSessionNotFound, notYourProduct, videoNotFound } from './expert-sessions.errors.ts';
import { audienceOf } from './expert-sessions.policies.ts';
import * as repository from './expert-sessions.repository.ts';
import { extensionOf, type StagedVideo } from './video-file.ts';

/** What the write use cases work with; `storage` is read at call time so tests can put a failing one in its place. */
export type SessionsContext = { db: Database; storage: Storage };

/** A student has completed a session once they have watched this much of it. */
const completionThresholdPercent = 95;

/** The shares of a session (percent) recorded as milestones, the seed's set (decision 028). */
export const progressMilestones = [10, 25, 50, 75, 90, 95, 100] as const;

export async function listSessions(
  db: Database,
  query: { limit: number; cursor?: string; productId?: string; search?: string; status?: repository.SessionStatus },
) {
  const rows = await repository.listSessions(db, { ...query, cursor: decodeCursor(query.cursor, 'timestamp') });
  return toPage(rows, query.limit, (row) => ({ sortValue: row.createdAtExact, id: row.id }));
}

export const summarizeSessions = repository.summarizeSessions;

export async function getSession(db: Database, id: string) {
  const session = await repository.findSession(db, id);
  if (!session) throw expertSessionNotFound();
  return session;
}

/** New sessions' videos live under the session: `expert-sessions/{sessionId}/{uniqueFileName}`. */
function videoKeyOf(sessionId: string, video: StagedVideo) {
  return `expert-sessions/${sessionId}/${crypto.randomUUID()}.${extensionOf[video.mediaType]}`;
}

const videoColumns = (key: string, video: StagedVideo) => ({
  videoStorageKey: key,
  videoDuration: video.durationSeconds,
  videoSizeBytes: video.sizeBytes,
  videoMediaType: video.mediaType,
});

/**
 * All or nothing: the video is put into storage (moved, or copied inside the bucket), then the row
 * and its links are committed in one transaction, which also marks a claimed upload used; if that
 * fails the stored video is deleted again. Product ids are checked before the video is obtained
 * (a claimed upload is taken only then) and stored, so a typo costs nothing.
 */
export async function createSession(
  context: SessionsContext,
  input: { title: string; description?: string | null; productIds: string[]; video: () => Promise<StagedVideo>; actorId: string },
) {
  await assertJobReadinessProducts(context.db, input.productIds);
  const video = await input.video();
  const id = crypto.randomUUID();
  const key = videoKeyOf(id, video);
  await video.store(context.storage, key);
  await withStoredVideo(context, key, () =>
    context.db.transaction(async (tx) => {
      await video.consume?.(tx);
      await repository.insertSession(tx, {
        id,
        title: input.title,
        description: input.description,
        createdBy: input.actorId,
        ...videoColumns(key, video),
      });
      await replaceProducts(tx, id, input.productIds, input.actorId);
    }),
  );
  return getSession(context.db, id);
}

/**
 * Changes any of the fields, the product set (only the difference is written) and the video, in
 * one transaction that holds the session's row lock (so concurrent changes apply one after the
 * other). As on create, the new video is obtained after the product ids are checked; the replaced
 * one is deleted only after the commit.
 */
export async function updateSession(
  context: SessionsContext,
  id: string,
  changes: { title?: string; description?: string | null; isActive?: boolean; productIds?: string[]; video?: () => Promise<StagedVideo> },
  actorId: string,
) {
  const { productIds, video: obtainVideo, ...columns } = changes;
  if (productIds) await assertJobReadinessProducts(context.db, productIds);
  const video = await obtainVideo?.();
  const newKey = video && videoKeyOf(id, video);
  if (video && newKey) await video.store(context.storage, newKey);
  const write = () =>
    context.db.transaction(async (tx) => {
      const current = await repository.lockSession(tx, id);
      if (!current) throw expertSessionNotFound();
      await video?.consume?.(tx);
      await repository.updateSession(tx, id, {
        ...columns,
        ...(video && newKey ? videoColumns(newKey, video) : {}),
        updatedAt: new Date(),
      });
      if (productIds) await replaceProducts(tx, id, productIds, actorId);
      return current.videoStorageKey;
    });
  const previousKey = newKey ? await withStoredVideo(context, newKey, write) : await write();
  // The session no longer refers to it; a failed delete leaves an orphan file, never a broken session.
  if (newKey && previousKey) await context.storage.delete(previousKey).catch(() => undefined);
  return getSession(context.db, id);
}

/** Runs `write`; if it fails, the video just stored under `key` is deleted before the error goes on. */
async function withStoredVideo<T>(context: SessionsContext, key: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    // The original failure is the one to report; a failed clean-up can only leave an unreferenced file.
    await context.storage.delete(key).catch(() => undefined);
    throw error;
  }
}

export async function deleteSession(db: Database, id: string) {
  if (!(await repository.setDeleted(db, id, true))) throw expertSessionNotFound();
}

export async function restoreSession(db: Database, id: string) {
  if (!(await repository.setDeleted(db, id, false))) throw expertSessionNotFound();
  return getSession(db, id);
}

/** Unknown ids and products of another type are refused together, by name. */
async function assertJobReadinessProducts(db: Database, productIds: string[]) {
  const missing = await findMissingProductIds(db, productIds, 'JOB_READINESS');
  if (missing.length) throw unknownProducts({ product_ids: missing }, 'Some product ids are not JOB_READINESS products.');
}

/** Writes only the difference; callers have checked the ids with `assertJobReadinessProducts`. */
async function replaceProducts(tx: Database, sessionId: string, productIds: string[], actorId: string) {
  const current = new Set(await repository.findSessionProductIds(tx, sessionId));
  const wanted = new Set(productIds);
  await repository.removeSessionProducts(
    tx,
    sessionId,
    [...current].filter((id) => !wanted.has(id)),
  );
  // A product deleted since the check: the foreign key refuses, answered as an unknown id (expertSessionConstraints).
  await repository.addSessionProducts(
    tx,
    sessionId,
    [...wanted].filter((id) => !current.has(id)),
    actorId,
  );
}

/** Whose sessions the student list serves: the student's client, narrowed to one of its products (else 403). */
async function studentAudience(db: Database, student: Actor, productId: string | undefined) {
  const audience = { ...audienceOf(student)!, productId };
  if (productId && !(await findClientProductIds(db, audience.clientId)).includes(productId)) throw notYourProduct();
  return audience;
}

/**
 * A page of the student's sessions (of one of their products, or all of them), oldest first, with
 * progress, filtered by status and title; and the counts over all of them, whatever the filters.
 */
export async function listStudentSessions(
  db: Database,
  student: Actor,
  query: repository.StudentListFilters & { productId?: string; limit: number; cursor?: string },
) {
  const audience = await studentAudience(db, student, query.productId);
  const rows = await repository.listVisibleSessions(db, student.id, audience, {
    ...query,
    cursor: decodeCursor(query.cursor, 'timestamp'),
    limit: query.limit + 1,
  });
  const page = toPage(rows, query.limit, (row) => ({ sortValue: row.createdAtExact, id: row.id }));
  const counts = await repository.countVisibleSessions(db, student.id, audience);
  return {
    page,
    overall: {
      completedSessionsCount: counts.completed,
      inProgressSessionsCount: counts.inProgress,
      totalSessions: counts.total,
      progressPercentage: counts.total ? Math.round((100 * counts.completed) / counts.total) : 0,
    },
  };
}

/** A session counts as new on the student's list for this many days after it was added. */
export const newSessionDays = 14;

/** "Continue watching" and "New" for the top of the student's list. */
export async function listStudentHighlights(db: Database, student: Actor, query: { productId?: string; limit: number }) {
  const audience = await studentAudience(db, student, query.productId);
  return repository.listHighlights(db, student.id, audience, { limit: query.limit, newSinceDays: newSessionDays });
}

/** One session the student sees, with their progress (the player); 404 for any other. */
export async function getStudentSession(db: Database, student: Actor, id: string) {
  const row = await repository.findVisibleSessionOf(db, student.id, audienceOf(student)!, id);
  if (!row) throw expertSessionNotFound();
  return row;
}

/** The storage key of a session's video, once the caller is known to be allowed to watch it. */
export async function findVideoKey(db: Database, actor: Actor, id: string) {
  const session = await repository.findViewableSession(db, id, audienceOf(actor));
  if (!session) throw expertSessionNotFound();
  if (!session.videoStorageKey) throw videoNotFound();
  return session.videoStorageKey;
}

/** Saves what the student watched of a session they may see (clamping and merging: `saveProgress`). */
export async function recordProgress(
  db: Database,
  student: Actor,
  id: string,
  input: { watchTimeSeconds: number; lastPositionSeconds?: number; milestone?: number },
) {
  const saved = await repository.saveProgress(
    db,
    {
      studentId: student.id,
      expertSessionId: id,
      audience: audienceOf(student)!,
      watchTimeSeconds: input.watchTimeSeconds,
      lastPositionSeconds: input.lastPositionSeconds,
      milestone: input.milestone ?? 0,
    },
    completionThresholdPercent,
    progressMilestones,
  );
  if (!saved) throw expertSessionNotFound();
  return saved;
}

/** Who would lose the session if only `remainingProductIds` stayed linked (the student-impact preview of an edit). */
export async function getRemovalImpact(db: Database, id: string, remainingProductIds: string[]) {
  const impact = await repository.findRemovalImpact(db, id, remainingProductIds);
  if (!impact) throw expertSessionNotFound();
  return impact;
}
