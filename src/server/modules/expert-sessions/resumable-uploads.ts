import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { FileStore } from '@tus/file-store';
import { Server } from '@tus/server';
import type { Config } from '../../config.ts';
import { uploadIncomplete, uploadInUse, uploadNotFound } from './expert-sessions.errors.ts';

export const resumableUploadsPath = '/api/admin/job-readiness/expert-sessions/uploads';

/** A finished upload lent to one request: `file` holds its bytes until `settle` says whether they were used. */
export type ClaimedUpload = { file: string; settle(used: boolean): Promise<void> };

/** tus answers with its own Request, which carries the Node request it was made from (srvx's `runtime.node`). */
type NodeBackedRequest = { runtime?: { node?: { req?: IncomingMessage } } };

const notFound = { status_code: 404, body: 'The file for this url was not found\n' };
const beingClaimed = { status_code: 423, body: 'This upload is being saved as a session\n' };

/**
 * The tus 1.0 endpoint (creation, creation-with-upload, termination, expiration) over files in
 * `<uploads>/tus`, plus what the API needs around it: uploads that belong to whoever created them,
 * lending a finished upload to a session write until that write is known to have succeeded, and
 * deleting uploads nobody claimed in time (finished or not — the file store's own expiry keeps
 * finished ones forever).
 */
export function createResumableUploads(uploads: Config['uploads']) {
  const directory = path.join(uploads.directory, 'tus');
  const stagingDirectory = path.join(uploads.directory, 'staging');
  const store = new FileStore({ directory, expirationPeriodInMilliseconds: uploads.expiryMs });
  /** Who sent each tus request in flight: the hooks below see only tus's Request. */
  const senders = new WeakMap<IncomingMessage, string>();
  const senderOf = (request: Request) => {
    const node = (request as NodeBackedRequest).runtime?.node?.req;
    return node && senders.get(node);
  };
  /** Uploads lent to a session write right now: one at a time, and tus leaves them alone meanwhile. */
  const claimed = new Set<string>();

  const server = new Server({
    path: resumableUploadsPath,
    datastore: store,
    maxSize: uploads.maxVideoBytes,
    relativeLocation: true,
    // The owner is recorded by the server, whatever metadata the client sends.
    onUploadCreate: async (request, upload) => ({ metadata: { ...upload.metadata, owner: senderOf(request) ?? null } }),
    // Someone else's upload answers like one that does not exist.
    onIncomingRequest: async (request, id) => {
      if (request.method === 'POST') return;
      const upload = await store.configstore.get(id);
      if (!upload || upload.metadata?.owner !== senderOf(request)) throw notFound;
      if (claimed.has(id)) throw beingClaimed;
    },
  });

  return {
    stagingDirectory,

    /** Answers one tus request of `senderId`'s. */
    async handle(request: IncomingMessage, response: ServerResponse, senderId: string) {
      senders.set(request, senderId);
      await server.handle(request, response);
    },

    /**
     * Lends `ownerId`'s finished upload to one write. The bytes get a second name in staging, which
     * storage may move away; the upload itself stays whole until `settle(true)` deletes it, and
     * `settle(false)` (a write that failed) leaves it to be claimed again.
     */
    async claim(uploadId: string, ownerId: string): Promise<ClaimedUpload> {
      if (claimed.has(uploadId)) throw uploadInUse();
      claimed.add(uploadId);
      const staged = path.join(stagingDirectory, `${crypto.randomUUID()}.video`);
      try {
        const upload = await store.getUpload(uploadId).catch(() => undefined);
        if (upload?.metadata?.owner !== ownerId) throw uploadNotFound();
        if (upload.size === undefined || upload.offset !== upload.size) throw uploadIncomplete();
        await fsp.mkdir(stagingDirectory, { recursive: true });
        await linkOrCopy(path.join(directory, uploadId), staged);
      } catch (error) {
        claimed.delete(uploadId);
        throw error;
      }
      return {
        file: staged,
        async settle(used) {
          await fsp.rm(staged, { force: true });
          if (used) await store.remove(uploadId).catch(() => undefined);
          claimed.delete(uploadId);
        },
      };
    },

    /** Deletes tus uploads and stray staging files older than the expiry period; returns how many. */
    async deleteExpired(now = Date.now()) {
      let deleted = 0;
      for (const id of (await store.configstore.list?.()) ?? []) {
        const info = await store.configstore.get(id);
        if (!claimed.has(id) && info?.creation_date && Date.parse(info.creation_date) + uploads.expiryMs < now) {
          await store.remove(id).catch(() => undefined);
          deleted += 1;
        }
      }
      for (const name of await fsp.readdir(stagingDirectory).catch(() => [])) {
        const file = path.join(stagingDirectory, name);
        const stats = await fsp.stat(file).catch(() => undefined);
        if (stats && stats.mtimeMs + uploads.expiryMs < now) {
          await fsp.rm(file, { force: true });
          deleted += 1;
        }
      }
      return deleted;
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

export type ResumableUploads = ReturnType<typeof createResumableUploads>;
