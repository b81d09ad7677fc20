import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppInstance } from '../../../http/app-instance.ts';
import { securityHeaders } from '../../../http/security.ts';
import { actorOf, allow } from '../../auth/auth.guard.ts';
import { adminPath, resumableUploadsPath } from '../expert-sessions.paths.ts';
import type { StagedVideo } from '../video-file.ts';
import { readSessionForm } from './expert-sessions.form.ts';
import { type ClaimedUpload, createResumableUploads, type ResumableUploads } from './resumable-uploads.ts';
import { createUploadLocker } from './upload-locker.ts';
import { openUploadStaging } from './upload-staging.ts';
import { describeSweep, sweepVideoFiles } from './video-sweeper.ts';

const tags = ['Expert sessions'];
const manageContent = allow('admin', 'staff');
const tusMethods = ['POST', 'HEAD', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * Where videos come in: resumable uploads (tus 1.0), the staging directory multipart videos are
 * streamed to, and the sweeper of what is left over. Answers the intake the admin's create and change
 * routes take their video from. Called inside the module's encapsulated scope, whose routes these hooks cover.
 */
export function registerUploadRoutes(app: AppInstance) {
  const { db, config, database } = app.context;
  const staging = openUploadStaging(config.uploads.directory);
  const locker = createUploadLocker(database, config.uploads.lockConnections);
  app.addHook('onClose', () => locker.close());
  const uploads = createResumableUploads({
    config,
    db,
    storage: app.context.storage,
    stagingDirectory: staging.directory,
    locker,
    logError: (error) => app.log.error({ err: error }, 'a resumable upload request failed'),
    logOverload: () =>
      app.log.warn(
        { lockConnections: config.uploads.lockConnections },
        'an upload request found every lock connection in use for 5 s and was answered 503 (UPLOAD_LOCK_CONNECTIONS)',
      ),
  });
  const intake = openVideoIntake(app, uploads, staging.directory);

  // tus 1.0: the protocol's own handlers answer; fastify only authenticates and leaves the body unread.
  app.addContentTypeParser('application/offset+octet-stream', (_request, _payload, done) => done(null));
  const handleTus = tusHandler(uploads, config.isProduction);
  app.route({ method: tusMethods, url: resumableUploadsPath, onRequest: manageContent, schema: createUploadSchema, handler: handleTus });
  app.route({
    method: tusMethods,
    url: `${resumableUploadsPath}/:uploadId`,
    onRequest: manageContent,
    schema: resumeUploadSchema,
    handler: handleTus,
  });

  startSweeper(app, uploads, staging);
  return intake;
}

const tusDescription =
  'tus 1.0 with the creation, creation-with-upload, termination and expiration extensions: POST with `Upload-Length` ' +
  'creates an upload (201 with its `Location`), PATCH `application/offset+octet-stream` at `Upload-Offset` appends, ' +
  `HEAD tells the offset, DELETE terminates. Then POST \`${adminPath}\` (or PATCH a session) with JSON \`upload_id\`. ` +
  'An upload belongs to whoever created it: anyone else gets 404. Uploads not claimed within the expiry period ' +
  '(UPLOAD_EXPIRY_HOURS) are deleted.';
const tusHeaders = z.object({ 'tus-resumable': z.literal('1.0.0').optional().meta({ example: '1.0.0' }) });
const createUploadSchema = { tags, summary: 'Create a resumable upload (tus 1.0)', description: tusDescription, headers: tusHeaders };
const resumeUploadSchema = {
  tags,
  summary: 'Resume, inspect or terminate a resumable upload (tus 1.0)',
  description: tusDescription,
  headers: tusHeaders,
};

/** Hands the raw request to the tus server, as the caller, with the headers every answer carries. */
function tusHandler(uploads: ResumableUploads, isProduction: boolean) {
  return async function handleTusRequest(request: FastifyRequest, reply: FastifyReply) {
    reply.hijack();
    for (const [name, value] of Object.entries(securityHeaders(request.url, isProduction))) reply.raw.setHeader(name, value);
    await uploads.handle(request.raw, reply.raw, actorOf(request).id);
  };
}

/**
 * How a create or change request gets its video: from its multipart form (read before validation,
 * the video streamed to a staging file) or from one of the caller's finished uploads, claimed only
 * when the use case asks for it. What holds the video until the request is answered is settled then:
 * a staged file is removed either way (moved into storage by then, or abandoned), a claimed upload
 * deleted if the write that claimed it committed, claimable again otherwise.
 */
function openVideoIntake(app: AppInstance, uploads: ResumableUploads, stagingDirectory: string) {
  const { config } = app.context;
  const heldVideos = new WeakMap<FastifyRequest, Pick<ClaimedUpload, 'settle'>>();
  app.addHook('onSend', async (request, _reply, payload) => {
    await heldVideos.get(request)?.settle();
    return payload;
  });

  return {
    async readMultipartBody(request: FastifyRequest) {
      if (!request.isMultipart()) return;
      const { fields, video } = await readSessionForm(request, stagingDirectory, config.uploads.maxVideoBytes);
      if (video) heldVideos.set(request, { settle: () => video.discard() });
      request.body = video ? { ...fields, video_file: video } : fields;
    },

    videoOf(request: FastifyRequest, body: { video_file?: StagedVideo; upload_id?: string }) {
      const { video_file, upload_id } = body;
      if (video_file) return async () => video_file;
      if (!upload_id) return undefined;
      return async () => {
        const claim = await uploads.claim(upload_id, actorOf(request).id);
        heldVideos.set(request, claim);
        return claim.video();
      };
    },
  };
}

/** The sweeper (decision 021): at start, then every min(UPLOAD_EXPIRY_HOURS, 5 min); one run at a time. */
function startSweeper(app: AppInstance, uploads: ResumableUploads, staging: ReturnType<typeof openUploadStaging>) {
  const { config } = app.context;
  let sweeping: Promise<void> | undefined;
  const sweep = () => {
    sweeping ??= sweepVideoFiles({
      database: app.context.database,
      storage: app.context.storage,
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
  app.addHook('onReady', async () => sweep());
  app.addHook('onClose', async () => {
    clearInterval(sweepTimer);
    await sweeping;
    await staging.close();
  });
}
