import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import ffmpeg from '@ffmpeg-installer/ffmpeg';
import ffprobe from '@ffprobe-installer/ffprobe';
import type { Database } from '../../db/database.ts';
import type { Storage } from '../storage/storage.ts';
import { sniffBytes, sniffVideoType, type VideoMediaType } from '../../../shared/video-signature.ts';
import { notAVideo, unreadableVideo, uploadNotFound, videoTooLarge } from './expert-sessions.errors.ts';

/** Where a staged video's bytes are: a file on local disk, or an object already in storage (a resumable upload in the bucket). */
export type VideoSource = { file: string } | { object: string };

/**
 * A complete, checked and measured video waiting to be given its key in storage. A class so that
 * request validation can require an instance: no JSON body can forge one (and a path). `consume`
 * is what the write that stores it must do in its transaction (a claimed upload marks its claim used).
 */
export class StagedVideo {
  constructor(
    readonly source: VideoSource,
    readonly mediaType: VideoMediaType,
    readonly sizeBytes: number,
    readonly durationSeconds: number,
    readonly consume?: (tx: Database) => Promise<void>,
  ) {}

  /** Puts the video at `key`: a staged file is moved there, an object copied inside the storage. */
  async store(storage: Storage, key: string) {
    if ('file' in this.source) return storage.putFile(key, this.source.file, this.mediaType);
    return storage.copy(this.source.object, key, this.mediaType);
  }

  /**
   * A JPEG of a frame a little into the video, taken from where the video is now (read it before
   * `store` moves a staged file); undefined when ffmpeg could not take one.
   */
  async posterFrame(storage: Storage): Promise<Buffer | undefined> {
    const input = 'file' in this.source ? this.source.file : await storage.signedUrl(this.source.object, probeUrlSeconds);
    return input ? capturePosterFrame(input, this.durationSeconds) : undefined;
  }

  /** Removes the staged file, if any (an object source stays: its upload's claim decides its fate). */
  async discard() {
    if ('file' in this.source) await fsp.rm(this.source.file, { force: true });
  }
}

const run = promisify(execFile);

/** Duration in seconds, to the millisecond, measured by ffprobe from the file itself (a path, or a URL it reads by ranges; decision 028). */
async function measureDuration(file: string): Promise<number> {
  try {
    const { stdout } = await run(ffprobe.path, ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], {
      timeout: 60_000,
    });
    const seconds = Number.parseFloat(stdout.trim());
    if (Number.isFinite(seconds) && seconds > 0) return Math.max(0.001, Math.round(seconds * 1000) / 1000);
  } catch {
    // ffprobe could not read it: treated like a file without a duration.
  }
  throw unreadableVideo();
}

/** Posters are at most this wide (the widest place showing one, the player, is 960 px at 1.5x density). */
const posterMaxWidth = 1280;

/**
 * One frame as a JPEG, 10 % into the video and at most 10 s in (a talk's first frame is often a
 * black or title card), scaled down to `posterMaxWidth`. ffmpeg seeks in the input (by ranges
 * for a URL), so a long video costs no more than a short one.
 */
export async function capturePosterFrame(input: string, durationSeconds: number): Promise<Buffer | undefined> {
  const at = Math.min(durationSeconds * 0.1, 10).toFixed(2);
  try {
    const { stdout } = await run(
      ffmpeg.path,
      [
        '-v',
        'error',
        '-ss',
        at,
        '-i',
        input,
        '-frames:v',
        '1',
        '-vf',
        `scale='min(${posterMaxWidth},iw)':-2`,
        '-q:v',
        '4',
        '-f',
        'image2',
        '-c:v',
        'mjpeg',
        'pipe:1',
      ],
      { encoding: 'buffer', timeout: 60_000, maxBuffer: 8 * 1024 * 1024 },
    );
    return stdout.length > 0 ? stdout : undefined;
  } catch {
    // No frame could be taken (an audio-only file, a damaged one): the session has no poster.
    return undefined;
  }
}

