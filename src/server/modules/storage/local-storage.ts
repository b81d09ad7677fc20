import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ByteRange, ListedObject, Storage } from './storage.ts';

/**
 * Objects as files under one folder; the content type is kept in a `.type` file beside each. A
 * file's modification time is when it was stored (what the sweeper's age rule reads, decision 021).
 */
export function createLocalStorage(root: string): Storage {
  fs.mkdirSync(root, { recursive: true });

  function pathOf(key: string) {
    const resolved = path.resolve(root, key);
    if (!resolved.startsWith(root + path.sep)) throw new Error(`Storage key escapes the storage folder: ${key}`);
    return resolved;
  }

  async function contentTypeOf(file: string) {
    return fsp.readFile(`${file}.type`, 'utf8').catch(() => 'application/octet-stream');
  }

  return {
    driver: 'local',
    async put(key, body: Readable, contentType) {
      const file = pathOf(key);
      await fsp.mkdir(path.dirname(file), { recursive: true });
      const partial = `${file}.partial`;
      try {
        await pipeline(body, fs.createWriteStream(partial));
        await fsp.writeFile(`${file}.type`, contentType);
        await fsp.rename(partial, file);
      } catch (error) {
        await fsp.rm(partial, { force: true });
        throw error;
      }
      return { size: (await fsp.stat(file)).size };
    },
    async putFile(key, filePath, contentType) {
      const file = pathOf(key);
      await fsp.mkdir(path.dirname(file), { recursive: true });
      await fsp.writeFile(`${file}.type`, contentType);
      try {
        await fsp.rename(filePath, file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
        await fsp.copyFile(filePath, file);
        await fsp.rm(filePath, { force: true });
      }
      // A rename keeps the time of the upload's last byte, which may be hours ago: stored is now.
      const now = new Date();
      await fsp.utimes(file, now, now);
      return { size: (await fsp.stat(file)).size };
    },
    async copy(sourceKey, key, contentType) {
      const file = pathOf(key);
      await fsp.mkdir(path.dirname(file), { recursive: true });
      await fsp.writeFile(`${file}.type`, contentType);
      await fsp.copyFile(pathOf(sourceKey), file);
      return { size: (await fsp.stat(file)).size };
    },
    async get(key, range?: ByteRange) {
      const file = pathOf(key);
      const stats = await fsp.stat(file).catch(() => undefined);
      if (!stats?.isFile()) return undefined;
      const stream = fs.createReadStream(file, range ? { start: range.start, end: range.end } : {});
      return { stream, size: stats.size, contentType: await contentTypeOf(file) };
    },
    async stat(key) {
      const file = pathOf(key);
      const stats = await fsp.stat(file).catch(() => undefined);
      return stats?.isFile() ? { size: stats.size, contentType: await contentTypeOf(file) } : undefined;
    },
    async delete(key) {
      const file = pathOf(key);
      await fsp.rm(file, { force: true });
      await fsp.rm(`${file}.type`, { force: true });
      await fsp.rmdir(path.dirname(file)).catch(() => undefined);
    },
    async *list(prefix) {
      yield* listFiles(root, pathOf(prefix));
    },
    async signedUrl() {
      return undefined;
    },
    async check() {
      const probe = path.join(root, `.health-${process.pid}`);
      await fsp.writeFile(probe, 'ok');
      await fsp.rm(probe, { force: true });
    },
  };
}

/** The files under `folder` as objects of the storage rooted at `root`, content-type sidecars left out. */
async function* listFiles(root: string, folder: string): AsyncGenerator<ListedObject> {
  const entries = await fsp.readdir(folder, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const file = path.join(folder, entry.name);
    if (entry.isDirectory()) yield* listFiles(root, file);
    else if (entry.isFile() && !entry.name.endsWith('.type')) {
      const stats = await fsp.stat(file).catch(() => undefined);
      if (stats) yield { key: path.relative(root, file).split(path.sep).join('/'), size: stats.size, lastModified: stats.mtime };
    }
  }
}
