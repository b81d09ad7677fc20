import type { Database } from '../../../db/database.ts';
import { decodeCursor, toPage } from '../../../http/paging.ts';
import type { Actor } from '../../auth/auth.guard.ts';
import { findClientProductIds } from '../../clients/clients.repository.ts';
import { captionsLanguage } from '../captions-file.ts';
import { captionsNotFound, expertSessionNotFound, notYourProduct, posterNotFound, videoNotFound } from '../expert-sessions.errors.ts';
import { audienceOf } from '../expert-sessions.policies.ts';
import type { Audience } from '../expert-sessions.repository.ts';
import * as repository from './student.repository.ts';

/** A student has completed a session once they have watched this much of it. */
const completionThresholdPercent = 95;

/** The shares of a session (percent) recorded as milestones, the seed's set (decision 028). */
export const progressMilestones = [10, 25, 50, 75, 90, 95, 100] as const;

/**
 * Whose sessions the student list serves: the student's client, narrowed to `productId` when given.
 * Sessions of a product that is not the client's are never visible (`visibleTo`), so only an empty
 * answer needs to ask whether the product is theirs, to tell 403 from "nothing here": one statement
 * fewer on every other request.
 */
const studentAudience = (student: Actor, productId: string | undefined) => ({ ...audienceOf(student)!, productId });

async function assertProductIsTheirs(db: Database, audience: Audience) {
  if (audience.productId && !(await findClientProductIds(db, audience.clientId)).includes(audience.productId)) throw notYourProduct();
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
  const audience = studentAudience(student, query.productId);
  const rows = await repository.listVisibleSessions(db, student.id, audience, {
    ...query,
    cursor: decodeCursor(query.cursor, 'timestamp'),
    limit: query.limit + 1,
  });
  const page = toPage(rows, query.limit, (row) => ({ sortValue: row.createdAtExact, id: row.id }));
  const counts = await repository.countVisibleSessions(db, student.id, audience);
  if (counts.total === 0) await assertProductIsTheirs(db, audience);
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
  const audience = studentAudience(student, query.productId);
  const highlights = await repository.listHighlights(db, student.id, audience, { limit: query.limit, newSinceDays: newSessionDays });
  if (highlights.watching.length === 0 && highlights.added.length === 0) await assertProductIsTheirs(db, audience);
  return highlights;
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

/** The storage key of a session's poster, for a caller who may watch the session. */
export async function findPosterKey(db: Database, actor: Actor, id: string) {
  const session = await repository.findViewableSession(db, id, audienceOf(actor));
  if (!session) throw expertSessionNotFound();
  if (!session.posterStorageKey) throw posterNotFound();
  return session.posterStorageKey;
}

/** The storage key of a session's captions in one language, for a caller who may watch the session. */
export async function findCaptionsKey(db: Database, actor: Actor, id: string, languageTag: string) {
  const session = await repository.findViewableSession(db, id, audienceOf(actor));
  if (!session) throw expertSessionNotFound();
  const key = await repository.findCaptionsKey(db, id, captionsLanguage(languageTag).language);
  if (!key) throw captionsNotFound();
  return key;
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
