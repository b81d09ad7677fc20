// `npm run reset-demo` — back to the demo data: the embedded database and the local videos are thrown
// away, migrated and seeded again. Stop the server first. Refused for a PostgreSQL server, a bucket or
// production unless `-- --force`: nothing but a local demo is reset by accident.
import { loadConfig } from '../src/server/config.ts';
import { resetDemo } from '../src/server/seed/reset-demo.ts';

try {
  await resetDemo(loadConfig(), { force: process.argv.includes('--force') });
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
