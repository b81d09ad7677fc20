import fs from 'node:fs';
import path from 'node:path';

/**
 * PGlite has no guard against two processes opening one data dir (it corrupts it), so the
 * server holds `<dataDir>/server.lock` with its pid while it runs. A lock left by a dead
 * process is taken over; one held by a live process makes the second start refuse. On
 * PostgreSQL no lock is taken: instances sharing one data dir is how local storage serves
 * several of them (decision 020).
 */
export function acquireDataDirLock(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockFile = path.join(dataDir, 'server.lock');
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      let released = false;
      return () => {
        if (released) return;
        released = true;
        fs.rmSync(lockFile, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(fs.readFileSync(lockFile, 'utf8'));
      if (isProcessRunning(holder)) {
        throw new DataDirLockedError(dataDir, holder);
      }
      fs.rmSync(lockFile, { force: true });
    }
  }
  throw new DataDirLockedError(dataDir, undefined);
}

export class DataDirLockedError extends Error {
  constructor(dataDir: string, pid: number | undefined) {
    super(
      `The data directory ${dataDir} is in use by another JobReady server${pid ? ` (pid ${pid})` : ''}. ` +
        'Two servers on one embedded database would corrupt it: stop the other one, or start this one with another DATA_DIR.',
    );
    this.name = 'DataDirLockedError';
  }
}

export function isProcessRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
