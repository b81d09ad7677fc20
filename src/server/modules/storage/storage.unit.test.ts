import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer, text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalStorage } from './local-storage.ts';
import { createS3Storage } from './s3-storage.ts';
import { startS3TestServer } from './s3-test-server.ts';
import type { Storage } from './storage.ts';

const sample = fs.readFileSync(new URL('../../../../test/fixtures/sample.mp4', import.meta.url));
const bytesOf = async (stream: Readable) => Buffer.from(await buffer(stream));
const listAll = async (storage: Storage, prefix: string) => {
  const objects = [];
  for await (const object of storage.list(prefix)) objects.push(object);
  return objects;
};

let s3: Awaited<ReturnType<typeof startS3TestServer>>;
const localRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'jobready-storage-'));
beforeAll(async () => {
  s3 = await startS3TestServer();
});
afterAll(async () => {
  await s3.close();
  fs.rmSync(localRoot, { recursive: true, force: true });
});

describe.each([
  { driver: 'local', storage: () => createLocalStorage(localRoot) },
  { driver: 's3', storage: () => createS3Storage(s3.config) },
])('$driver storage', ({ driver, storage: make }) => {
  let storage: Storage;
  beforeAll(() => {
    storage = make();
  });

  it('stores a stream and reads it back byte for byte, whole and by ranges', async () => {
    const key = `expert-sessions/${driver}/stream.mp4`;
    // Chunked on purpose: a streamed body must not be stored with transfer framing in it.
    const chunks = [sample.subarray(0, 1000), sample.subarray(1000, 7000), sample.subarray(7000)];
    expect(await storage.put(key, Readable.from(chunks), 'video/mp4')).toEqual({ size: sample.length });

    const whole = await storage.get(key);
    expect(whole).toMatchObject({ size: sample.length, contentType: 'video/mp4' });
    expect((await bytesOf(whole!.stream)).equals(sample)).toBe(true);

    // (s3rver mishandles `bytes=0-0`, so the smallest range here is two bytes.)
    for (const range of [
      { start: 0, end: 1 },
      { start: 100, end: 4195 },
      { start: sample.length - 10, end: sample.length - 1 },
    ]) {
      const part = await storage.get(key, range);
      expect(part!.size).toBe(sample.length);
      expect((await bytesOf(part!.stream)).equals(sample.subarray(range.start, range.end + 1))).toBe(true);
    }
  });

  it('moves a finished local file into storage, stored as of now', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'jobready-upload-')), 'upload');
    fs.writeFileSync(file, sample);
    // Its last byte arrived a day ago (an upload claimed late): the sweeper must still see a fresh object.
    const dayAgo = new Date(Date.now() - 24 * 3600_000);
    fs.utimesSync(file, dayAgo, dayAgo);
    const key = `expert-sessions/${driver}/moved/file.mp4`;
    expect(await storage.putFile(key, file, 'video/mp4')).toEqual({ size: sample.length });
    expect(fs.existsSync(file)).toBe(false);
    expect(await storage.stat(key)).toEqual({ size: sample.length, contentType: 'video/mp4' });
    const [listed] = await listAll(storage, `expert-sessions/${driver}/moved/`);
    expect(listed).toMatchObject({ key, size: sample.length });
    expect(Date.now() - listed!.lastModified.getTime()).toBeLessThan(60_000);
  });

  it('copies an object inside the storage and lists keys under a prefix', async () => {
    const source = `uploads/${driver}-source`;
    await storage.put(source, Readable.from([sample]), 'application/octet-stream');
    const key = `expert-sessions/${driver}/copies/copy.mp4`;
    expect(await storage.copy(source, key, 'video/mp4')).toEqual({ size: sample.length });
    expect(await storage.stat(key)).toEqual({ size: sample.length, contentType: 'video/mp4' });
    expect((await bytesOf((await storage.get(key))!.stream)).equals(sample)).toBe(true);
    expect(await storage.stat(source)).toBeDefined();
    await storage.put(`expert-sessions/${driver}/copies/deeper/second.webm`, Readable.from([Buffer.from('webm')]), 'video/webm');
    const listed = await listAll(storage, `expert-sessions/${driver}/copies/`);
    expect(listed.map((object) => [object.key, object.size]).sort()).toEqual([
      [key, sample.length],
      [`expert-sessions/${driver}/copies/deeper/second.webm`, 4],
    ]);
    expect(await listAll(storage, `expert-sessions/${driver}/nothing-here/`)).toEqual([]);
  });

  it('reads legacy keys and answers undefined for missing ones; delete removes', async () => {
    const key = 'products/11111111-1111-4111-8111-111111111111/expert-sessions/legacy.mp4';
    await storage.put(key, Readable.from([Buffer.from('legacy')]), 'video/mp4');
    expect(await text((await storage.get(key))!.stream)).toBe('legacy');
    await storage.delete(key);
    expect(await storage.get(key)).toBeUndefined();
    expect(await storage.stat(key)).toBeUndefined();
    await expect(storage.check()).resolves.toBeUndefined();
  });

  if (driver === 's3') {
    it('copies an object above the single-copy limit by streaming it through', async () => {
      const small = createS3Storage(s3.config, { copyLimitBytes: 1000 });
      await small.put('uploads/large-source', Readable.from([sample]), 'application/octet-stream');
      expect(await small.copy('uploads/large-source', 'expert-sessions/s3/large-copy.mp4', 'video/mp4')).toEqual({ size: sample.length });
      const copied = await small.get('expert-sessions/s3/large-copy.mp4');
      expect(copied!.contentType).toBe('video/mp4');
      expect((await bytesOf(copied!.stream)).equals(sample)).toBe(true);
    });
  }

  it(driver === 's3' ? 'signs a short-lived URL that serves the object' : 'has no signed URLs', async () => {
    const key = `expert-sessions/${driver}/signed.mp4`;
    await storage.put(key, Readable.from([sample]), 'video/mp4');
    const url = await storage.signedUrl(key, 60);
    if (driver === 'local') return expect(url).toBeUndefined();
    const response = await fetch(url!, { headers: { range: 'bytes=10-19' } });
    expect(response.status).toBe(206);
    expect(Buffer.from(await response.arrayBuffer()).equals(sample.subarray(10, 20))).toBe(true);
  });
});
