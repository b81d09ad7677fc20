import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppInstance, RouteReply, RouteRequest } from '../../../http/app-instance.ts';
import { errorResponse, errorResponses } from '../../../http/schemas.ts';
import { actorOf, allow } from '../../auth/auth.guard.ts';
import { captionsNotFound, posterNotFound, rangeNotSatisfiable, videoNotFound } from '../expert-sessions.errors.ts';
import { studentPath } from '../expert-sessions.paths.ts';
import { captionsParams, sessionIdParams } from '../expert-sessions.schemas.ts';
import { entityTagOf, parseByteRange, rangeApplies } from './byte-range.ts';
import {
  presentProgress,
  presentStudentSession,
  progressBody,
  progressResponse,
  studentHighlightsQuery,
  studentHighlightsResponse,
  studentListQuery,
  studentListResponse,
  studentSessionResponse,
} from './student.schemas.ts';
import * as usecases from './student.usecases.ts';

const tags = ['Expert sessions'];
const student = allow('student');
const mediaViewers = allow('admin', 'staff', 'student');
/** How long a presigned video URL (S3 driver) stays valid; the player fetches it right away. */
const signedUrlSeconds = 300;

/** What a student sees: their sessions with progress, the video, its poster and captions (admins and staff may fetch those too), saving progress. */
export function registerStudentRoutes(app: AppInstance) {
  app.get(studentPath, { onRequest: student, schema: listSchema }, listStudentSessions);
  app.get(`${studentPath}/highlights`, { onRequest: student, schema: highlightsSchema }, listStudentHighlights);
  app.get(`${studentPath}/:id`, { onRequest: student, schema: getSchema }, getStudentSession);
  app.get(`${studentPath}/:id/video`, { onRequest: mediaViewers, schema: videoSchema }, streamVideo);
  app.get(`${studentPath}/:id/poster`, { onRequest: mediaViewers, schema: posterSchema }, getPoster);
  app.get(`${studentPath}/:id/captions/:language`, { onRequest: mediaViewers, schema: captionsSchema }, getCaptions);
  app.post(`${studentPath}/:id/watch-progress`, { onRequest: student, schema: progressSchema }, saveWatchProgress);
}

const listSchema = {
  tags,
  summary: "The student's expert sessions, oldest first, with their progress, keyset-paged",
  description:
    'Active sessions linked to `productId` (which must be one of the student’s products; else 403) or to any of them. ' +
    '`status` and `search` (the title) filter the page; `overall_progress` counts every session, whatever the filters.',
  querystring: studentListQuery,
  response: { 200: studentListResponse, ...errorResponses },
};
async function listStudentSessions(request: RouteRequest<typeof listSchema>) {
  const { page, overall } = await usecases.listStudentSessions(request.server.context.db, actorOf(request), request.query);
  return {
    sessions: page.items.map(presentStudentSession),
    next_cursor: page.nextCursor,
    overall_progress: {
      completed_sessions_count: overall.completedSessionsCount,
      in_progress_sessions_count: overall.inProgressSessionsCount,
      total_sessions: overall.totalSessions,
      progress_percentage: overall.progressPercentage,
    },
  };
}

const highlightsSchema = {
  tags,
  summary: 'What the top of the student’s list shows: continue watching, and sessions new in the last 14 days',
  description: 'Of `productId` (one of the student’s products; else 403) or of all of them; `limit` of each.',
  querystring: studentHighlightsQuery,
  response: { 200: studentHighlightsResponse, ...errorResponses },
};
async function listStudentHighlights(request: RouteRequest<typeof highlightsSchema>) {
  const { watching, added } = await usecases.listStudentHighlights(request.server.context.db, actorOf(request), request.query);
  return { continue_watching: watching.map(presentStudentSession), new_sessions: added.map(presentStudentSession) };
}

const getSchema = {
  tags,
  summary: 'One of the student’s sessions with their progress (404 for any session they do not see)',
  params: sessionIdParams,
  response: { 200: studentSessionResponse, ...errorResponses },
};
async function getStudentSession(request: RouteRequest<typeof getSchema>) {
  return {
    session: presentStudentSession(await usecases.getStudentSession(request.server.context.db, actorOf(request), request.params.id)),
  };
}

