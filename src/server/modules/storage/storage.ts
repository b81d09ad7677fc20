import type { Readable } from 'node:stream';
import type { Config } from '../../config.ts';
import { createLocalStorage } from './local-storage.ts';
import { createS3Storage } from './s3-storage.ts';

export type StoredObject = { stream: Readable; size: number; contentType: string };
export type ByteRange = { start: number; end: number };

/** Where video files live: a local folder by default, an S3-compatible bucket when configured. */
export interface Storage {
  readonly driver: 'local' | 's3';
  /** Streams `body` to `key`; resolves with the bytes written. */
  put(key: string, body: Readable, contentType: string): Promise<{ size: number }>;
  /** Moves a finished file on local disk (e.g. a tus upload) to `key`. */
  putFile(key: string, filePath: string, contentType: string): Promise<{ size: number }>;
  /** `undefined` when there is no such object. */
  get(key: string, range?: ByteRange): Promise<StoredObject | undefined>;
  stat(key: string): Promise<{ size: number; contentType: string } | undefined>;
  delete(key: string): Promise<void>;
  /** A short-lived URL that serves the object directly, where the driver can sign one. */
  signedUrl(key: string, expiresInSeconds: number): Promise<string | undefined>;
  /** Throws when the storage cannot be reached or written. */
  check(): Promise<void>;
}

export function createStorage(config: Config['storage']): Storage {
  return config.driver === 'local' ? createLocalStorage(config.directory) : createS3Storage(config);
}
