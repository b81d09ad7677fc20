import type { Config } from '../../../config.ts';
import type { DatabaseConnection } from '../../../db/database.ts';
import { createStorage } from '../../storage/create-storage.ts';
import type { ListedObject, Storage } from '../../storage/storage.ts';
import { findReferencedFileKeys } from './uploads.repository.ts';
import { createResumableUploads, type ResumableUploads } from './resumable-uploads.ts';
import { tryTakeSweepLock } from './upload-claims.repository.ts';
import { openUploadStaging, sweepAbandonedStaging } from './upload-staging.ts';

/**
 * A stored file (video, poster, captions) that no session names is removed only once it is this
 * old: a write stores the file first and commits the row naming it after, minutes later at most (decision 021).
 */
export const orphanMinAgeMs = 6 * 3600_000;
/** Where the session files this app writes live; other keys (legacy videos, anything else in a shared bucket) are never swept. */
const videoPrefix = 'expert-sessions/';
/** Keys looked up in the database at a time. */
const batchSize = 500;

export type SweptFile = {
  kind: 'expired upload' | 'used upload' | 'abandoned staging file' | 'orphan file';
  name: string;
  bytes?: number;
};
export type SweepReport = { skipped: boolean; dryRun: boolean; files: SweptFile[] };

/**
 * Removes what no one will use (decision 021): resumable uploads nobody claimed within the expiry
 * period, uploads a dead process had used or left claimed, staging files of processes that are
 * gone, and stored files (videos, posters, captions) no session names. One instance at a time
 * sweeps (on PostgreSQL, a transaction-level advisory lock; PGlite has one process). `dryRun` only lists.
 */
export async function sweepVideoFiles(options: {
  database: DatabaseConnection;
  storage: Storage;
  uploads: ResumableUploads;
  uploadsDirectory: string;
  uploadExpiryMs: number;
  /** Staging folders of live processes in this one, never swept. */
  liveStagingDirectories: string[];
  now?: number;
  dryRun?: boolean;
}): Promise<SweepReport> {
  const { database, storage, uploads, now = Date.now(), dryRun = false } = options;
  const remove = !dryRun;
  const sweep = async (): Promise<SweepReport> => {
    const files: SweptFile[] = [];
    for (const upload of await uploads.sweep({ now, remove })) files.push({ kind: upload.kind, name: upload.id, bytes: upload.bytes });
    const staged = await sweepAbandonedStaging(options.uploadsDirectory, {
      now,
      looseMaxAgeMs: options.uploadExpiryMs,
      liveDirectories: options.liveStagingDirectories,
      remove,
    });
    for (const file of staged) files.push({ kind: 'abandoned staging file', name: file.path, bytes: file.bytes });
    let batch: ListedObject[] = [];
    const sweepBatch = async () => {
      const referenced = await findReferencedFileKeys(
        database.db,
        batch.map((object) => object.key),
      );
      for (const object of batch.filter((candidate) => !referenced.has(candidate.key))) {
        files.push({ kind: 'orphan file', name: object.key, bytes: object.size });
        if (remove) await storage.delete(object.key);
      }
      batch = [];
    };
    for await (const object of storage.list(videoPrefix)) {
      if (object.lastModified.getTime() + orphanMinAgeMs >= now) continue;
      batch.push(object);
      if (batch.length === batchSize) await sweepBatch();
    }
    await sweepBatch();
    return { skipped: false, dryRun, files };
  };
  if (database.engine === 'pglite') return sweep();
  return database.db.transaction(async (tx) => ((await tryTakeSweepLock(tx)) ? sweep() : { skipped: true, dryRun, files: [] }));
}

/** A summary for the log: how many files of each kind, and how many bytes (the files themselves go beside it). */
export function describeSweep(report: SweepReport) {
  if (report.skipped) return 'sweep skipped: another instance is sweeping';
  const verb = report.dryRun ? 'would remove' : 'removed';
  if (report.files.length === 0) return `sweep ${verb} nothing`;
  const kinds = new Map<string, number>();
  for (const file of report.files) kinds.set(file.kind, (kinds.get(file.kind) ?? 0) + 1);
  const bytes = report.files.reduce((sum, file) => sum + (file.bytes ?? 0), 0);
  const counts = [...kinds].map(([kind, count]) => `${count} ${kind}${count === 1 ? '' : 's'}`).join(', ');
  return `sweep ${verb} ${counts} (${(bytes / 1024 ** 2).toFixed(1)} MiB)`;
}

/**
 * One sweep from a process that serves no requests (the sweep command), with uploads and storage
 * of its own over `config` — any instance's sweep, as far as the files are concerned.
 */
export async function sweepOnce(
  config: Config,
  database: DatabaseConnection,
  options: { now?: number; dryRun?: boolean; liveStagingDirectories?: string[] } = {},
): Promise<SweepReport> {
  const storage = createStorage(config.storage);
  const staging = openUploadStaging(config.uploads.directory);
  try {
    const uploads = createResumableUploads({ config, db: database.db, storage, stagingDirectory: staging.directory });
    return await sweepVideoFiles({
      database,
      storage,
      uploads,
      uploadsDirectory: config.uploads.directory,
      uploadExpiryMs: config.uploads.expiryMs,
      now: options.now,
      dryRun: options.dryRun,
      liveStagingDirectories: [staging.directory, ...(options.liveStagingDirectories ?? [])],
    });
  } finally {
    await staging.close();
  }
}
