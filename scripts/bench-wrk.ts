// The benchmark's HTTP load generator when wrk is installed (Debian: `apt-get install wrk`). On this
// 2-core machine the load generator shares the cores with the server and PostgreSQL; wrk, in C, costs
// a fraction of the CPU per request that a Node client does (docs/performance.md, session 7), so
// the server is measured rather than its client.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { countCpu, type CpuPerRequest, type RunFigures } from './bench-run.ts';

export type WrkRequest = { method: string; path: string; headers: Record<string, string>; body?: string };

export const hasWrk = () => execFileSync('sh', ['-c', 'command -v wrk || true'], { encoding: 'utf8' }).trim() !== '';

const luaString = (text: string) => `[==[${text}]==]`;

/**
 * One wrk thread per request, each with one connection that sends only that request (as the Node
 * loops do: a student's saves never queue behind the same student's). `done` prints the figures as JSON.
 */
function script(requests: WrkRequest[]) {
  const table = requests
    .map((request) => {
      const headers = Object.entries(request.headers)
        .map(([name, value]) => `[ ${luaString(name)} ] = ${luaString(value)}`)
        .join(', ');
      return `{ ${luaString(request.method)}, ${luaString(request.path)}, { ${headers} }, ${request.body === undefined ? 'nil' : luaString(request.body)} }`;
    })
    .join(',\n  ');
  return `local requests = {\n  ${table}\n}
local threads = 0
function setup(thread)
  thread:set("index", threads % #requests + 1)
  threads = threads + 1
end
function init(args)
  local r = requests[index]
  prepared = wrk.format(r[1], r[2], r[3], r[4])
end
function request() return prepared end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests":%d,"microseconds":%d,"p50":%d,"p95":%d,"p99":%d,"failed":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
`;
}

/**
 * Sends each of `requests` on its own connection for a second (warm-up), then for `seconds`;
 * returns the figures and the CPU per request of the server `serverPid`, PostgreSQL for `database`
 * and wrk itself. Any failed request (an error status, a timeout) fails the run.
 */
export function loadWithWrk(
  requests: WrkRequest[],
  options: { port: number; seconds: number; database: string; serverPid: number },
): RunFigures & { cpu: CpuPerRequest } {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'jobready-wrk-'));
  const scriptFile = path.join(directory, 'requests.lua');
  fs.writeFileSync(scriptFile, script(requests));
  const connections = String(requests.length);
  const run = (seconds: number) =>
    // `times` prints the CPU wrk used: user and system seconds of the shell's children.
    execFileSync(
      'bash',
      [
        '-c',
        'wrk "$@" > "$0" 2>&1 && times',
        path.join(directory, 'out.json'),
        '-t',
        connections,
        '-c',
        connections,
        '-d',
        `${seconds}s`,
        '--timeout',
        '10s',
        '-s',
        scriptFile,
        `http://127.0.0.1:${options.port}`,
      ],
      { encoding: 'utf8' },
    );
  try {
    run(1);
    const cpuPerRequest = countCpu(options.database, options.serverPid);
    const [, children] = run(options.seconds).trim().split('\n');
    const output = fs.readFileSync(path.join(directory, 'out.json'), 'utf8');
    const figures = output.split('\n').find((line) => line.startsWith('{'));
    if (!figures) throw new Error(`wrk printed no figures:\n${output}`);
    const result = JSON.parse(figures);
    if (result.failed > 0) throw new Error(`${result.failed} of ${result.requests} requests failed under load`);
    const cpu = cpuPerRequest(result.requests);
    const [user, system] = children!.split(' ').map((time) => {
      const [, minutes, secs] = /^(\d+)m([\d.]+)s$/.exec(time)!;
      return Number(minutes) * 60 + Number(secs);
    });
    return {
      rps: result.requests / (result.microseconds / 1e6),
      p50: result.p50 / 1000,
      p95: result.p95 / 1000,
      p99: result.p99 / 1000,
      cpu: { ...cpu, client: ((user! + system!) * 1e6) / result.requests },
    };
  } finally {
    fs.rmSync(directory, { recursive: true, force: true });
  }
}
