import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import type { Database } from '../../../db/database.ts';
import { decodeCursor, toPage } from '../../../http/paging.ts';
import { unknownProducts } from '../../products/products.errors.ts';
import { findMissingProductIds } from '../../products/products.repository.ts';
import type { MailQueue } from '../../mail/mail-outbox.ts';
import type { Storage } from '../../storage/storage.ts';
import { captionsLanguage, checkCaptionsFile } from '../captions-file.ts';
import { captionsNotFound, expertSessionNotFound } from '../expert-sessions.errors.ts';
import * as repository from './admin.repository.ts';
import { extensionOf, type StagedVideo } from '../video-file.ts';

/**
 * What the write use cases work with; `storage` is read at call time so tests can put a failing one
 * in its place. With `mail`, students who newly reach a session are told (decision 033).
 */
export type SessionsContext = { db: Database; storage: Storage; mail?: MailQueue };

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

/**
 * A session's files live under it, `expert-sessions/{sessionId}/…`, each under a name of its own
 * (a replaced file is deleted after the commit, so its successor must not take its key).
 */
const sessionFileKey = (sessionId: string, name: string) => `expert-sessions/${sessionId}/${name}`;
const videoKeyOf = (sessionId: string, video: StagedVideo) =>
  sessionFileKey(sessionId, `${crypto.randomUUID()}.${extensionOf[video.mediaType]}`);
const posterKeyOf = (sessionId: string) => sessionFileKey(sessionId, `${crypto.randomUUID()}.poster.jpg`);
const captionsKeyOf = (sessionId: string, language: string) => sessionFileKey(sessionId, `${crypto.randomUUID()}.${language}.vtt`);

type StoredVideo = { videoKey: string; posterKey: string | null };

/**
 * Stores the video and a poster taken from it under the session: the frame is read first (a staged
 * file is moved by `store`). A video of which no frame can be taken has no poster; a failure to store
 * either file leaves neither.
 */
async function storeVideo(context: SessionsContext, sessionId: string, video: StagedVideo): Promise<StoredVideo> {
  const frame = await video.posterFrame(context.storage);
  const videoKey = videoKeyOf(sessionId, video);
  await video.store(context.storage, videoKey);
  if (!frame) return { videoKey, posterKey: null };
  const posterKey = posterKeyOf(sessionId);
  await withStoredFiles(context, [videoKey], () => context.storage.put(posterKey, Readable.from(frame), 'image/jpeg'));
  return { videoKey, posterKey };
}

const videoColumns = (stored: StoredVideo, video: StagedVideo) => ({
  videoStorageKey: stored.videoKey,
  posterStorageKey: stored.posterKey,
  videoDuration: video.durationSeconds,
  videoSizeBytes: video.sizeBytes,
  videoMediaType: video.mediaType,
});

const storedKeys = (stored: StoredVideo) => [stored.videoKey, stored.posterKey];

/**
 * All or nothing: the video and its poster are put into storage (the video moved, or copied inside
 * the bucket), then the row and its links are committed in one transaction, which also marks a
 * claimed upload used; if that fails the stored files are deleted again. Product ids are checked
 * before the video is obtained (a claimed upload is taken only then) and stored, so a typo costs nothing.
 */
export async function createSession(
  context: SessionsContext,
  input: { title: string; description?: string | null; productIds: string[]; video: () => Promise<StagedVideo>; actorId: string },
) {
  await assertJobReadinessProducts(context.db, input.productIds);
  const video = await input.video();
  const id = crypto.randomUUID();
  const stored = await storeVideo(context, id, video);
  await withStoredFiles(context, storedKeys(stored), () =>
    context.db.transaction(async (tx) => {
      await video.consume?.(tx);
      await repository.insertSession(tx, {
        id,
        title: input.title,
        description: input.description,
        createdBy: input.actorId,
        ...videoColumns(stored, video),
      });
      await replaceProducts(tx, id, input.productIds, input.actorId);
      await context.mail?.sessionPublished(tx, id, input.productIds, []);
    }),
  );
  context.mail?.kick();
  return getSession(context.db, id);
}

