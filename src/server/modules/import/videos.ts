import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { Database } from '../../db/database.ts';
import { extensionOf, stageVideo } from '../expert-sessions/video-file.ts';
import type { Storage } from '../storage/storage.ts';
import type { IdResolver, Problem } from './import-plan.ts';
import * as repository from './import.repository.ts';
import { boolOf, textOf, type SourceRow } from './source-rows.ts';

/** Where the source's video files can be read: a folder, or an S3-compatible bucket and prefix. */
export type VideoSource = {
  description: string;
  /** The object's size, or undefined when there is none. */
  sizeOf(key: string): Promise<number | undefined>;
  open(key: string): Promise<Readable | undefined>;
};

/** `--videos-from DIR` or `--videos-from s3://bucket/prefix` (with the AWS SDK's usual credentials). */
export function videoSourceOf(location: string, s3: { endpoint?: string; region?: string } = {}): VideoSource {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(location);
  return match ? s3VideoSource(match[1]!, match[2]!, s3) : folderVideoSource(location);
}

function folderVideoSource(folder: string): VideoSource {
  const root = path.resolve(folder);
  const fileOf = (key: string) => {
    const file = path.resolve(root, key);
    return file.startsWith(root + path.sep) ? file : undefined;
  };
  return {
    description: root,
    async sizeOf(key) {
      const file = fileOf(key);
      const stats = file ? await fsp.stat(file).catch(() => undefined) : undefined;
      return stats?.isFile() ? stats.size : undefined;
    },
    async open(key) {
      const file = fileOf(key);
      return file && (await this.sizeOf(key)) !== undefined ? fs.createReadStream(file) : undefined;
    },
  };
}

function s3VideoSource(bucket: string, prefix: string, options: { endpoint?: string; region?: string }): VideoSource {
  const client = new S3Client({
    region: options.region ?? 'us-east-1',
    endpoint: options.endpoint,
    forcePathStyle: Boolean(options.endpoint),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const keyOf = (key: string) => (prefix ? `${prefix.replace(/\/$/, '')}/${key}` : key);
  const missing = (error: unknown) =>
    error instanceof S3ServiceException &&
    (error.$metadata.httpStatusCode === 404 || error.name === 'NoSuchKey' || error.name === 'NotFound');
  return {
    description: `s3://${bucket}/${prefix}`,
    async sizeOf(key) {
      try {
        return (await client.send(new HeadObjectCommand({ Bucket: bucket, Key: keyOf(key) }))).ContentLength ?? 0;
      } catch (error) {
        if (missing(error)) return undefined;
        throw error;
      }
    },
    async open(key) {
      try {
        return (await client.send(new GetObjectCommand({ Bucket: bucket, Key: keyOf(key) }))).Body as Readable;
      } catch (error) {
        if (missing(error)) return undefined;
        throw error;
      }
    },
  };
}

/**
 * The object a source video URL names, as a key within its bucket: Supabase Storage URLs
 * (`…/storage/v1/object/public/<bucket>/<key>`, also `sign` and `authenticated`) lose everything
 * up to the bucket; other URLs (a CDN or R2 public domain) keep their path; a bare path stays.
 */
export function objectKeyOf(videoUrl: string): string {
  let pathname = videoUrl.trim();
  try {
    pathname = new URL(pathname).pathname;
  } catch {
    // Not a URL: already a path.
  }
  const supabase = /\/storage\/v1\/object\/(?:public|sign|authenticated)\/[^/]+\/(.+)$/.exec(pathname);
  const key = supabase ? supabase[1]! : pathname.replace(/^\/+/, '');
  return key
    .split('/')
    .map((part) => decodeURIComponent(part))
    .join('/');
}

export type VideoReport = { copied: number; bytes: number; alreadyHere: number; missing: Problem[] };

/**
 * Copies each imported session's video that is not here yet into our storage, streamed through a
 * staging file where its type is checked and its duration measured, then links it and shows the
 * session as the source did; the rows were committed before, so files follow the commit. A session
 * whose file is missing (or no video) stays hidden and is listed. A dry run only looks.
 */
export async function copyVideos(
  context: { db: Database; storage: Storage; stagingDir: string; maxVideoBytes: number; dryRun: boolean; targetMigrated: boolean },
  sessions: Array<{ row: SourceRow; sourceTable: string }>,
  ids: IdResolver,
  videos: VideoSource | undefined,
  onProgress?: (done: number, total: number) => void,
): Promise<VideoReport> {
  const report: VideoReport = { copied: 0, bytes: 0, alreadyHere: 0, missing: [] };
  const planned = sessions
    .map(({ row, sourceTable }) => ({ row, sourceTable, id: ids.get(sourceTable, row.id) }))
    .filter((session): session is typeof session & { id: string } => Boolean(session.id));
  const withVideo = context.targetMigrated
    ? await repository.findSessionsWithVideo(
        context.db,
        planned.map((session) => session.id),
      )
    : new Set<string>();
  let done = 0;
  for (const { row, sourceTable, id } of planned) {
    done += 1;
    onProgress?.(done, planned.length);
    if (withVideo.has(id)) {
      report.alreadyHere += 1;
      continue;
    }
    const missing = (reason: string) =>
      report.missing.push({ sourceTable, sourceId: String(row.id), kind: 'adjusted', reason: `${reason}: imported inactive` });
    const url = textOf(row.video_url);
    if (!url) {
      missing('no video_url');
      continue;
    }
    if (!videos) {
      missing(`no --videos-from given for ${url}`);
      continue;
    }
    const key = objectKeyOf(url);
    const size = await videos.sizeOf(key);
    if (size === undefined) {
      missing(`${key} is not in ${videos.description}`);
      continue;
    }
    if (context.dryRun) {
      report.copied += 1;
      report.bytes += size;
      continue;
    }
    const stream = await videos.open(key);
    if (!stream) {
      missing(`${key} is not in ${videos.description}`);
      continue;
    }
    let staged: Awaited<ReturnType<typeof stageVideo>>;
    try {
      staged = await stageVideo(stream, context.stagingDir, context.maxVideoBytes);
    } catch (error) {
      missing(`${key} could not be used (${(error as Error).message})`);
      continue;
    }
    const storageKey = `expert-sessions/${id}/imported.${extensionOf[staged.mediaType]}`;
    await staged.store(context.storage, storageKey);
    try {
      await repository.linkSessionVideo(context.db, id, {
        key: storageKey,
        durationSeconds: staged.durationSeconds,
        sizeBytes: staged.sizeBytes,
        mediaType: staged.mediaType,
        isActive: boolOf(row.is_active, true),
      });
    } catch (error) {
      await context.storage.delete(storageKey);
      throw error;
    }
    report.copied += 1;
    report.bytes += staged.sizeBytes;
  }
  return report;
}