// A socket delivers 64 KiB at a time. A file stream that may buffer 1 MiB writes what arrived during
// its last write in one writev, instead of one write per chunk (docs/performance.md, uploads).
const fileWriteBufferBytes = 1024 * 1024;

/**
 * Streams an incoming video to a fresh file in `directory`, checking its first bytes on the way
 * and counting the rest (never holding it in memory). The caller owns the file; on any failure
 * here it is already removed.
 */
export async function stageVideo(body: Readable, directory: string, maxBytes: number): Promise<StagedVideo> {
  await fsp.mkdir(directory, { recursive: true });
  const file = path.join(directory, `${crypto.randomUUID()}.video`);
  let head = Buffer.alloc(0);
  let sizeBytes = 0;
  let mediaType: VideoMediaType | undefined;
  const inspect = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      sizeBytes += chunk.length;
      if (sizeBytes > maxBytes) return done(videoTooLarge());
      if (!mediaType) {
        head = Buffer.concat([head, chunk]);
        if (head.length < sniffBytes) return done(null, chunk);
        mediaType = sniffVideoType(head);
        if (!mediaType) return done(notAVideo());
      }
      done(null, chunk);
    },
    flush(done) {
      // A file shorter than the sniff window is still judged by what there is.
      mediaType ??= head.length >= 12 ? sniffVideoType(head) : undefined;
      done(mediaType ? null : notAVideo());
    },
  });
  try {
    await pipeline(body, inspect, fs.createWriteStream(file, { highWaterMark: fileWriteBufferBytes }));
    return new StagedVideo({ file }, mediaType!, sizeBytes, await measureDuration(file));
  } catch (error) {
    await fsp.rm(file, { force: true });
    throw error;
  }
}

/** A finished upload already on disk (tus): checked and measured in place. */
export async function inspectVideoFile(file: string, consume?: StagedVideo['consume']): Promise<StagedVideo> {
  const handle = await fsp.open(file);
  try {
    const head = Buffer.alloc(sniffBytes);
    const { bytesRead } = await handle.read(head, 0, sniffBytes, 0);
    const mediaType = mediaTypeOf(head.subarray(0, bytesRead));
    const { size } = await handle.stat();
    return new StagedVideo({ file }, mediaType, size, await measureDuration(file), consume);
  } finally {
    await handle.close();
  }
}

/** How long ffprobe may read a stored object through its presigned URL. */
const probeUrlSeconds = 900;

/**
 * A finished upload in the bucket, checked and measured where it is: its first bytes by a ranged
 * read, its duration by ffprobe reading a presigned URL (by ranges: it fetches the index, not the video).
 */
export async function inspectStoredVideo(storage: Storage, key: string, consume?: StagedVideo['consume']): Promise<StagedVideo> {
  const stats = await storage.stat(key);
  if (!stats) throw uploadNotFound();
  const head = stats.size > 0 ? await storage.get(key, { start: 0, end: Math.min(sniffBytes, stats.size) - 1 }) : undefined;
  const mediaType = mediaTypeOf(head ? Buffer.from(await buffer(head.stream)).subarray(0, sniffBytes) : Buffer.alloc(0));
  const url = await storage.signedUrl(key, probeUrlSeconds);
  if (!url) throw new Error(`The ${storage.driver} storage cannot sign a URL for ${key}.`);
  return new StagedVideo({ object: key }, mediaType, stats.size, await measureDuration(url), consume);
}

function mediaTypeOf(head: Buffer): VideoMediaType {
  const mediaType = head.length >= 12 ? sniffVideoType(head) : undefined;
  if (!mediaType) throw notAVideo();
  return mediaType;
}

export const extensionOf: Record<VideoMediaType, string> = {
  'video/mp4': 'mp4',
  'video/webm': 'webm',
  'video/quicktime': 'mov',
};
