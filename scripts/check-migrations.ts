// Fails when the Drizzle schema and the committed migrations disagree: drizzle-kit generates
// into a scratch copy of ./drizzle, and any new file there means a migration is missing.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'jobready-migrations-'));
try {
  fs.cpSync('drizzle', scratch, { recursive: true });
  const before = new Set(fs.readdirSync(scratch));
  execFileSync('npx', ['drizzle-kit', 'generate', '--name', 'drift-check'], {
    env: { ...process.env, DRIZZLE_OUT: scratch },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const added = fs.readdirSync(scratch).filter((file) => !before.has(file));
  if (added.length > 0) {
    const sqlFile = added.find((file) => file.endsWith('.sql'));
    console.error('The schema has changes that no committed migration holds. Run `npm run db:generate`.');
    if (sqlFile) console.error(fs.readFileSync(path.join(scratch, sqlFile), 'utf8'));
    process.exit(1);
  }
  console.log('Migrations match the schema.');
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}
