import fastifyMultipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppInstance, RouteReply, RouteRequest } from '../../../http/app-instance.ts';
import { pagedResponse } from '../../../http/paging.ts';
import { errorResponse, errorResponses } from '../../../http/schemas.ts';
import { actorOf, allow } from '../../auth/auth.guard.ts';
import { maxCaptionBytes } from '../captions-file.ts';
import { adminPath, resumableUploadsPath } from '../expert-sessions.paths.ts';
import { captionsParams, sessionIdParams } from '../expert-sessions.schemas.ts';
import type { StagedVideo } from '../video-file.ts';
import {
  adminListQuery,
  adminSessionSchema,
  captionsResponse,
  createBody,
  presentAdminSession,
  presentRemovalImpact,
  presentSummary,
  removalImpactQuery,
  removalImpactResponse,
  sessionResponse,
  summaryQuery,
  summaryResponse,
  updateBody,
} from './admin.schemas.ts';
import * as usecases from './admin.usecases.ts';

const tags = ['Expert sessions'];
const manageContent = allow('admin', 'staff');
const uploadErrors = { ...errorResponses, 413: errorResponse, 415: errorResponse, 422: errorResponse };

/** Where a create or change takes its video from; the uploads sub-module provides it (`registerUploadRoutes`). */
export type VideoIntake = {
  /** A multipart form is read before validation, its video streamed to a staging file. */
  readMultipartBody(request: FastifyRequest): Promise<void>;
  /** The body's video, obtained only when the use case asks for it: the form's, or one of the caller's uploads. */
  videoOf(request: FastifyRequest, body: { video_file?: StagedVideo; upload_id?: string }): (() => Promise<StagedVideo>) | undefined;
};

/** The admin's sessions: create and change (with their video and products), list with statistics, delete and restore, captions. */
export function registerAdminRoutes(app: AppInstance, intake: VideoIntake) {
  // Multipart forms only where a video may come as one: the plugin's hooks run on every request it covers.
  app.register(async (instance) => {
    const { maxVideoBytes } = app.context.config.uploads;
    await instance.register(fastifyMultipart, { limits: { fileSize: maxVideoBytes, files: 1, fields: 20, fieldSize: 64 * 1024 } });
    const forms = instance.withTypeProvider<ZodTypeProvider>();
    const withVideo = { onRequest: manageContent, preValidation: intake.readMultipartBody };
    forms.post(adminPath, { ...withVideo, schema: createSessionSchema }, createSession(intake));
    forms.patch(`${adminPath}/:id`, { ...withVideo, schema: updateSessionSchema }, updateSession(intake));
  });
  app.get(adminPath, { onRequest: manageContent, schema: listSessionsSchema }, listSessions);
  app.get(`${adminPath}/summary`, { onRequest: manageContent, schema: summarySchema }, summarizeSessions);
  app.get(`${adminPath}/:id`, { onRequest: manageContent, schema: getSessionSchema }, getSession);
  app.get(`${adminPath}/:id/removal-impact`, { onRequest: manageContent, schema: removalImpactSchema }, getRemovalImpact);
  app.delete(`${adminPath}/:id`, { onRequest: manageContent, schema: deleteSessionSchema }, deleteSession);
  app.post(`${adminPath}/:id/restore`, { onRequest: manageContent, schema: restoreSessionSchema }, restoreSession);
  app.register(async (instance) => {
    // A WebVTT file and nothing else (415): a JSON body is not one.
    instance.removeAllContentTypeParsers();
    instance.addContentTypeParser('text/vtt', { parseAs: 'buffer', bodyLimit: maxCaptionBytes }, (_request, body, done) =>
      done(null, body),
    );
    const captions = instance.withTypeProvider<ZodTypeProvider>();
    const vtt = { onRequest: manageContent, bodyLimit: maxCaptionBytes };
    captions.put(`${adminPath}/:id/captions/:language`, { ...vtt, schema: putCaptionsSchema }, putCaptions);
  });
  app.delete(`${adminPath}/:id/captions/:language`, { onRequest: manageContent, schema: deleteCaptionsSchema }, deleteCaptions);
}

const createSessionSchema = {
  tags,
  summary: 'Create a session from a multipart upload, or from a finished resumable (tus) upload',
  description:
    'Either `multipart/form-data` with `title`, `description`, `product_ids` (a JSON array string or the field ' +
    `repeated) and \`video_file\`, or JSON with \`upload_id\` naming an upload finished at \`${resumableUploadsPath}\`. ` +
    'The video is checked by its bytes (MP4, WebM, QuickTime; else 415), limited in size (413) and measured. ' +
    'Session, product links and file are all or nothing; a failed request leaves the upload claimable.',
  consumes: ['multipart/form-data', 'application/json'],
  body: createBody,
  response: { 201: sessionResponse, ...uploadErrors },
};
const createSession = (intake: VideoIntake) =>
  async function createSession(request: RouteRequest<typeof createSessionSchema>, reply: RouteReply<typeof createSessionSchema>) {
    const { title, description, product_ids } = request.body;
    const session = await usecases.createSession(request.server.context, {
      title,
      description,
      productIds: product_ids,
      // The schema requires one of the two.
      video: intake.videoOf(request, request.body)!,
      actorId: actorOf(request).id,
    });
    return reply.status(201).send({ session: presentAdminSession(session) });
  };

