import { loadConfig } from './config.ts';
import { acquireDataDirLock } from './db/data-dir-lock.ts';
import { openDatabase } from './db/database.ts';
import { migrateDatabase } from './db/migrate.ts';
import { buildApp } from './app.ts';
import { bootstrapData } from './seed/bootstrap.ts';

const startedAt = performance.now();
const config = loadConfig();
const releaseLock = config.databaseUrl ? () => {} : lockOrExit(config.dataDir);
const database = await openDatabase(
  config.databaseUrl ? { url: config.databaseUrl, poolSize: config.databasePoolSize } : { dataDir: `${config.dataDir}/pglite` },
);
await migrateDatabase(database, (line) => console.log(line));
const app = await buildApp(config, database);
const hashPassword = async (password: string) => (await app.context.auth.$context).password.hash(password);
// Under the start-up lock: instances starting together on an empty database would each find no admin and no data.
await database.withStartupLock(() => bootstrapData(database.db, hashPassword, config, (line) => console.log(line)));
await app.listen({ port: config.port, host: config.host });
console.log(
  `JobReady is ready on ${config.publicUrl} (database: ${database.engine}, storage: ${app.context.storage.driver}) ` +
    `in ${Math.round(performance.now() - startedAt)} ms. Press Ctrl+C to stop.`,
);

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`Received ${signal}; shutting down.`);
  await app.close();
  await database.close();
  releaseLock();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

function lockOrExit(dataDir: string) {
  try {
    return acquireDataDirLock(dataDir);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
