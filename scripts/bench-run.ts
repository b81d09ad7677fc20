import crypto from 'node:crypto';
import fs from 'node:fs';

/** A statement as the app sent it, captured in-process. */
export type Statement = { sql: string; params: unknown[] };

/** Every replayed statement is prepared once per connection, as well as the driver can do it. */
export const statementName = (text: string) => `ceiling_${crypto.createHash('sha1').update(text).digest('hex').slice(0, 16)}`;

/** Requests per second and latency percentiles (ms) of one measured run. */
export type RunFigures = { rps: number; p50: number; p95: number; p99: number };

/** The figures of a run that completed requests taking `latenciesMs` in `seconds`. */
export function runFigures(latenciesMs: number[], seconds: number): RunFigures {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { rps: sorted.length / seconds, p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

/** CPU seconds (user + system) process `pid` has used, from /proc (Linux); 0 once it is gone. */
export function cpuSecondsOf(pid: number) {
  try {
    // The fields after the command's closing parenthesis; utime and stime are the 12th and 13th, in ticks of 1/100 s.
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/**
 * The CPU seconds of PostgreSQL's processes on this machine but the backends of other databases
 * (a scale load running beside the benchmark, say): the backends of `database`, whichever pool
 * opened them, and the server's own writers. A backend's title reads
 * `postgres: [cluster: ]user database host(port) state`.
 */
function postgresCpu(database: string) {
  const byPid = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    let title: string;
    try {
      title = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue; // it has just ended
    }
    if (!title.startsWith('postgres: ')) continue;
    const backend = /^postgres: (?:\S+: )?\S+ (\S+) (?:\S+\(\d+\)|\[local\])/.exec(title);
    if (backend && backend[1] !== database) continue;
    byPid.set(pid, cpuSecondsOf(pid));
  }
  return byPid;
}

/**
 * Where a run's CPU went: starts counting now; `perRequest(requests)` gives the microseconds of CPU
 * per request spent by the server process `serverPid` (if any), by PostgreSQL for `database`, and by this process
 * (the load generator, and the driver in a ceiling run). They show which process a request's time
 * goes to; on this shared machine they drift between runs too (docs/performance.md).
 */
export function countCpu(database: string, serverPid?: number) {
  const server = serverPid ? cpuSecondsOf(serverPid) : 0;
  const postgres = postgresCpu(database);
  const own = process.cpuUsage();
  return (requests: number) => {
    const postgresNow = postgresCpu(database);
    let postgresSeconds = 0;
    for (const [pid, seconds] of postgresNow) postgresSeconds += seconds - (postgres.get(pid) ?? 0);
    const { user, system } = process.cpuUsage(own);
    const micros = (seconds: number) => (seconds * 1e6) / requests;
    return {
      server: serverPid ? micros(cpuSecondsOf(serverPid) - server) : 0,
      postgres: micros(postgresSeconds),
      client: micros((user + system) / 1e6),
    };
  };
}
export type CpuPerRequest = ReturnType<ReturnType<typeof countCpu>>;
