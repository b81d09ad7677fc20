// `npm run seed:scale -- --size S|L|XL` — fills the configured database (DATABASE_URL, or the embedded
// one in DATA_DIR) with a large generated tenant. Safe to interrupt and run again.
import { parseArgs } from 'node:util';
import { hashPassword } from 'better-auth/crypto';
import { loadConfig } from '../src/server/config.ts';
import { acquireDataDirLock } from '../src/server/db/data-dir-lock.ts';
import { openDatabase } from '../src/server/db/database.ts';
import { migrateDatabase } from '../src/server/db/migrate.ts';
import { loadScale, scalePassword, scaleSizes, type ScaleSize } from '../src/server/seed/scale-seed.ts';

// `--cohort N` adds one client of N students on a programme of one session (the CSV export's target).
const { values } = parseArgs({ options: { size: { type: 'string', default: 'S' }, cohort: { type: 'string', default: '0' } } });
const cohort = Number(values.cohort);
if (!Number.isInteger(cohort) || cohort < 0) {
  console.error('--cohort must be a whole number of students');
  process.exit(2);
}
const size = values.size?.toUpperCase() as ScaleSize;
if (!(size in scaleSizes)) {
  console.error(`--size must be one of ${Object.keys(scaleSizes).join(', ')}`);
  process.exit(2);
}

const config = loadConfig();
const release = config.databaseUrl ? () => {} : acquireDataDirLock(config.dataDir);
const database = await openDatabase(
  config.databaseUrl ? { url: config.databaseUrl, poolSize: 1 } : { dataDir: `${config.dataDir}/pglite` },
);
const started = performance.now();
try {
  await migrateDatabase(database);
  await loadScale(
    database.db,
    size,
    await hashPassword(scalePassword),
    {
      onChunk: (step, chunk) => step.chunks > 1 && process.stdout.write(`\r  ${step.name}: ${chunk + 1}/${step.chunks}`),
      onStep: (step, seconds) =>
        process.stdout.write(`${step.chunks > 1 ? '\r' : ''}  ${step.name.padEnd(20)} ${seconds.toFixed(1).padStart(7)} s\n`),
    },
    { cohort },
  );
  console.log(
    `Size ${size} loaded into ${database.engine} in ${((performance.now() - started) / 1000).toFixed(1)} s. Password of every generated user: ${scalePassword}`,
  );
} finally {
  await database.close();
  release();
}
