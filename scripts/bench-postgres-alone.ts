// The floor under the benchmark's ceiling: the same statements run by pgbench, PostgreSQL's own C
// client, at the same concurrency, so that neither Node nor the driver costs anything. If even this
// misses a latency target, no server in front of PostgreSQL on this machine can meet it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { startupOptions } from '../src/server/db/database.ts';
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
 * A statement whose `$n` are pgbench variables (`:p<key>_<n>`, defined by `-D`, each parameter in
 * the driver's own text form), so that with `-M prepared` pgbench binds them as parameters, as the
 * driver does: PostgreSQL then plans the statement as it plans the app's (generically, from the
 * sixth run on), not for literal values. A null is written in, as pgbench has no null variable.
 * pgbench reads `:name` as a variable even inside a string such as to_char's 'HH24:MI:SS'; our
 * statements have `:` before a letter only in strings (a cast's `::` is left alone), so such a colon
 * is written as a string of its own, joined to its neighbours.
 */
function withVariables({ sql, params }: Statement, key: string) {
  const values = params.map((param) => prepareValue(param));
  const text = sql
    .replace(/(?<!:):(?=[A-Za-z_])/g, "' || ':' || '")
    .replace(/\$(\d+)/g, (_, index: string) => (values[Number(index) - 1] === null ? 'null' : `:p${key}_${index}`));
  const definitions = values.flatMap((value, index) => (value === null ? [] : ['-D', `p${key}_${index + 1}=${value}`]));
  return { text, definitions };
}

/**
 * Runs each loop's statements as one pgbench script (`-M prepared`: parsed and planned once per
 * connection, as the server's statements are), `connections` clients for `seconds` after one second
 * of warm-up; returns transactions per second and latency percentiles in ms.
 */
export function postgresAlone(
  databaseUrl: string,
  loops: Statement[][],
  { connections, seconds }: { connections: number; seconds: number },
) {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'jobready-pgbench-'));
  try {
    const scripts = loops.map((statements, loop) => {
      const file = path.join(directory, `loop-${loop}.sql`);
      const written = statements.map((statement, index) => withVariables(statement, `${loop}_${index}`));
      fs.writeFileSync(file, written.map(({ text }) => `${text};\n`).join(''));
      return ['-f', `${file}@1`, ...written.flatMap(({ definitions }) => definitions)];
    });
    execFileSync(
      'pgbench',
      [
        '-n',
        '-M',
        'prepared',
        '-c',
        String(connections),
        '-j',
        '2',
        '-T',
        String(seconds + 1),
        '-l',
        `--log-prefix=${directory}/log`,
        ...scripts.flat(),
        databaseUrl,
      ],
      // With the app's planner settings, so PostgreSQL plans the statements as it plans the app's.
      { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, PGOPTIONS: startupOptions } },
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
