import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { Readable } from 'node:stream';
import { FileStore } from '@tus/file-store';
import { S3Store } from '@tus/s3-store';
import { ERRORS, Server, type DataStore, type KvStore, type Locker, type Upload } from '@tus/server';
import { NodeRequest, sendNodeResponse } from 'srvx/node';
import type { Config } from '../../../config.ts';
import type { Database } from '../../../db/database.ts';
import { commonErrors, type ErrorBody, retryAfterSeconds } from '../../../http/errors.ts';
import { s3ClientConfig } from '../../storage/s3-storage.ts';
import type { Storage } from '../../storage/storage.ts';
import { notAVideo, uploadIncomplete, uploadInUse, uploadNotFound } from '../expert-sessions.errors.ts';
import {
  consumeUploadClaim,
  findLeftoverClaims,
  findUploadClaim,
  releaseUploadClaim,
  takeUploadClaim,
} from './upload-claims.repository.ts';
import { DatabaseUnreachable, lockConnectionsBusy, refusedIfUnreachable } from './upload-locker.ts';
import { ruledOutAsVideo, sniffBytes } from '../../../../shared/video-signature.ts';
import { resumableUploadsPath } from '../expert-sessions.paths.ts';
import { inspectStoredVideo, inspectVideoFile, type StagedVideo, type VideoSource } from '../video-file.ts';

/** A finished upload lent to one request: `video()` checks and measures it; `settle()`, once the request is answered, deletes it if the write used it. */
export type ClaimedUpload = { video(): Promise<StagedVideo>; settle(): Promise<void> };

/** What the sweeper removed, or would remove. */
export type SweptItem = { kind: 'expired upload' | 'used upload'; id: string; bytes?: number };

/** tus answers with its own Request, which carries the Node request it was made from (srvx's `runtime.node`). */
type NodeBackedRequest = { runtime?: { node?: { req?: IncomingMessage } } };

/** A claim older than this, never used, was left by a process that died mid-claim: the upload may be claimed again (decision 021). */
const claimStaleAfterSeconds = 3600;

const beingClaimed = { status_code: 423, body: 'This upload is being saved as a session\n' };

/** tus's way to refuse (status and text): the first bytes of an upload that cannot be a video. */
class NotAVideoUpload extends Error {
  readonly status_code = 415;
  readonly body = 'Not a video\n';
  constructor(readonly uploadId: string) {
    super('The first bytes of this upload are not those of a video.');
  }
}

/**
 * The tus 1.0 endpoint (creation, creation-with-upload, termination, expiration), over files in
 * `<uploads>/tus` with the local driver and over objects under `uploads/` in the bucket with the S3
 * driver — so that any instance resumes and claims an upload begun on another — plus what the API
 * needs around it: uploads that belong to whoever created them, lending a finished upload to one
 * session write at a time across every instance (a row in `upload_claims`), answers in the API's
 * error shape, and the sweep of uploads nobody claimed in time.
 */
