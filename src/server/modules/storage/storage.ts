import type { Readable } from 'node:stream';

type StoredObject = { stream: Readable; size: number; contentType: string };
export type ByteRange = { start: number; end: number };
export type ListedObject = { key: string; size: number; lastModified: Date };

/** Where video files live: a local folder by default, an S3-compatible bucket when configured. */
export interface Storage {
  readonly driver: 'local' | 's3';
  /** Streams `body` to `key`; resolves with the bytes written. */
  put(key: string, body: Readable, contentType: string): Promise<{ size: number }>;
  /** Moves a finished file on local disk (e.g. a staged multipart video) to `key`; the object counts as written now. */
  putFile(key: string, filePath: string, contentType: string): Promise<{ size: number }>;
  /** Copies the object at `sourceKey` to `key` inside the storage (S3: server-side, no bytes pass through the app). */
  copy(sourceKey: string, key: string, contentType: string): Promise<{ size: number }>;
  /** `undefined` when there is no such object. */
  get(key: string, range?: ByteRange): Promise<StoredObject | undefined>;
  stat(key: string): Promise<{ size: number; contentType: string } | undefined>;
  delete(key: string): Promise<void>;
  /** Every object whose key starts with `prefix` (a folder-like prefix ending in `/`), in no particular order. */
  list(prefix: string): AsyncIterable<ListedObject>;
  /** A short-lived URL that serves the object directly, where the driver can sign one. */
  signedUrl(key: string, expiresInSeconds: number): Promise<string | undefined>;
  /** Throws when the storage cannot be reached or written. */
  check(): Promise<void>;
}
