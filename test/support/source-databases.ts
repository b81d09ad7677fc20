import crypto from 'node:crypto';
import fs from 'node:fs';
import mysql from 'mysql2/promise';
import pg from 'pg';

/**
 * Source databases for the importers' tests: a database of its own, named jobready_src_<random>,
 * on the PostgreSQL server (TEST_DATABASE_URL's, or the local one) or the MariaDB/MySQL server
 * (TEST_MYSQL_URL, or the local one as root), loaded from a fixture file (PostgreSQL: or left empty)
 * and dropped by `close`.
 */
export type SourceDatabase = { url: string; name: string; run(sql: string): Promise<void>; close(): Promise<void> };

const postgresServer = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const mysqlServer = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';

const uniqueName = () => `jobready_src_${crypto.randomBytes(5).toString('hex')}`;

function withDatabase(server: string, name: string) {
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function createPostgresSource(fixture?: string): Promise<SourceDatabase> {
  const name = uniqueName();
  const admin = new pg.Client({ connectionString: postgresServer });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = withDatabase(postgresServer, name);
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  if (fixture) await run(fs.readFileSync(fixture, 'utf8'));
  return {
    url,
    name,
    run,
    async close() {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

export async function createMysqlSource(fixture: string): Promise<SourceDatabase> {
  const name = uniqueName();
  const admin = await mysql.createConnection({ uri: mysqlServer });
  await admin.query(`create database ${name}`);
  const url = withDatabase(mysqlServer, name);
  const run = async (sql: string) => {
    const connection = await mysql.createConnection({ uri: url, multipleStatements: true });
    try {
      await connection.query(sql);
    } finally {
      await connection.end();
    }
  };
  await run(fs.readFileSync(fixture, 'utf8'));
  return {
    url,
    name,
    run,
    async close() {
      await admin.query(`drop database if exists ${name}`);
      await admin.end();
    },
  };
}
