import fastifyMultipart from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppInstance } from '../../http/app-instance.ts';
import { pagedResponse } from '../../http/paging.ts';
import { securityHeaders } from '../../http/security.ts';
import { errorResponse, errorResponses } from '../../http/schemas.ts';
import { actorOf, allow } from '../auth/auth.guard.ts';
import { entityTagOf, parseByteRange, rangeApplies } from './byte-range.ts';
import { maxCaptionBytes } from './captions-file.ts';
import { captionsNotFound, posterNotFound, rangeNotSatisfiable, videoNotFound } from './expert-sessions.errors.ts';
import { readSessionForm } from './expert-sessions.form.ts';
import {
  adminListQuery,
  adminSessionSchema,
  captionsParams,
  captionsResponse,
  createBody,
  presentAdminSession,
  presentProgress,
  presentStudentSession,
  progressBody,
  progressResponse,
  presentRemovalImpact,
  presentSummary,
  removalImpactQuery,
  removalImpactResponse,
  sessionIdParams,
  sessionResponse,
  studentHighlightsQuery,
  studentHighlightsResponse,
  studentListQuery,
  studentListResponse,
  studentSessionResponse,
  summaryQuery,
  summaryResponse,
  updateBody,
} from './expert-sessions.schemas.ts';
import * as usecases from './expert-sessions.usecases.ts';
import { type ClaimedUpload, createResumableUploads, resumableUploadsPath } from './resumable-uploads.ts';
import { openUploadStaging } from './upload-staging.ts';
import type { StagedVideo } from './video-file.ts';
import { describeSweep, sweepVideoFiles } from './video-sweeper.ts';

const adminPath = '/api/admin/job-readiness/expert-sessions';
const studentPath = '/api/app/job-readiness/expert-sessions';
const tags = ['Expert sessions'];
const manageContent = allow('admin', 'staff');
/** How long a presigned video URL (S3 driver) stays valid; the player fetches it right away. */
const signedUrlSeconds = 300;

const uploadErrors = { ...errorResponses, 413: errorResponse, 415: errorResponse, 422: errorResponse };

/** A captions file as the request's body: only `text/vtt` is parsed, into a Buffer, on the one route that takes it. */
const captionsBody = z
  .instanceof(Buffer)
  .meta({ type: 'string', format: 'binary', description: 'The WebVTT file (`Content-Type: text/vtt`).' });

