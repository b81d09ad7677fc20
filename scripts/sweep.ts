// `npm run sweep` — one sweep of the configured storage and database (decision 021): expired
// resumable uploads, uploads claimed by a process that died, staging files of processes that are
// gone, stored videos no session names. `-- --dry-run` prints what it would remove, removing nothing.
import { loadConfig } from '../src/server/config.ts';
import { acquireDataDirLock } from '../src/server/db/data-dir-lock.ts';
import { openDatabase } from '../src/server/db/database.ts';
import { describeSweep, sweepOnce } from '../src/server/modules/expert-sessions/uploads/video-sweeper.ts';
import { ensureStorageIdentity } from '../src/server/modules/storage/storage-identity.ts';

const dryRun = process.argv.includes('--dry-run');
const config = loadConfig();
// The embedded database opens in one process only: with the server running, its own sweep does this.
const release = config.databaseUrl ? () => {} : acquireDataDirLock(config.dataDir);
const database = await openDatabase(
  config.databaseUrl ? { url: config.databaseUrl, poolSize: 2 } : { dataDir: `${config.dataDir}/pglite` },
);
try {
  // Sweeping a storage that is not the database's would take every video for an orphan.
  await ensureStorageIdentity(database.db, config);
  const report = await sweepOnce(config, database, { dryRun });
  console.log(`${describeSweep(report)}.`);
  for (const file of report.files) console.log(`  ${file.kind}\t${file.bytes ?? ''}\t${file.name}`);
} finally {
  await database.close();
  release();
}