const updateSessionSchema = {
  tags,
  summary: 'Change a session: fields, product set, video',
  description:
    'One transaction; only the changed product links are written; `product_ids: []` unlinks all. Unknown or ' +
    'non-JOB_READINESS product ids answer 400 naming them, and nothing changes. To replace the video, name a ' +
    `finished upload of yours (\`upload_id\`, see ${resumableUploadsPath}) or send \`multipart/form-data\` with ` +
    '`video_file`; the old file is deleted after the commit. A failed request leaves the upload claimable.',
  consumes: ['application/json', 'multipart/form-data'],
  params: sessionIdParams,
  body: updateBody,
  response: { 200: sessionResponse, ...uploadErrors },
};
const updateSession = (intake: VideoIntake) =>
  async function updateSession(request: RouteRequest<typeof updateSessionSchema>) {
    const { title, description, is_active, product_ids } = request.body;
    const session = await usecases.updateSession(
      request.server.context,
      request.params.id,
      { title, description, isActive: is_active, productIds: product_ids, video: intake.videoOf(request, request.body) },
      actorOf(request).id,
    );
    return { session: presentAdminSession(session) };
  };

const listSessionsSchema = {
  tags,
  summary: 'List expert sessions, newest first, with their products and completion statistics',
  querystring: adminListQuery,
  response: { 200: pagedResponse('sessions', adminSessionSchema), ...errorResponses },
};
async function listSessions(request: RouteRequest<typeof listSessionsSchema>) {
  const page = await usecases.listSessions(request.server.context.db, request.query);
  return { sessions: page.items.map(presentAdminSession), next_cursor: page.nextCursor };
}

const summarySchema = {
  tags,
  summary: 'Totals over every session the list filters match (for the stat cards)',
  querystring: summaryQuery,
  response: { 200: summaryResponse, ...errorResponses },
};
async function summarizeSessions(request: RouteRequest<typeof summarySchema>) {
  return { summary: presentSummary(await usecases.summarizeSessions(request.server.context.db, request.query)) };
}

const getSessionSchema = {
  tags,
  summary: 'Get an expert session (deleted ones too)',
  params: sessionIdParams,
  response: { 200: sessionResponse, ...errorResponses },
};
async function getSession(request: RouteRequest<typeof getSessionSchema>) {
  return { session: presentAdminSession(await usecases.getSession(request.server.context.db, request.params.id)) };
}

const removalImpactSchema = {
  tags,
  summary: 'Student-impact preview: who would lose the session if only the given products stayed linked',
  description:
    'For the edit screen, before a PATCH that removes products: the products that would go, and how many students ' +
    'with progress on the session (started, completed) would no longer reach it through any remaining product.',
  params: sessionIdParams,
  querystring: removalImpactQuery,
  response: { 200: removalImpactResponse, ...errorResponses },
};
async function getRemovalImpact(request: RouteRequest<typeof removalImpactSchema>) {
  return presentRemovalImpact(await usecases.getRemovalImpact(request.server.context.db, request.params.id, request.query.product_ids));
}

const deleteSessionSchema = {
  tags,
  summary: 'Soft-delete a session (hidden from students and the default list; progress is kept)',
  params: sessionIdParams,
  response: { 204: z.null(), ...errorResponses },
};
async function deleteSession(request: RouteRequest<typeof deleteSessionSchema>, reply: RouteReply<typeof deleteSessionSchema>) {
  await usecases.deleteSession(request.server.context.db, request.params.id);
  return reply.status(204).send(null);
}

const restoreSessionSchema = {
  tags,
  summary: 'Restore a soft-deleted session',
  params: sessionIdParams,
  response: { 200: sessionResponse, ...errorResponses },
};
async function restoreSession(request: RouteRequest<typeof restoreSessionSchema>) {
  return { session: presentAdminSession(await usecases.restoreSession(request.server.context.db, request.params.id)) };
}

/** A captions file as the request's body: only `text/vtt` is parsed, into a Buffer, on the one route that takes it. */
const captionsBody = z
  .instanceof(Buffer)
  .meta({ type: 'string', format: 'binary', description: 'The WebVTT file (`Content-Type: text/vtt`).' });

const putCaptionsSchema = {
  tags,
  summary: 'Add or replace the captions of a session in one language (WebVTT)',
  description:
    `Body: the WebVTT file as \`text/vtt\`, at most ${maxCaptionBytes / 1024} KiB (else 413). The language is a BCP 47 tag ` +
    '(400 `expert_sessions.captions_language_invalid` for one that is malformed or names no known language); it is ' +
    'stored in canonical form (`EN-us` → `en-US`) with its English name as the label. The file is parsed as the W3C ' +
    'validator does: 422 `expert_sessions.captions_invalid` lists each problem with its line in `details.problems`. ' +
    'One file per language: a second replaces the first, whose file is deleted after the commit.',
  consumes: ['text/vtt'],
  params: captionsParams,
  body: captionsBody,
  response: { 200: captionsResponse, 413: errorResponse, 415: errorResponse, 422: errorResponse, ...errorResponses },
};
async function putCaptions(request: RouteRequest<typeof putCaptionsSchema>) {
  const captions = await usecases.putCaptions(request.server.context, request.params.id, {
    languageTag: request.params.language,
    file: request.body,
    actorId: actorOf(request).id,
  });
  return { captions };
}

const deleteCaptionsSchema = {
  tags,
  summary: 'Remove the captions of a session in one language',
  params: captionsParams,
  response: { 204: z.null(), ...errorResponses },
};
async function deleteCaptions(request: RouteRequest<typeof deleteCaptionsSchema>, reply: RouteReply<typeof deleteCaptionsSchema>) {
  await usecases.deleteCaptions(request.server.context, request.params.id, request.params.language);
  return reply.status(204).send(null);
}
