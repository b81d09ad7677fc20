import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** How often a live process marks its staging folder. */
const heartbeatMs = 30_000;
/** A staging folder unmarked for this long belongs to a process that is gone (10 missed marks; decision 021). */
const stagingAbandonedAfterMs = 10 * heartbeatMs;
const heartbeatName = '.heartbeat';

export type UploadStaging = { directory: string; close(): Promise<void> };

/**
 * This process's staging folder, `<uploads>/staging/<host>-<pid>-<random>/`: multipart videos are
 * streamed there and finished local uploads linked there before they go into storage. A heartbeat
 * file in it, rewritten every 30 s, tells the sweeper of any instance sharing the folder that the
 * process lives; `close` removes the folder.
 */
export function openUploadStaging(uploadsDirectory: string): UploadStaging {
  const directory = path.join(stagingRoot(uploadsDirectory), `${os.hostname()}-${process.pid}-${crypto.randomBytes(3).toString('hex')}`);
  const heartbeat = path.join(directory, heartbeatName);
  fs.mkdirSync(directory, { recursive: true });
  fs.writeFileSync(heartbeat, '');
  const beat = () =>
    void fsp
      .mkdir(directory, { recursive: true })
      .then(() => fsp.writeFile(heartbeat, ''))
      .catch(() => undefined);
  const timer = setInterval(beat, heartbeatMs).unref();
  return {
    directory,
    async close() {
      clearInterval(timer);
      await fsp.rm(directory, { recursive: true, force: true });
    },
  };
}

export type AbandonedFile = { path: string; bytes: number };

/**
 * Staging files nobody will use: every file in the folder of a process whose heartbeat stopped
 * `stagingAbandonedAfterMs` ago, and files directly in `staging/` (the demo seed's, or an older
 * version's) older than `looseMaxAgeMs`. `remove: false` only lists them (a dry run).
 */
export async function sweepAbandonedStaging(
  uploadsDirectory: string,
  { now, looseMaxAgeMs, liveDirectories, remove }: { now: number; looseMaxAgeMs: number; liveDirectories: string[]; remove: boolean },
): Promise<AbandonedFile[]> {
  const root = stagingRoot(uploadsDirectory);
  const abandoned: AbandonedFile[] = [];
  for (const entry of await fsp.readdir(root, { withFileTypes: true }).catch(() => [])) {
    const entryPath = path.join(root, entry.name);
    if (entry.isDirectory()) {
      if (liveDirectories.includes(entryPath)) continue;
      const marked = await fsp.stat(path.join(entryPath, heartbeatName)).catch(() => fsp.stat(entryPath).catch(() => undefined));
      if (!marked || marked.mtimeMs + stagingAbandonedAfterMs >= now) continue;
      const files = await filesUnder(entryPath);
      abandoned.push(...files.filter((file) => path.basename(file.path) !== heartbeatName));
      if (remove) await fsp.rm(entryPath, { recursive: true, force: true });
    } else {
      const stats = await fsp.stat(entryPath).catch(() => undefined);
      if (!stats?.isFile() || stats.mtimeMs + looseMaxAgeMs >= now) continue;
      abandoned.push({ path: entryPath, bytes: stats.size });
      if (remove) await fsp.rm(entryPath, { force: true });
    }
  }
  return abandoned;
}

function stagingRoot(uploadsDirectory: string) {
  return path.join(uploadsDirectory, 'staging');
}

async function filesUnder(directory: string): Promise<AbandonedFile[]> {
  const files: AbandonedFile[] = [];
  for (const entry of await fsp.readdir(directory, { withFileTypes: true, recursive: true }).catch(() => [])) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const stats = await fsp.stat(file).catch(() => undefined);
    if (stats) files.push({ path: file, bytes: stats.size });
  }
  return files;
}