export function registerExpertSessionRoutes(app: AppInstance) {
  // Encapsulated, so the tus body parser below applies to these routes only.
  app.register(async (instance) => {
    const scoped = instance.withTypeProvider<ZodTypeProvider>();
    const { context } = app;
    const { db, config } = context;
    const staging = openUploadStaging(config.uploads.directory);
    const uploads = createResumableUploads({
      config,
      db,
      storage: context.storage,
      stagingDirectory: staging.directory,
      logError: (error) => app.log.error({ err: error }, 'a resumable upload request failed'),
    });

    /**
     * What holds a request's video until it is answered: a staged multipart file (removed either
     * way, moved into storage by then or abandoned) or a claimed resumable upload (deleted if the
     * write that claimed it committed, claimable again otherwise).
     */
    const heldVideos = new WeakMap<FastifyRequest, Pick<ClaimedUpload, 'settle'>>();
    scoped.addHook('onSend', async (request, _reply, payload) => {
      await heldVideos.get(request)?.settle();
      return payload;
    });

    /** Where the body's video comes from, obtained only when the use case asks for it: the form, or one of the caller's uploads. */
    const videoOf = (request: FastifyRequest, body: { video_file?: StagedVideo; upload_id?: string }) => {
      const { video_file, upload_id } = body;
      if (video_file) return async () => video_file;
      if (!upload_id) return undefined;
      return async () => {
        const claim = await uploads.claim(upload_id, actorOf(request).id);
        heldVideos.set(request, claim);
        return claim.video();
      };
    };

    /** Multipart forms are read before validation, the video streamed to a staging file. */
    async function readMultipartBody(request: FastifyRequest) {
      if (!request.isMultipart()) return;
      const { fields, video } = await readSessionForm(request, staging.directory, config.uploads.maxVideoBytes);
      if (video) heldVideos.set(request, { settle: () => video.discard() });
      request.body = video ? { ...fields, video_file: video } : fields;
    }

    // Multipart forms only where a video may come as one: the plugin's hooks run on every request it covers.
    scoped.register(async (formRoutes) => {
      await formRoutes.register(fastifyMultipart, {
        limits: { fileSize: config.uploads.maxVideoBytes, files: 1, fields: 20, fieldSize: 64 * 1024 },
      });
      const forms = formRoutes.withTypeProvider<ZodTypeProvider>();

      forms.post(
        adminPath,
        {
          onRequest: manageContent,
          preValidation: readMultipartBody,
          schema: {
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
          },
        },
        async (request, reply) => {
          const { title, description, product_ids } = request.body;
          const session = await usecases.createSession(context, {
            title,
            description,
            productIds: product_ids,
            // The schema requires one of the two.
            video: videoOf(request, request.body)!,
            actorId: actorOf(request).id,
          });
          return reply.status(201).send({ session: presentAdminSession(session) });
        },
      );

      forms.patch(
        `${adminPath}/:id`,
        {
          onRequest: manageContent,
          preValidation: readMultipartBody,
          schema: {
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
          },
        },
        async (request) => {
          const { title, description, is_active, product_ids } = request.body;
          const session = await usecases.updateSession(
            context,
            request.params.id,
            { title, description, isActive: is_active, productIds: product_ids, video: videoOf(request, request.body) },
            actorOf(request).id,
          );
          return { session: presentAdminSession(session) };
        },
      );
    });

    scoped.get(
      adminPath,
      {
        onRequest: manageContent,
        schema: {
          tags,
          summary: 'List expert sessions, newest first, with their products and completion statistics',
          querystring: adminListQuery,
          response: { 200: pagedResponse('sessions', adminSessionSchema), ...errorResponses },
        },
      },
      async (request) => {
        const page = await usecases.listSessions(db, request.query);
        return { sessions: page.items.map(presentAdminSession), next_cursor: page.nextCursor };
      },
    );

    scoped.get(
      `${adminPath}/summary`,
      {
        onRequest: manageContent,
        schema: {
          tags,
          summary: 'Totals over every session the list filters match (for the stat cards)',
          querystring: summaryQuery,
          response: { 200: summaryResponse, ...errorResponses },
        },
      },
      async (request) => ({ summary: presentSummary(await usecases.summarizeSessions(db, request.query)) }),
    );

    scoped.get(
      `${adminPath}/:id`,
      {
        onRequest: manageContent,
        schema: {
          tags,
          summary: 'Get an expert session (deleted ones too)',
          params: sessionIdParams,
          response: { 200: sessionResponse, ...errorResponses },
        },
      },
      async (request) => ({ session: presentAdminSession(await usecases.getSession(db, request.params.id)) }),
    );

    scoped.get(
      `${adminPath}/:id/removal-impact`,
      {
        onRequest: manageContent,
        schema: {
          tags,
          summary: 'Student-impact preview: who would lose the session if only the given products stayed linked',
          description:
            'For the edit screen, before a PATCH that removes products: the products that would go, and how many students ' +
            'with progress on the session (started, completed) would no longer reach it through any remaining product.',
          params: sessionIdParams,
          querystring: removalImpactQuery,
          response: { 200: removalImpactResponse, ...errorResponses },
        },
      },
      async (request) => presentRemovalImpact(await usecases.getRemovalImpact(db, request.params.id, request.query.product_ids)),
    );

    scoped.delete(
      `${adminPath}/:id`,
      {
        onRequest: manageContent,
        schema: {
          tags,
          summary: 'Soft-delete a session (hidden from students and the default list; progress is kept)',
          params: sessionIdParams,
          response: { 204: z.null(), ...errorResponses },
        },
      },
      async (request, reply) => {
        await usecases.deleteSession(db, request.params.id);
        return reply.status(204).send(null);
      },
    );

    scoped.post(
      `${adminPath}/:id/restore`,
      {
        onRequest: manageContent,
        schema: {
          tags,
          summary: 'Restore a soft-deleted session',
          params: sessionIdParams,
          response: { 200: sessionResponse, ...errorResponses },
        },
      },
      async (request) => ({ session: presentAdminSession(await usecases.restoreSession(db, request.params.id)) }),
    );

    // tus 1.0: the protocol's own handlers answer; fastify only authenticates and leaves the body unread.
    scoped.addContentTypeParser('application/offset+octet-stream', (_request, _payload, done) => done(null));
    const tusMethods = ['POST', 'HEAD', 'PATCH', 'DELETE', 'OPTIONS'] as const;
    for (const url of [resumableUploadsPath, `${resumableUploadsPath}/:uploadId`]) {
      scoped.route({
        method: [...tusMethods],
        url,
        onRequest: manageContent,
        schema: {
          tags,
          summary:
            url === resumableUploadsPath
              ? 'Create a resumable upload (tus 1.0)'
              : 'Resume, inspect or terminate a resumable upload (tus 1.0)',
          description:
            'tus 1.0 with the creation, creation-with-upload, termination and expiration extensions: POST with `Upload-Length` ' +
            'creates an upload (201 with its `Location`), PATCH `application/offset+octet-stream` at `Upload-Offset` appends, ' +
            `HEAD tells the offset, DELETE terminates. Then POST \`${adminPath}\` (or PATCH a session) with JSON \`upload_id\`. ` +
            'An upload belongs to whoever created it: anyone else gets 404. Uploads not claimed within the expiry period ' +
            '(UPLOAD_EXPIRY_HOURS) are deleted.',
          headers: z.object({ 'tus-resumable': z.literal('1.0.0').optional().meta({ example: '1.0.0' }) }),
        },
        handler: async (request, reply) => {
          reply.hijack();
          for (const [name, value] of Object.entries(securityHeaders(request.url, config.isProduction))) reply.raw.setHeader(name, value);
          await uploads.handle(request.raw, reply.raw, actorOf(request).id);
        },
      });
    }

    // The sweeper (decision 021): at start, then every min(UPLOAD_EXPIRY_HOURS, 5 min); one run at a time.
    let sweeping: Promise<void> | undefined;
    const sweep = () => {
      sweeping ??= sweepVideoFiles({
        database: context.database,
        storage: context.storage,
        uploads,
        uploadsDirectory: config.uploads.directory,
        uploadExpiryMs: config.uploads.expiryMs,
        liveStagingDirectories: [staging.directory],
      })
        .then((report) => {
          if (report.files.length > 0) app.log.info({ files: report.files }, describeSweep(report));
        })
        .catch((error) => app.log.error({ err: error }, 'sweeping video files failed'))
        .finally(() => {
          sweeping = undefined;
        });
    };
    const sweepTimer = setInterval(sweep, Math.min(config.uploads.expiryMs, 5 * 60_000)).unref();
    scoped.addHook('onReady', async () => sweep());
    scoped.addHook('onClose', async () => {
      clearInterval(sweepTimer);
      await sweeping;
      await staging.close();
    });

    scoped.get(
      studentPath,
      {
        onRequest: allow('student'),
        schema: {
          tags,
          summary: "The student's expert sessions, oldest first, with their progress, keyset-paged",
          description:
            'Active sessions linked to `productId` (which must be one of the student’s products; else 403) or to any of them. ' +
            '`status` and `search` (the title) filter the page; `overall_progress` counts every session, whatever the filters.',
          querystring: studentListQuery,
          response: { 200: studentListResponse, ...errorResponses },
        },
      },
      async (request) => {
        const { page, overall } = await usecases.listStudentSessions(db, actorOf(request), request.query);
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
      },
    );

    scoped.get(
      `${studentPath}/highlights`,
      {
        onRequest: allow('student'),
        schema: {
          tags,
          summary: 'What the top of the student’s list shows: continue watching, and sessions new in the last 14 days',
          description: 'Of `productId` (one of the student’s products; else 403) or of all of them; `limit` of each.',
          querystring: studentHighlightsQuery,
          response: { 200: studentHighlightsResponse, ...errorResponses },
        },
      },
      async (request) => {
        const { watching, added } = await usecases.listStudentHighlights(db, actorOf(request), request.query);
        return { continue_watching: watching.map(presentStudentSession), new_sessions: added.map(presentStudentSession) };
      },
    );

    scoped.get(
      `${studentPath}/:id`,
      {
        onRequest: allow('student'),
        schema: {
          tags,
          summary: 'One of the student’s sessions with their progress (404 for any session they do not see)',
          params: sessionIdParams,
          response: { 200: studentSessionResponse, ...errorResponses },
        },
      },
      async (request) => ({ session: presentStudentSession(await usecases.getStudentSession(db, actorOf(request), request.params.id)) }),
    );

    scoped.get(
      `${studentPath}/:id/video`,
      {
        onRequest: allow('admin', 'staff', 'student'),
        schema: {
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
            'if-range': z
              .string()
              .optional()
              .meta({ description: 'The `ETag` of an earlier answer: the Range applies only to that same video.' }),
          }),
          response: {
            200: { description: 'The whole video', content: { 'video/mp4': { schema: z.string().meta({ format: 'binary' }) } } },
            206: { description: 'The requested bytes', content: { 'video/mp4': { schema: z.string().meta({ format: 'binary' }) } } },
            302: z.null().meta({ description: 'Redirect to a short-lived presigned URL (S3 driver)' }),
            416: errorResponse,
            ...errorResponses,
          },
        },
      },
      async (request, reply) => {
        const key = await usecases.findVideoKey(db, actorOf(request), request.params.id);
        const { storage } = context;
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
      },
    );

    /**
     * A small file of a session the caller may watch, through the app on both drivers: a poster is a
     * few kilobytes, and a `<track>` must come from the page's own origin. Its key names one version
     * of the file, so it is the ETag: a list of posters revalidates with 304s.
     */
    async function sendSessionFile(request: FastifyRequest, reply: FastifyReply, key: string, missing: () => Error) {
      const etag = `"${key.slice(key.lastIndexOf('/') + 1)}"`;
      reply.header('cache-control', 'private, no-cache').header('etag', etag);
      if (request.headers['if-none-match'] === etag) return reply.status(304).send();
      const object = await context.storage.get(key);
      if (!object) throw missing();
      return reply.type(object.contentType).header('content-length', object.size).send(object.stream);
    }

    const mediaViewers = allow('admin', 'staff', 'student');
    const fileResponse = (description: string, type: string) => ({
      200: { description, content: { [type]: { schema: z.string().meta({ format: 'binary' }) } } },
      304: z.null().meta({ description: 'Not modified (`If-None-Match` names the current version)' }),
      ...errorResponses,
    });

    scoped.get(
      `${studentPath}/:id/poster`,
      {
        onRequest: mediaViewers,
        schema: {
          tags,
          summary: 'The poster of a session the caller may watch (a JPEG frame of its video)',
          description: 'Who may fetch it as for the video (else 404). 404 `expert_sessions.poster_not_found` when no frame could be taken.',
          params: sessionIdParams,
          response: fileResponse('The poster', 'image/jpeg'),
        },
      },
      async (request, reply) => {
        const key = await usecases.findPosterKey(db, actorOf(request), request.params.id);
        return sendSessionFile(request, reply as FastifyReply, key, () => posterNotFound());
      },
    );

    scoped.get(
      `${studentPath}/:id/captions/:language`,
      {
        onRequest: mediaViewers,
        schema: {
          tags,
          summary: 'The captions of a session in one language (WebVTT), for the player’s `<track kind="captions">`',
          description:
            'Who may fetch them as for the video (else 404); 404 `expert_sessions.captions_not_found` for a language the session has none in.',
          params: captionsParams,
          response: fileResponse('The WebVTT file', 'text/vtt'),
        },
      },
      async (request, reply) => {
        const key = await usecases.findCaptionsKey(db, actorOf(request), request.params.id, request.params.language);
        return sendSessionFile(request, reply as FastifyReply, key, () => captionsNotFound());
      },
    );

    scoped.register(async (captionRoutes) => {
      // A WebVTT file and nothing else (415): a JSON body is not one.
      captionRoutes.removeAllContentTypeParsers();
      captionRoutes.addContentTypeParser('text/vtt', { parseAs: 'buffer', bodyLimit: maxCaptionBytes }, (_request, body, done) =>
        done(null, body),
      );
      const captions = captionRoutes.withTypeProvider<ZodTypeProvider>();

      captions.put(
        `${adminPath}/:id/captions/:language`,
        {
          onRequest: manageContent,
          bodyLimit: maxCaptionBytes,
          schema: {
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
          },
        },
        async (request) => {
          const captions = await usecases.putCaptions(context, request.params.id, {
            languageTag: request.params.language,
            file: request.body,
            actorId: actorOf(request).id,
          });
          return { captions };
        },
      );
    });

    scoped.delete(
      `${adminPath}/:id/captions/:language`,
      {
        onRequest: manageContent,
        schema: {
          tags,
          summary: 'Remove the captions of a session in one language',
          params: captionsParams,
          response: { 204: z.null(), ...errorResponses },
        },
      },
      async (request, reply) => {
        await usecases.deleteCaptions(context, request.params.id, request.params.language);
        return reply.status(204).send(null);
      },
    );

    scoped.post(
      `${studentPath}/:id/watch-progress`,
      {
        onRequest: allow('student'),
        schema: {
          tags,
          summary: 'Save watch progress (values only grow; completion at 95 % of the stored duration)',
          description:
            'Watch time and position are clamped to the duration measured at upload; the percentage is the share watched, ' +
            'and `milestone` cannot exceed it. Watch time, percentage and milestone never decrease; `completed_at` is set ' +
            'by the first save reaching 95 % and kept; the position follows the latest save. `trigger_type` is informational.',
          params: sessionIdParams,
          body: progressBody,
          response: { 200: progressResponse, ...errorResponses },
        },
      },
      async (request) => {
        const { watch_time_seconds, last_position_seconds, milestone } = request.body;
        const progress = await usecases.recordProgress(db, actorOf(request), request.params.id, {
          watchTimeSeconds: watch_time_seconds,
          lastPositionSeconds: last_position_seconds,
          milestone,
        });
        return { progress: presentProgress(progress) };
      },
    );
  });
}
