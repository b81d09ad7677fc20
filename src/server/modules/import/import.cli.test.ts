import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresSource, type SourceDatabase } from '../../../../test/support/source-databases.ts';
import { testEngine } from '../../../../test/support/test-database.ts';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../../../..');

let source: SourceDatabase;
let dataDir: string;
/** The JobReady database the command is configured with: the embedded one, or (on PostgreSQL) an empty database. */
let target: { DATA_DIR: string } | { DATA_DIR: string; DATABASE_URL: string };
let emptyDatabase: SourceDatabase | undefined;
beforeAll(async () => {
  source = await createPostgresSource(path.join(root, 'test/fixtures/import/cultus.sql'));
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobready-import-cli-'));
  if (testEngine === 'postgres') emptyDatabase = await createPostgresSource();
  target = emptyDatabase ? { DATA_DIR: dataDir, DATABASE_URL: emptyDatabase.url } : { DATA_DIR: dataDir };
});
afterAll(async () => {
  await source?.close();
  await emptyDatabase?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('npm run import', () => {
  it('dry-runs a cultus database into the configured one: the plan per table and every row it cannot map', async () => {
    const { DATABASE_URL: _ignored, ...env } = process.env;
    const { stdout, stderr } = await run('npm', ['run', '-s', 'import', '--', 'cultus', '--from', source.url, '--dry-run'], {
      cwd: root,
      env: { ...env, ...target, LOG_LEVEL: 'silent' },
      timeout: 90_000,
    });
    expect(stdout).toContain('Import from cultus-platform (dry run: nothing written)');
    expect(stdout).toMatch(/^users\s+14\s+0\s+0\s+0\s+3$/m);
    expect(stdout).toMatch(/^job_readiness_expert_session_products\s+9\s+0\s+0\s+0\s+0$/m);
    expect(stdout).toMatch(/^job_readiness_expert_session_progress\s+17\s+0\s+0\s+0\s+0$/m);
    expect(stdout).toContain('videos: 0 to copy (0.0 MiB), 0 here already, 8 missing');
    expect(stdout).toMatch(/skipped\s+profiles \S+: role "viewer" has no counterpart here/);
    expect(stdout).toMatch(/adjusted\s+job_readiness_expert_sessions \S+: no --videos-from given for https:\/\/\S+: imported inactive/);
    expect(stderr).toContain('videos: 8/8');
  }, 120_000);
});
