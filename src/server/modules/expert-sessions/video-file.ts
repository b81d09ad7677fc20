import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import ffprobe from '@ffprobe-installer/ffprobe';
import { notAVideo, unreadableVideo, videoTooLarge } from './expert-sessions.errors.ts';

export type VideoMediaType = 'video/mp4' | 'video/webm' | 'video/quicktime';

/**
 * A complete, checked and measured video on local disk, waiting to be moved into storage. A class
 * so that request validation can require an instance: no JSON body can forge one (and a path).
 */
export class StagedVideo {
  constructor(
    readonly path: string,
    readonly mediaType: VideoMediaType,
    readonly sizeBytes: number,
    readonly durationSeconds: number,
  ) {}
}

/** Enough leading bytes to recognise the container (an EBML header names its doc type within a few dozen). */
const sniffBytes = 64;

/** The container, recognised from the file's first bytes rather than from what the client claims. */
export function sniffVideoType(head: Buffer): VideoMediaType | undefined {
  const boxType = head.toString('latin1', 4, 8);
  if (boxType === 'ftyp') return head.toString('latin1', 8, 12) === 'qt  ' ? 'video/quicktime' : 'video/mp4';
  // Older QuickTime files start with other top-level atoms.
  if (['moov', 'mdat', 'wide', 'free', 'skip'].includes(boxType)) return 'video/quicktime';
  const isEbml = head.readUInt32BE(0) === 0x1a45dfa3;
  if (isEbml && head.includes('webm', 4, 'latin1')) return 'video/webm';
  return undefined;
}

const run = promisify(execFile);

/** Duration in seconds, to the millisecond, measured by ffprobe from the file itself (decision 028). */
export async function measureDuration(file: string): Promise<number> {
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
    return new StagedVideo(file, mediaType!, sizeBytes, await measureDuration(file));
  } catch (error) {
    await fsp.rm(file, { force: true });
    throw error;
  }
}

/** A finished upload already on disk (tus): checked and measured in place. */
export async function inspectVideoFile(file: string): Promise<StagedVideo> {
  const handle = await fsp.open(file);
  try {
    const head = Buffer.alloc(sniffBytes);
    const { bytesRead } = await handle.read(head, 0, sniffBytes, 0);
    const mediaType = bytesRead >= 12 ? sniffVideoType(head.subarray(0, bytesRead)) : undefined;
    if (!mediaType) throw notAVideo();
    const { size } = await handle.stat();
    return new StagedVideo(file, mediaType, size, await measureDuration(file));
  } finally {
    await handle.close();
  }
}

export const extensionOf: Record<VideoMediaType, string> = {
  'video/mp4': 'mp4',
  'video/webm': 'webm',
  'video/quicktime': 'mov',
};
