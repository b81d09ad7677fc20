import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { FileStore } from '@tus/file-store';
import { Server } from '@tus/server';
import type { Config } from '../../config.ts';
import { uploadIncomplete, uploadNotFound } from './expert-sessions.errors.ts';

export const resumableUploadsPath = '/api/admin/job-readiness/expert-sessions/uploads';

/**
 * The tus 1.0 endpoint (creation, creation-with-upload, termination, expiration) over files in
 * `<uploads>/tus`, plus what the API needs around it: taking a finished upload out to be claimed
 * by a session, and deleting uploads nobody claimed in time (finished or not — the file store's
 * own expiry keeps finished ones forever).
 */
export function createResumableUploads(uploads: Config['uploads']) {
  const directory = path.join(uploads.directory, 'tus');
  const stagingDirectory = path.join(uploads.directory, 'staging');
  const store = new FileStore({ directory, expirationPeriodInMilliseconds: uploads.expiryMs });
  const server = new Server({ path: resumableUploadsPath, datastore: store, maxSize: uploads.maxVideoBytes, relativeLocation: true });

  return {
    server,
    stagingDirectory,

    /** Moves a finished upload to a private staging file (so only one claim can get it) and forgets the upload. */
    async take(uploadId: string): Promise<string> {
      const upload = await store.getUpload(uploadId).catch(() => {
        throw uploadNotFound();
      });
      if (upload.size === undefined || upload.offset !== upload.size) throw uploadIncomplete();
      await fsp.mkdir(stagingDirectory, { recursive: true });
      const staged = path.join(stagingDirectory, `${crypto.randomUUID()}.video`);
      try {
        await fsp.rename(path.join(directory, uploadId), staged);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw uploadNotFound();
        throw error;
      }
      await store.configstore.delete(uploadId);
      return staged;
    },

    /** Deletes tus uploads and stray staging files older than the expiry period; returns how many. */
    async deleteExpired(now = Date.now()) {
      let deleted = 0;
      for (const id of (await store.configstore.list?.()) ?? []) {
        const info = await store.configstore.get(id);
        if (info?.creation_date && Date.parse(info.creation_date) + uploads.expiryMs < now) {
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

export type ResumableUploads = ReturnType<typeof createResumableUploads>;