/**
 * Changes any of the fields, the product set (only the difference is written) and the video, in
 * one transaction that holds the session's row lock (so concurrent changes apply one after the
 * other). As on create, the new video is obtained after the product ids are checked; the replaced
 * one and its poster are deleted only after the commit.
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
  const stored = video && (await storeVideo(context, id, video));
  const write = () =>
    context.db.transaction(async (tx) => {
      const current = await repository.lockSession(tx, id);
      if (!current) throw expertSessionNotFound();
      await video?.consume?.(tx);
      const previousProductIds = context.mail?.enabled ? await repository.findSessionProductIds(tx, id) : [];
      await repository.updateSession(tx, id, {
        ...columns,
        ...(video && stored ? videoColumns(stored, video) : {}),
        updatedAt: new Date(),
      });
      if (productIds) await replaceProducts(tx, id, productIds, actorId);
      // Students who reach it now and did not before: through an added product, or as it is switched on.
      const visible = (isActive: boolean) => isActive && !current.deletedAt;
      if (visible(columns.isActive ?? current.isActive) && (productIds || columns.isActive !== undefined)) {
        const before = visible(current.isActive) ? previousProductIds : [];
        await context.mail?.sessionPublished(tx, id, productIds ?? previousProductIds, before);
      }
      return [current.videoStorageKey, current.posterStorageKey];
    });
  const previousKeys = stored ? await withStoredFiles(context, storedKeys(stored), write) : await write();
  context.mail?.kick();
  // The session no longer refers to them; a failed delete leaves an orphan file, never a broken session.
  if (stored) await deleteFiles(context, previousKeys);
  return getSession(context.db, id);
}

/** Runs `write`; if it fails, the files just stored under `keys` are deleted before the error goes on. */
async function withStoredFiles<T>(context: SessionsContext, keys: (string | null)[], write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    // The original failure is the one to report; a failed clean-up can only leave an unreferenced file.
    await deleteFiles(context, keys);
    throw error;
  }
}

/** Deletes files no row names any more; one that cannot be deleted is left to the sweeper (decision 021). */
async function deleteFiles(context: SessionsContext, keys: (string | null)[]) {
  for (const key of keys) if (key) await context.storage.delete(key).catch(() => undefined);
}

/**
 * Adds or replaces the session's captions in one language: the file, checked first
 * (`checkCaptionsFile`), is stored beside the video, then the row is written under the session's
 * row lock; the file it replaces is deleted after the commit, as a replaced video is.
 */
export async function putCaptions(
  context: SessionsContext,
  sessionId: string,
  input: { languageTag: string; file: Buffer; actorId: string },
) {
  const { language, label } = captionsLanguage(input.languageTag);
  checkCaptionsFile(input.file);
  await getSession(context.db, sessionId);
  const key = captionsKeyOf(sessionId, language);
  await context.storage.put(key, Readable.from(input.file), 'text/vtt; charset=utf-8');
  const previousKey = await withStoredFiles(context, [key], () =>
    context.db.transaction(async (tx) => {
      if (!(await repository.lockSession(tx, sessionId))) throw expertSessionNotFound();
      return repository.upsertCaptions(tx, {
        expertSessionId: sessionId,
        language,
        label,
        storageKey: key,
        sizeBytes: input.file.length,
        createdBy: input.actorId,
      });
    }),
  );
  await deleteFiles(context, [previousKey ?? null]);
  return { language, label };
}

export async function deleteCaptions(context: SessionsContext, sessionId: string, languageTag: string) {
  const { language } = captionsLanguage(languageTag);
  const key = await repository.deleteCaptions(context.db, sessionId, language);
  if (!key) throw captionsNotFound();
  await deleteFiles(context, [key]);
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

/** Who would lose the session if only `remainingProductIds` stayed linked (the student-impact preview of an edit). */
export async function getRemovalImpact(db: Database, id: string, remainingProductIds: string[]) {
  const impact = await repository.findRemovalImpact(db, id, remainingProductIds);
  if (!impact) throw expertSessionNotFound();
  return impact;
}