export function createResumableUploads(options: {
  config: Config;
  db: Database;
  storage: Storage;
  /** This process's staging folder, where a claimed local upload gets its second name. */
  stagingDirectory: string;
  /** Serialises the requests on one upload, across instances where there are several (upload-locker.ts); tus's in-memory one without it. */
  locker?: Locker;
  logError?: (error: unknown) => void;
  /** A request answered 503 because every lock connection stayed in use: a sign that `UPLOAD_LOCK_CONNECTIONS` is too small. */
  logOverload?: () => void;
}) {
  const { config, db, storage, stagingDirectory } = options;
  const uploads = config.uploads;
  const store =
    config.storage.driver === 's3'
      ? bucketUploadStore(config.storage, storage, uploads.expiryMs)
      : fileUploadStore(path.join(uploads.directory, 'tus'), stagingDirectory, uploads.expiryMs);
  /** The store's id of an upload named in a URL or an `upload_id`; undefined for anything that cannot be one. */
  const storeIdOf = (uploadId: string | undefined) =>
    uploadId && /^[A-Za-z0-9_-]{1,128}$/.test(uploadId) ? store.idPrefix + uploadId : undefined;

  /** Who sent each tus request in flight: the hooks below see only tus's Request. */
  const senders = new WeakMap<IncomingMessage, string>();
  const senderOf = (request: Request) => {
    const node = (request as NodeBackedRequest).runtime?.node?.req;
    return node && senders.get(node);
  };

  const server = new Server({
    path: resumableUploadsPath,
    datastore: checkingFirstBytes(store.datastore),
    locker: options.locker,
    maxSize: uploads.maxVideoBytes,
    relativeLocation: true,
    namingFunction: () => store.idPrefix + crypto.randomBytes(16).toString('hex'),
    generateUrl: (_request, { path: collection, id }) => `${collection}/${id.slice(store.idPrefix.length)}`,
    getFileIdFromRequest: (_request, lastPath) => storeIdOf(lastPath),
    // The owner is recorded by the server, whatever metadata the client sends.
    onUploadCreate: async (request, upload) => ({ metadata: { ...upload.metadata, owner: senderOf(request) ?? null } }),
    // Someone else's upload answers like one that does not exist.
    onIncomingRequest: async (request, id) => {
      if (request.method === 'POST') return;
      const upload = await store.infoOf(id);
      if (!upload || upload.metadata?.owner !== senderOf(request)) throw ERRORS.FILE_NOT_FOUND;
      // Read on the request pool: PostgreSQL unreachable there is answered 503 as at the lock.
      const claim = await findUploadClaim(db, id).catch((error: unknown) => {
        throw refusedIfUnreachable(error);
      });
      if (claim) throw beingClaimed;
    },
    onResponseError: async (_request, error) => {
      // Nothing of it was written, and its creator learns now that it is refused: it goes at once.
      if (error instanceof NotAVideoUpload) await store.remove(error.uploadId);
      else if (error === lockConnectionsBusy) options.logOverload?.();
      // Logged as the API logs it (a 5xx), with what the driver said.
      else if (error instanceof DatabaseUnreachable) options.logError?.(error.cause);
      else if (!('status_code' in error)) options.logError?.(error);
    },
  });

  return {
    /** Answers one tus request of `senderId`'s; tus's plain-text refusals leave in the API's error shape. */
    async handle(request: IncomingMessage, response: ServerResponse, senderId: string) {
      senders.set(request, senderId);
      const answer = await server.handleWeb(new NodeRequest({ req: request, res: response }));
      await sendNodeResponse(response, answer.status >= 400 ? await asApiError(answer) : answer);
    },

    /**
     * Lends `ownerId`'s finished upload to one write, on any instance: a second claim meanwhile
     * answers 409 and tus requests on it 423. The write marks the claim used in its transaction
     * (`StagedVideo.consume`); `settle()` then deletes the upload, and otherwise (a write that
     * failed) leaves it to be claimed again.
     */
    async claim(uploadId: string, ownerId: string): Promise<ClaimedUpload> {
      const id = storeIdOf(uploadId);
      if (!id) throw uploadNotFound();
      const token = crypto.randomUUID();
      const taken = await takeUploadClaim(db, id, token, claimStaleAfterSeconds);
      if (taken === 'in_use') throw uploadInUse();
      if (taken === 'used') throw uploadNotFound();
      let source: VideoSource;
      try {
        const upload = await store.datastore.getUpload(id).catch(() => undefined);
        if (upload?.metadata?.owner !== ownerId) throw uploadNotFound();
        if (upload.size === undefined || upload.offset !== upload.size) throw uploadIncomplete();
        source = await store.lend(id);
      } catch (error) {
        await releaseUploadClaim(db, id, token);
        throw error;
      }
      const consume = async (tx: Database) => {
        // Only when a claim outlived `claimStaleAfterSeconds` and was taken over.
        if (!(await consumeUploadClaim(tx, id, token))) throw uploadInUse();
      };
      return {
        video: () => ('file' in source ? inspectVideoFile(source.file, consume) : inspectStoredVideo(storage, source.object, consume)),
        async settle() {
          if ('file' in source) await fsp.rm(source.file, { force: true });
          const claim = await findUploadClaim(db, id);
          if (claim?.token === token && claim.consumedAt) await store.remove(id);
          await releaseUploadClaim(db, id, token);
        },
      };
    },

    /**
     * Deletes uploads created more than the expiry period before `now` that nobody is claiming, and
     * settles claims whose process died: a used upload is deleted, an unused one freed. With
     * `remove: false` only lists what it would do.
     */
    async sweep({ now, remove }: { now: number; remove: boolean }): Promise<SweptItem[]> {
      const swept: SweptItem[] = [];
      for (const claim of await findLeftoverClaims(db, claimStaleAfterSeconds)) {
        if (claim.consumedAt) swept.push({ kind: 'used upload', id: claim.uploadId });
        if (!remove) continue;
        if (claim.consumedAt) await store.remove(claim.uploadId);
        await releaseUploadClaim(db, claim.uploadId, claim.token);
      }
      for (const upload of await store.createdBefore(now - uploads.expiryMs)) {
        if (await findUploadClaim(db, upload.id)) continue;
        swept.push({ kind: 'expired upload', id: upload.id, bytes: upload.bytes });
        if (remove) await store.remove(upload.id);
      }
      return swept;
    },
  };
}

