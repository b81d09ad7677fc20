// `npm run db:migrate` — brings the configured database (DATABASE_URL, or the embedded one in
// DATA_DIR) up to date, including a legacy single-product / single-mentor database.
import { loadConfig } from '../src/server/config.ts';
import { acquireDataDirLock } from '../src/server/db/data-dir-lock.ts';
import { openDatabase } from '../src/server/db/database.ts';
import { migrateDatabase } from '../src/server/db/migrate.ts';

const config = loadConfig();
const release = config.databaseUrl ? () => {} : acquireDataDirLock(config.dataDir);
const database = await openDatabase(
  config.databaseUrl ? { url: config.databaseUrl, poolSize: 1 } : { dataDir: `${config.dataDir}/pglite` },
);
try {
  await migrateDatabase(database, (line) => console.log(line));
  console.log(`The ${database.engine} database is up to date.`);
} finally {
  await database.close();
  release();
}
