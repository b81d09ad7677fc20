// The floor under the benchmark's ceiling: the same statements run by pgbench, PostgreSQL's own C
// client, at the same concurrency, so that neither Node nor the driver costs anything. If even this
// misses a latency target, no server in front of PostgreSQL on this machine can meet it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { runFigures } from './bench-run.ts';

// The driver's own conversion of a parameter to its text form (arrays, dates, buffers, JSON).
const { prepareValue } = createRequire(import.meta.url)('pg/lib/utils.js') as { prepareValue: (value: unknown) => string | null };

type Statement = { sql: string; params: unknown[] };

export function hasPgbench() {
  try {
    execFileSync('pgbench', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * A statement with its parameters written in as literals (pgbench scripts take no bound values).
 * pgbench reads `:name` as one of its variables, even inside a string such as to_char's
 * 'HH24:MI:SS'; our statements have `:` before a letter only in strings (a cast's `::` is left
 * alone), so such a colon is written as a string of its own, joined to its neighbours.
 */
function withLiterals({ sql, params }: Statement) {
  const inlined = sql.replace(/\$(\d+)/g, (_, index: string) => {
    const value = prepareValue(params[Number(index) - 1]);
    return value === null ? 'null' : pg.escapeLiteral(value);
  });
  return inlined.replace(/(?<!:):(?=[A-Za-z_])/g, "' || ':' || '");
}

/**
 * Runs each loop's statements as one pgbench script (`-M prepared`: parsed and planned once per
 * connection, as the server's statements are), `connections` clients for `seconds` after one second
 * of warm-up; returns transactions per second and latency percentiles in ms.
 */
export function postgresAlone(databaseUrl: string, loops: Statement[][], { connections, seconds }: { connections: number; seconds: number }) {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'jobready-pgbench-'));
  try {
    const scripts = loops.map((statements, loop) => {
      const file = path.join(directory, `loop-${loop}.sql`);
      fs.writeFileSync(file, statements.map((statement) => `${withLiterals(statement)};\n`).join(''));
      return ['-f', `${file}@1`];
    });
    execFileSync(
      'pgbench',
      ['-n', '-M', 'prepared', '-c', String(connections), '-j', '2', '-T', String(seconds + 1), '-l', `--log-prefix=${directory}/log`, ...scripts.flat(), databaseUrl],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    // Each log line: client, transaction, latency in µs, script, epoch seconds, µs.
    const lines = fs
      .readdirSync(directory)
      .filter((name) => name.startsWith('log'))
      .flatMap((name) => fs.readFileSync(path.join(directory, name), 'utf8').trim().split('\n'))
      .map((line) => line.split(' ').map(Number));
    const start = lines.reduce((earliest, fields) => Math.min(earliest, fields[4]! + fields[5]! / 1e6), Infinity);
    const latencies = lines.filter((fields) => fields[4]! + fields[5]! / 1e6 >= start + 1).map((fields) => fields[2]! / 1000);
    return runFigures(latencies, seconds);
  } finally {
    fs.rmSync(directory, { recursive: true, force: true });
  }
}
