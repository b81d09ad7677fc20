// `npm run import -- cultus --from postgres://… [--videos-from DIR|s3://bucket/prefix] [--dry-run]`
// `npm run import -- prism --from mysql://… --default-product NAME --default-client NAME [--dry-run]`
// Imports a cultus-platform (Supabase) or PrismWorklet (MySQL) database into the configured one
// (DATABASE_URL, or the embedded one in DATA_DIR): docs/import.md.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/server/config.ts';
import { acquireDataDirLock } from '../src/server/db/data-dir-lock.ts';
import { openDatabase } from '../src/server/db/database.ts';
import { migrateDatabase } from '../src/server/db/migrate.ts';
import { importSources, type ImportSource } from '../src/server/modules/import/import.table.ts';
import { formatReport, runImport } from '../src/server/modules/import/run-import.ts';
import { createStorage } from '../src/server/modules/storage/create-storage.ts';

const usage = `Usage: npm run import -- <cultus|prism> --from URL [options]
  --from URL               the source database: postgres://… (cultus) or mysql://… (prism); only read
  --dry-run                print what would be created, updated and skipped; write nothing
  --default-product NAME   product (id or name; created if none has it) for worklets without one
  --default-client NAME    client (id or name; created if none has it) for students without one
  --videos-from DIR|s3://bucket/prefix   where the session videos are (cultus)
  --videos-endpoint URL    S3-compatible endpoint for s3:// (R2, MinIO, Supabase Storage)
  --videos-region REGION   its region (default us-east-1)`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    from: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    'default-product': { type: 'string' },
    'default-client': { type: 'string' },
    'videos-from': { type: 'string' },
    'videos-endpoint': { type: 'string' },
    'videos-region': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
const source = positionals[0] as ImportSource | undefined;
if (values.help || !source || !importSources.includes(source) || !values.from || positionals.length > 1) {
  console.error(usage);
  process.exit(values.help ? 0 : 2);
}

const config = loadConfig();
const release = config.databaseUrl ? () => {} : acquireDataDirLock(config.dataDir);
const database = await openDatabase(
  config.databaseUrl ? { url: config.databaseUrl, poolSize: 2 } : { dataDir: `${config.dataDir}/pglite` },
);
// One progress line, rewritten in place on a terminal; a line per table elsewhere.
const progress = (table: string, done: number, total: number) => {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${table}: ${done}/${total}`);
  else if (done === total) process.stderr.write(`${table}: ${done}/${total}\n`);
};
try {
  if (!values['dry-run']) await migrateDatabase(database, (line) => console.error(line));
  const report = await runImport(
    {
      database,
      storage: createStorage(config.storage),
      stagingDir: path.join(config.uploads.directory, 'import'),
      maxVideoBytes: config.uploads.maxVideoBytes,
      onProgress: progress,
    },
    {
      source,
      from: values.from,
      dryRun: values['dry-run'],
      defaultProduct: values['default-product'],
      defaultClient: values['default-client'],
      videosFrom: values['videos-from'],
      videosEndpoint: values['videos-endpoint'],
      videosRegion: values['videos-region'],
    },
  );
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
  console.log(formatReport(report));
} catch (error) {
  console.error(`Import failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await database.close();
  release();
}