export type ResumableUploads = ReturnType<typeof createResumableUploads>;

/**
 * The store, with the first bytes of every upload checked before any is written: the request that
 * brings the start of a file that cannot be a video (the POST of creation-with-upload, or the first
 * PATCH) is refused with 415, not the session write after the whole file (`video-file.ts` still
 * judges the whole file then, and a start too short to tell).
 */
function checkingFirstBytes(datastore: DataStore): DataStore {
  const write = datastore.write.bind(datastore);
  datastore.write = async (stream, id, offset) => {
    if (offset > 0) return write(stream, id, offset);
    const { head, whole } = await readHead(stream, sniffBytes);
    // Thrown, the request's pipeline (tus's) ends and the rest of the body is discarded unread.
    if (ruledOutAsVideo(head)) throw new NotAVideoUpload(id);
    return write(whole, id, offset);
  };
  return datastore;
}

/** At least `size` bytes from the front of `stream` (fewer if it ends first), and the stream whole again. */
async function readHead(stream: Readable, size: number) {
  const chunks = stream[Symbol.asyncIterator]();
  const read: Buffer[] = [];
  let length = 0;
  while (length < size) {
    const next = await chunks.next();
    if (next.done) break;
    read.push(next.value);
    length += next.value.length;
  }
  const head = Buffer.concat(read);
  async function* again() {
    try {
      if (head.length > 0) yield head;
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value as Buffer;
    } finally {
      await chunks.return?.();
    }
  }
  return { head, whole: Readable.from(again(), { objectMode: false }) };
}

/** The tus store of one driver, with what the endpoint needs beyond tus. */
type UploadStore = {
  datastore: DataStore;
  /** Prepended to every upload id in the store (not in URLs): the bucket keeps uploads under `uploads/`. */
  idPrefix: string;
  /** The upload's size and metadata, as recorded at creation (no offset: one read). */
  infoOf(id: string): Promise<Upload | undefined>;
  /** Where a finished upload's bytes can be read by a session write, which may move a file source away. */
  lend(id: string): Promise<VideoSource>;
  /** Deletes the upload, finished or not; nothing when it is gone already. */
  remove(id: string): Promise<void>;
  createdBefore(time: number): Promise<{ id: string; bytes: number }[]>;
};