const videoSchema = {
  tags,
  summary: 'Stream the video of a session the caller may watch (supports Range)',
  description:
    'Admins and staff may watch any session; students active sessions of their products (else 404, no bytes). ' +
    '`Range: bytes=…` answers 206 with `Content-Range`, 416 beyond the end; with `If-Range`, only when it is the ' +
    'video’s current `ETag` (else the whole video, 200). With the S3 driver the answer is a ' +
    `302 to a presigned URL valid for ${signedUrlSeconds} s.`,
  params: sessionIdParams,
  headers: z.object({
    range: z.string().optional().meta({ example: 'bytes=0-1048575' }),
    'if-range': z.string().optional().meta({ description: 'The `ETag` of an earlier answer: the Range applies only to that same video.' }),
  }),
  response: {
    200: { description: 'The whole video', content: { 'video/mp4': { schema: z.string().meta({ format: 'binary' }) } } },
    206: { description: 'The requested bytes', content: { 'video/mp4': { schema: z.string().meta({ format: 'binary' }) } } },
    302: z.null().meta({ description: 'Redirect to a short-lived presigned URL (S3 driver)' }),
    416: errorResponse,
    ...errorResponses,
  },
};
async function streamVideo(request: RouteRequest<typeof videoSchema>, reply: RouteReply<typeof videoSchema>) {
  const { db, storage } = request.server.context;
  const key = await usecases.findVideoKey(db, actorOf(request), request.params.id);
  const signedUrl = await storage.signedUrl(key, signedUrlSeconds);
  if (signedUrl) return reply.redirect(signedUrl, 302);
  const stats = await storage.stat(key);
  if (!stats) throw videoNotFound();
  const entityTag = entityTagOf(key, stats.size);
  const range = rangeApplies(request.headers['if-range'], entityTag) ? parseByteRange(request.headers.range, stats.size) : undefined;
  if (range === 'unsatisfiable') {
    reply.header('content-range', `bytes */${stats.size}`);
    throw rangeNotSatisfiable();
  }
  const object = await storage.get(key, range);
  if (!object) throw videoNotFound();
  // The response schemas above only document the body; a stream is sent as it is.
  const streaming = reply as FastifyReply;
  streaming.header('accept-ranges', 'bytes').header('etag', entityTag).type(object.contentType);
  if (!range) return streaming.header('content-length', stats.size).send(object.stream);
  return streaming
    .status(206)
    .header('content-range', `bytes ${range.start}-${range.end}/${stats.size}`)
    .header('content-length', range.end - range.start + 1)
    .send(object.stream);
}

/**
 * A small file of a session the caller may watch, through the app on both drivers: a poster is a
 * few kilobytes, and a `<track>` must come from the page's own origin. Its key names one version
 * of the file, so it is the ETag: a list of posters revalidates with 304s.
 */
async function sendSessionFile(request: FastifyRequest, reply: FastifyReply, key: string, missing: () => Error) {
  const etag = `"${key.slice(key.lastIndexOf('/') + 1)}"`;
  reply.header('cache-control', 'private, no-cache').header('etag', etag);
  if (request.headers['if-none-match'] === etag) return reply.status(304).send();
  const object = await request.server.context.storage.get(key);
  if (!object) throw missing();
  return reply.type(object.contentType).header('content-length', object.size).send(object.stream);
}

const fileResponse = (description: string, type: string) => ({
  200: { description, content: { [type]: { schema: z.string().meta({ format: 'binary' }) } } },
  304: z.null().meta({ description: 'Not modified (`If-None-Match` names the current version)' }),
  ...errorResponses,
});

const posterSchema = {
  tags,
  summary: 'The poster of a session the caller may watch (a JPEG frame of its video)',
  description: 'Who may fetch it as for the video (else 404). 404 `expert_sessions.poster_not_found` when no frame could be taken.',
  params: sessionIdParams,
  response: fileResponse('The poster', 'image/jpeg'),
};
async function getPoster(request: RouteRequest<typeof posterSchema>, reply: RouteReply<typeof posterSchema>) {
  const key = await usecases.findPosterKey(request.server.context.db, actorOf(request), request.params.id);
  return sendSessionFile(request, reply as FastifyReply, key, () => posterNotFound());
}

const captionsSchema = {
  tags,
  summary: 'The captions of a session in one language (WebVTT), for the player’s `<track kind="captions">`',
  description:
    'Who may fetch them as for the video (else 404); 404 `expert_sessions.captions_not_found` for a language the session has none in.',
  params: captionsParams,
  response: fileResponse('The WebVTT file', 'text/vtt'),
};
async function getCaptions(request: RouteRequest<typeof captionsSchema>, reply: RouteReply<typeof captionsSchema>) {
  const key = await usecases.findCaptionsKey(request.server.context.db, actorOf(request), request.params.id, request.params.language);
  return sendSessionFile(request, reply as FastifyReply, key, () => captionsNotFound());
}

const progressSchema = {
  tags,
  summary: 'Save watch progress (values only grow; completion at 95 % of the stored duration)',
  description:
    'Watch time and position are clamped to the duration measured at upload; the percentage is the share watched, ' +
    'and `milestone` cannot exceed it. Watch time, percentage and milestone never decrease; `completed_at` is set ' +
    'by the first save reaching 95 % and kept; the position follows the latest save. `trigger_type` is informational.',
  params: sessionIdParams,
  body: progressBody,
  response: { 200: progressResponse, ...errorResponses },
};
async function saveWatchProgress(request: RouteRequest<typeof progressSchema>) {
  const { watch_time_seconds, last_position_seconds, milestone } = request.body;
  const progress = await usecases.recordProgress(request.server.context.db, actorOf(request), request.params.id, {
    watchTimeSeconds: watch_time_seconds,
    lastPositionSeconds: last_position_seconds,
    milestone,
  });
  return { progress: presentProgress(progress) };
}
