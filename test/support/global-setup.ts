import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { isProcessRunning } from '../../src/server/db/data-dir-lock.ts';
import { openDatabase } from '../../src/server/db/database.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    engine: 'pglite' | 'postgres';
    pgliteTemplate: string;
    postgresTemplateUrl: string;
  }
}

const tmpDir = path.resolve(import.meta.dirname, '../../.tmp');

/**
 * Migrates one template database per run; every test file then starts from a copy of it
 * (a PGlite data-dir dump, or `CREATE DATABASE … TEMPLATE` on PostgreSQL).
 */
export default async function setup(project: TestProject) {
  const engine = project.config.provide.engine;
  fs.mkdirSync(tmpDir, { recursive: true });
  if (engine === 'postgres') return setupPostgres(project);

  const client = await PGlite.create();
  const database = await openDatabase({ pglite: client });
  await database.migrate();
  const dump = await client.dumpDataDir('none');
  const file = path.join(tmpDir, `pglite-template-${process.pid}.tar`);
  fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await database.close();
  project.provide('pgliteTemplate', file);
  return () => fs.rmSync(file, { force: true });
}

async function setupPostgres(project: TestProject) {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is required for the postgres test project.');
  const templateName = `jobready_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await dropTestDatabases(admin);
  await admin.query(`create database ${templateName}`);
  const templateUrl = withDatabase(url, templateName);
  const database = await openDatabase({ url: templateUrl, poolSize: 1 });
  await database.migrate();
  await database.close();
  project.provide('postgresTemplateUrl', templateUrl);
  return async () => {
    await dropTestDatabases(admin);
    await admin.end();
  };
}

/**
 * Drops this run's databases (jobready_template_<pid>, jobready_t_<pid>_*) and those of runs whose
 * process is gone; other runs going on at the same time keep theirs.
 */
async function dropTestDatabases(admin: pg.Client) {
  const { rows } = await admin.query<{ datname: string }>(
    "select datname from pg_database where datname ~ '^jobready_(template|t)_[0-9]+'",
  );
  for (const { datname } of rows) {
    const pid = Number(/^jobready_(?:template|t)_(\d+)/.exec(datname)![1]);
    if (pid === process.pid || !isProcessRunning(pid)) await admin.query(`drop database if exists ${datname} with (force)`);
  }
}

export function withDatabase(url: string, name: string) {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}