function fileUploadStore(directory: string, stagingDirectory: string, expiryMs: number): UploadStore {
  const store = new FileStore({ directory, expirationPeriodInMilliseconds: expiryMs });
  return {
    datastore: store,
    idPrefix: '',
    infoOf: (id) => store.configstore.get(id),
    async lend(id) {
      const staged = path.join(stagingDirectory, `${crypto.randomUUID()}.video`);
      await fsp.mkdir(stagingDirectory, { recursive: true });
      await linkOrCopy(path.join(directory, id), staged);
      return { file: staged };
    },
    remove: (id) => store.remove(id).catch(() => undefined),
    async createdBefore(time) {
      const expired = [];
      for (const id of (await store.configstore.list?.()) ?? []) {
        const info = await store.configstore.get(id);
        if (info?.creation_date && Date.parse(info.creation_date) < time) expired.push({ id, bytes: info.offset });
      }
      return expired;
    },
  };
}

/** A hard link costs nothing; a filesystem without them gets a copy. */
async function linkOrCopy(source: string, target: string) {
  try {
    await fsp.link(source, target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw uploadNotFound();
    await fsp.copyFile(source, target);
  }
}

const bucketPrefix = 'uploads/';

/**
 * Uploads in the bucket: each is a multipart upload of `uploads/<id>` (one part per PATCH), its
 * info in `uploads/<id>.info` and a tail shorter than S3's 5 MiB minimum part in `uploads/<id>.part`.
 */
class BucketUploadStore extends S3Store {
  /** The info object as stored, read each time: another instance may have changed or deleted it. */
  async infoOf(id: string) {
    return this.getMetadata(id).then(
      (metadata) => metadata.file,
      () => undefined,
    );
  }

  /** S3Store stops at a finished upload (its multipart upload is gone) before deleting its objects, and never deletes the tail. */
  override async remove(id: string) {
    await super.remove(id).catch((error: unknown) => {
      if (error !== ERRORS.FILE_NOT_FOUND) throw error;
    });
    await this.client.deleteObjects({
      Bucket: this.bucket,
      Delete: { Objects: [{ Key: id }, { Key: this.infoKey(id) }, { Key: this.partKey(id, true) }] },
    });
  }
}

/** A cache that keeps nothing: S3Store would otherwise answer from a copy another instance has made stale. */
const noCache: KvStore<never> = { get: async () => undefined, set: async () => undefined, delete: async () => undefined };

/** `storage` is the S3 driver on the same bucket, which lists the uploads' objects. */
function bucketUploadStore(config: Extract<Config['storage'], { driver: 's3' }>, storage: Storage, expiryMs: number): UploadStore {
  const store = new BucketUploadStore({
    s3ClientConfig: { ...s3ClientConfig(config), bucket: config.bucket },
    // One part per 8 MiB PATCH, as the web app sends them; at most 4 parts in flight per request.
    partSize: 8 * 1024 ** 2,
    maxConcurrentPartUploads: 4,
    cache: noCache,
    // Object tags (S3Store's way to mark finished uploads for lifecycle rules) are not supported by R2.
    useTags: false,
    expirationPeriodInMilliseconds: expiryMs,
  });
  return {
    datastore: store,
    idPrefix: bucketPrefix,
    infoOf: (id) => store.infoOf(id),
    lend: async (id) => ({ object: id }),
    remove: (id) => store.remove(id),
    async createdBefore(time) {
      // An upload was created when its info object was written; without one (a crash mid-creation), when its oldest object was.
      const uploads = new Map<string, { created: number; info: boolean; bytes: number }>();
      for await (const object of storage.list(bucketPrefix)) {
        const isInfo = object.key.endsWith('.info');
        const id = object.key.replace(/\.(info|part)$/, '');
        const upload = uploads.get(id) ?? { created: Infinity, info: false, bytes: 0 };
        const written = object.lastModified.getTime();
        uploads.set(id, {
          created: isInfo ? written : upload.info ? upload.created : Math.min(upload.created, written),
          info: upload.info || isInfo,
          bytes: upload.bytes + (isInfo ? 0 : object.size),
        });
      }
      return [...uploads].filter(([, upload]) => upload.created < time).map(([id, upload]) => ({ id, bytes: upload.bytes }));
    },
  };
}

/** tus's refusals, by their text, as the API's coded errors. */
const tusRefusals = new Map<string, { code: string; message: string }>([
  [ERRORS.FILE_NOT_FOUND.body, { code: 'uploads.not_found', message: 'No upload of yours has this id; it may have expired or been used.' }],
  [beingClaimed.body, { code: 'uploads.being_claimed', message: 'This upload is being saved as a session right now.' }],
  ['Not a video\n', { code: notAVideo().code, message: `${notAVideo().message} Its first bytes say so; nothing of it was kept.` }],
  [ERRORS.FILE_NO_LONGER_EXISTS.body, { code: 'uploads.expired', message: 'This upload has expired.' }],
  [
    ERRORS.INVALID_OFFSET.body,
    { code: 'uploads.offset_mismatch', message: 'Upload-Offset is not where the upload stands; ask with HEAD and continue from there.' },
  ],
  [ERRORS.MISSING_OFFSET.body, { code: 'uploads.offset_required', message: 'Send the Upload-Offset header.' }],
  [
    ERRORS.INVALID_CONTENT_TYPE.body,
    { code: 'uploads.content_type_required', message: 'Send the bytes as Content-Type: application/offset+octet-stream.' },
  ],
  [
    ERRORS.ERR_SIZE_EXCEEDED.body,
    { code: 'uploads.length_exceeded', message: 'More bytes than the Upload-Length the upload was created with.' },
  ],
  [ERRORS.ERR_MAX_SIZE_EXCEEDED.body, { code: 'uploads.too_large', message: 'The video is larger than this server accepts.' }],
  [ERRORS.INVALID_LENGTH.body, { code: 'uploads.length_required', message: 'Send Upload-Length (or Upload-Defer-Length: 1).' }],
  [
    ERRORS.INVALID_METADATA.body,
    { code: 'uploads.invalid_metadata', message: 'Upload-Metadata must be comma-separated "key base64value" pairs with unique keys.' },
  ],
  [ERRORS.INVALID_TERMINATION.body, { code: 'uploads.already_finished', message: 'A finished upload cannot be terminated.' }],
  [ERRORS.ABORTED.body, { code: 'uploads.superseded', message: 'A newer request on this upload took it over.' }],
  [
    ERRORS.ERR_LOCK_TIMEOUT.body,
    { code: 'uploads.busy', message: 'Another request on this upload did not let go in time; ask with HEAD and continue from there.' },
  ],
  ['Tus-Resumable Required\n', { code: 'uploads.tus_resumable_required', message: 'Send Tus-Resumable: 1.0.0.' }],
  [
    lockConnectionsBusy.body,
    {
      code: 'uploads.overloaded',
      message: 'This server is handling as many upload requests as it can; try again in a few seconds, from the offset HEAD gives.',
    },
  ],
  // The API's own answer to a database that cannot be reached (http/errors.ts).
  [DatabaseUnreachable.body, { code: commonErrors.databaseUnavailable().code, message: commonErrors.databaseUnavailable().message }],
]);

/** The same refusal as the API's `{"error": {"code", "message"}}`, with tus's headers kept. */
async function asApiError(answer: Response): Promise<Response> {
  const text = await answer.text();
  const invalidHeaders = answer.status === 400 && /^Invalid (.+)\n$/.exec(text)?.[1];
  const error: ErrorBody['error'] =
    tusRefusals.get(text) ??
    (invalidHeaders
      ? {
          code: 'uploads.invalid_headers',
          message: `Invalid tus headers: ${invalidHeaders}.`,
          details: { headers: invalidHeaders.split(' ') },
        }
      : answer.status >= 500
        ? { code: 'uploads.failed', message: 'The upload could not be handled on our side. It has been logged.' }
        : { code: 'uploads.refused', message: text.trim() });
  const body = JSON.stringify({ error } satisfies ErrorBody);
  const headers = new Headers(answer.headers);
  headers.set('content-type', 'application/json; charset=utf-8');
  headers.set('content-length', String(Buffer.byteLength(body)));
  // As every 503 of the API's (sendError): a moment's overload, worth another try.
  if (answer.status === 503) headers.set('retry-after', String(retryAfterSeconds));
  return new Response(body, { status: answer.status, headers });
}
