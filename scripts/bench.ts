// `npm run bench` — starts the app as in production against DATABASE_URL (load it first with
// `npm run seed:scale -- --size L`), drives each scenario over HTTP at 16 connections, then runs the
// very same SQL statements straight through the driver at the same concurrency (the ceiling), and
// once more through pgbench when it is installed (PostgreSQL alone, no Node at all); and the
// responses it got, replayed by a bare node:http server: once alone (HTTP, no app and no database),
// once making each request's statements first as the ceiling does (HTTP and the driver, no app);
// and that last once more on Fastify (the decided framework and the driver, nothing of ours).
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { startApp } from '../e2e/support/app-server.ts';
import { buildApp } from '../src/server/app.ts';
import { loadConfig } from '../src/server/config.ts';
import { captureStatements, openDatabase, startupOptions, type DatabaseConnection } from '../src/server/db/database.ts';
import { scalePassword } from '../src/server/seed/scale-seed.ts';
import { startBareServer, type RecordedResponse } from './bench-bare-http.ts';
import { hasPgbench, postgresAlone } from './bench-postgres-alone.ts';
import { countCpu, runFigures, statementName, type CpuPerRequest, type RunFigures, type Statement } from './bench-run.ts';
import { hasWrk, loadWithWrk, type WrkRequest } from './bench-wrk.ts';

const { values: options } = parseArgs({
  options: {
    seconds: { type: 'string', default: '8' },
    connections: { type: 'string', default: '16' },
    // Each scenario's app and ceiling runs, alternating; the round with the median ratio is printed.
    rounds: { type: 'string', default: '1' },
    only: { type: 'string' },
    // Prints EXPLAIN (ANALYZE, BUFFERS) of each scenario's statements instead of measuring.
    explain: { type: 'boolean', default: false },
  },
});
const seconds = Number(options.seconds);
const connections = Number(options.connections);
const rounds = Number(options.rounds);
if (!Number.isInteger(rounds) || rounds < 1) {
  console.error('--rounds must be a whole number of at least 1.');
  process.exit(2);
}
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error('Set DATABASE_URL to a PostgreSQL database loaded with `npm run seed:scale`.');
  process.exit(2);
}
const databaseName = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
const withWrk = hasWrk();

type Request = { method: string; path: string; token: string; body?: unknown };
type Scenario = { name: string; kind: 'read' | 'write'; requests: Request[] };

const environment = {
  NODE_ENV: 'production',
  DATABASE_URL: databaseUrl,
  // One data directory per database, kept between runs: its storage is the one the database records
  // (decision 020), for the server and for the in-process app that captures the statements.
  DATA_DIR: path.join(os.tmpdir(), `jobready-bench-${databaseName}`),
  AUTH_SECRET: 'bench-secret-bench-secret-bench-secret-01',
  SEED_DEMO: 'false',
  LOG_LEVEL: 'warn',
};
const newAgent = () => new http.Agent({ keepAlive: true, maxSockets: connections });
let agent = newAgent();

type Response = { status: number; headers: http.IncomingHttpHeaders; body: string };

/** The request on the wire: its headers and JSON body. */
function wireFormOf(request: Request): WrkRequest {
  const body = request.body === undefined ? undefined : JSON.stringify(request.body);
  const headers: Record<string, string> = {
    ...(request.token ? { authorization: `Bearer ${request.token}` } : {}),
    ...(body ? { 'content-type': 'application/json' } : {}),
  };
  return { method: request.method, path: request.path, headers, body };
}

function send(request: Request, toPort = port): Promise<Response> {
  return new Promise((resolve, reject) => {
    const { method, path, headers, body } = wireFormOf(request);
    const outgoing = http.request(
      { agent, host: '127.0.0.1', port: toPort, method, path, headers: { ...headers, ...(body ? { 'content-length': Buffer.byteLength(body) } : {}) } },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** Drives each of `requests` on its own connection against `toPort`: with wrk when installed, else from this process. */
async function loadOverHttp(scenario: Scenario, toPort: number, serverPid: number) {
  if (withWrk) return loadWithWrk(scenario.requests.map(wireFormOf), { port: toPort, seconds, database: databaseName, serverPid });
  return load(async (loop) => {
    const response = await send(scenario.requests[loop]!, toPort);
    if (response.status >= 400) throw new Error(`${scenario.name}: ${response.status} ${response.body.slice(0, 200)}`);
  }, serverPid);
}

/**
 * Runs `work(k)` on `connections` loops for `seconds` after a second's warm-up; returns requests/s,
 * latency percentiles, and the CPU per request of the server process `serverPid`, PostgreSQL and this one.
 */
async function load(work: (loop: number, iteration: number) => Promise<void>, serverPid?: number) {
  const latencies: number[] = [];
  const warmUpEnd = performance.now() + 1000;
  const end = warmUpEnd + seconds * 1000;
  let cpuPerRequest: ReturnType<typeof countCpu> | undefined;
  const startCounting = setTimeout(() => (cpuPerRequest = countCpu(databaseName, serverPid)), 1000);
  await Promise.all(
    Array.from({ length: connections }, async (_, loop) => {
      for (let iteration = 0; performance.now() < end; iteration += 1) {
        const started = performance.now();
        await work(loop, iteration);
        if (started >= warmUpEnd) latencies.push(performance.now() - started);
      }
    }),
  );
  clearTimeout(startCounting);
  return { ...runFigures(latencies, seconds), cpu: cpuPerRequest!(latencies.length) };
}

async function signIn(email: string) {
  const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
    const body = JSON.stringify({ email, password: scalePassword });
    const outgoing = http.request(
      { agent, host: '127.0.0.1', port, method: 'POST', path: '/api/auth/sign-in/email', headers: { 'content-type': 'application/json' } },
      resolve,
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
  response.resume();
  const token = response.headers['set-auth-token'];
  if (response.statusCode !== 200 || typeof token !== 'string') throw new Error(`Sign-in of ${email} failed: ${response.statusCode}`);
  return token;
}

/** Picks the ids every scenario uses: a busy product, students with sessions, a worklet, a mentor. */
async function pickInputs(database: DatabaseConnection) {
  const rows = async <T>(statement: ReturnType<typeof sql>) => ((await database.db.execute(statement)) as unknown as { rows: T[] }).rows;
  const [product] = await rows<{ id: string }>(sql`
    select product_id as id from job_readiness_expert_session_products group by product_id order by count(*) desc, product_id limit 1`);
  const students = await rows<{ email: string; session_id: string }>(sql`
    select u.email, (select p.expert_session_id from job_readiness_expert_session_progress p
                     join job_readiness_expert_sessions e on e.id = p.expert_session_id and e.is_active and e.deleted_at is null
                     where p.student_id = u.id limit 1) as session_id
    from users u where u.email like 'student%@scale.test' order by u.email limit ${connections}`);
  const [worklet] = await rows<{ id: string; mentor_email: string; mentor_id: string }>(sql`
    select w.id, u.email as mentor_email, u.id as mentor_id from worklets w
    join mentor_worklet_assignments a on a.worklet_id = w.id and a.is_active and a.role_type = 'Primary'
    join users u on u.id = a.mentor_id where w.cert_id like 'SC%' order by w.cert_id limit 1`);
  const patchSessions = await rows<{ id: string }>(sql`
    select id from job_readiness_expert_sessions where title like 'Expert talk%' order by created_at limit ${connections}`);
  const productIds = (await rows<{ id: string }>(sql`select id from products where name like 'Scale Programme%' order by name limit 6`)).map((row) => row.id);
  if (!product || !worklet || students.length < connections) throw new Error('Load the data first: npm run seed:scale -- --size L');
  return { product: product.id, students, worklet, patchSessions, productIds };
}

/** The plans of one request's statements, as PostgreSQL executes them (each run once first, so caches are warm). */
async function explain(name: string, statements: Statement[]) {
  const client = await ceilingPool.connect();
  try {
    await client.query('begin'); // writes are explained too, then rolled back
    for (const statement of statements) {
      if (!/^(select|insert|update|delete|with)\b/i.test(statement.sql)) continue; // the request's own begin/commit
      await client.query(statement.sql, statement.params);
      const plan = await client.query(`explain (analyze, buffers) ${statement.sql}`, statement.params);
      console.log(`\n### ${name}\n\n${statement.sql}\n\n${plan.rows.map((row) => row['QUERY PLAN']).join('\n')}`);
    }
  } finally {
    await client.query('rollback');
    client.release();
  }
}

type CpuRow = { name: string; http: CpuPerRequest; ceiling: CpuPerRequest; bare: CpuPerRequest; bareSql: CpuPerRequest; fastifySql: CpuPerRequest };
const cpuRows: CpuRow[] = [];

/**
 * CPU microseconds per request of each process in each run. The app server's against the bare
 * server's plus the ceiling's driver shows what routing, validation, Drizzle and our code add.
 */
function printCpu(rows: CpuRow[]) {
  const cell = (micros: number) => micros.toFixed(0).padStart(8);
  console.log(
    '\nCPU µs per request               |  HTTP: app  postgres  load gen | ceiling: driver  postgres | bare: server  load gen | bare+SQL: server  postgres | Fastify+SQL: server  postgres',
  );
  for (const { name, http, ceiling, bare, bareSql, fastifySql } of rows) {
    console.log(
      `${name.padEnd(33)} | ${cell(http.server)}  ${cell(http.postgres)}  ${cell(http.client)} | ${cell(ceiling.client)}  ${cell(ceiling.postgres)} | ${cell(bare.server)}  ${cell(bare.client)} | ${cell(bareSql.server)}  ${cell(bareSql.postgres)} | ${cell(fastifySql.server).padStart(11)}  ${cell(fastifySql.postgres)}`,
    );
  }
}

type Run = RunFigures & { cpu: CpuPerRequest };
type RoundRow = { name: string; pairs: { httpRun: Run; sqlRun: Run; ratio: number }[] };
const roundRows: RoundRow[] = [];

/** Every round of each scenario, in the order they ran: the table above shows the median one. */
function printRounds(rows: RoundRow[]) {
  console.log(`\nRounds, in order                  | ratio to the ceiling | HTTP p95 ms | ceiling p95 ms`);
  const each = (values: number[], digits: number) => values.map((value) => value.toFixed(digits)).join(' / ');
  for (const { name, pairs } of rows) {
    const column = (pick: (pair: RoundRow['pairs'][number]) => number, digits: number) => each(pairs.map(pick), digits);
    console.log(`${name.padEnd(33)} | ${column((pair) => pair.ratio, 2)} | ${column((pair) => pair.httpRun.p95, 1)} | ${column((pair) => pair.sqlRun.p95, 1)}`);
  }
}

function figures(run: RunFigures) {
  return `${run.rps.toFixed(0).padStart(8)} ${[run.p50, run.p95, run.p99].map((value) => value.toFixed(1).padStart(7)).join(' ')}`;
}

const server = await startApp(environment);
const port = server.port;
const database = await openDatabase({ url: databaseUrl, poolSize: connections });
// With the app's planner settings (decision 013), so the ceiling plans the statements as the app does.
const ceilingPool = new pg.Pool({ connectionString: databaseUrl, options: startupOptions, max: connections });
try {
  const inputs = await pickInputs(database);
  const admin = await signIn('admin@scale.test');
  const staff = await signIn('staff@scale.test');
  const mentor = await signIn(inputs.worklet.mentor_email);
  const studentTokens = await Promise.all(inputs.students.map((student) => signIn(student.email)));
  const perLoop = <T>(make: (loop: number) => T) => Array.from({ length: connections }, (_, loop) => make(loop));

  const scenarios: Scenario[] = [
    {
      name: 'admin session list (product, 50)',
      kind: 'read',
      requests: perLoop(() => ({ method: 'GET', path: `/api/admin/job-readiness/expert-sessions?productId=${inputs.product}&limit=50`, token: admin })),
    },
    {
      // Not among the issue's scenarios: the stat cards above the admin list, over every session.
      name: 'admin summary (all sessions)',
      kind: 'read',
      requests: perLoop(() => ({ method: 'GET', path: '/api/admin/job-readiness/expert-sessions/summary', token: admin })),
    },
    {
      name: 'student session list',
      kind: 'read',
      requests: perLoop((loop) => ({ method: 'GET', path: '/api/app/job-readiness/expert-sessions', token: studentTokens[loop]! })),
    },
    {
      name: 'watch-progress save',
      kind: 'write',
      requests: perLoop((loop) => ({
        method: 'POST',
        path: `/api/app/job-readiness/expert-sessions/${inputs.students[loop]!.session_id}/watch-progress`,
        token: studentTokens[loop]!,
        body: { watch_time_seconds: 120, last_position_seconds: 120, trigger_type: 'pause' },
      })),
    },
    {
      name: 'PATCH session product set',
      kind: 'write',
      requests: perLoop((loop) => ({
        method: 'PATCH',
        path: `/api/admin/job-readiness/expert-sessions/${inputs.patchSessions[loop]!.id}`,
        token: staff,
        body: { product_ids: inputs.productIds.slice(loop % 2, (loop % 2) + 4) },
      })),
    },
    {
      name: 'mentors of a worklet',
      kind: 'read',
      requests: perLoop(() => ({ method: 'GET', path: `/api/worklets/${inputs.worklet.id}/mentors`, token: admin })),
    },
    {
      name: 'worklets of a mentor (50)',
      kind: 'read',
      requests: perLoop(() => ({ method: 'GET', path: `/api/worklets/mentor/${inputs.worklet.mentor_id}/worklets`, token: mentor })),
    },
    {
      // What the mentor's own screen asks for: a tab of one status, 20 at a time.
      name: 'worklets of a mentor (screen)',
      kind: 'read',
      requests: perLoop(() => ({ method: 'GET', path: `/api/worklets/mentor/${inputs.worklet.mentor_id}/worklets?status=ongoing&limit=20`, token: mentor })),
    },
    {
      name: 'worklet list page (50)',
      kind: 'read',
      requests: perLoop(() => ({ method: 'GET', path: '/api/worklets?limit=50', token: admin })),
    },
  ];

  // The statements of each request, captured from the same app in-process.
  const inProcess = await buildApp(loadConfig(environment), database);
  // Boot first: a request that triggers the boot runs outside the capturing context.
  await inProcess.ready();
  const inject = (request: Request) =>
    inProcess.inject({
      method: request.method as 'GET',
      url: request.path,
      headers: { authorization: `Bearer ${request.token}` },
      payload: request.body as object | undefined,
    });
  const capture = async (request: Request) => {
    await inject(request); // so that the caller's session is cached, as it is in the server under load
    const { result, statements } = await captureStatements(() => inject(request));
    if (result.statusCode >= 400) throw new Error(`${request.method} ${request.path} answered ${result.statusCode}: ${result.body}`);
    return statements;
  };

  if (!options.explain) {
    const generator = withWrk ? 'wrk (a thread per connection)' : 'this process (install wrk for a lighter load generator)';
    console.log(`\n${connections} connections, ${seconds} s per run; HTTP load from ${generator}\n`);
  }
  const withPgbench = hasPgbench();
  if (!options.explain) {
    console.log(
      `scenario                          | HTTP req/s   p50     p95     p99 | stmts | SQL req/s   p50     p95     p99 | ratio | bare HTTP/s  bound | bare+SQL/s ratio | Fastify+SQL/s ratio${withPgbench ? ' | pgbench/s   p50     p95     p99' : ''}`,
    );
  }
  for (const scenario of scenarios.filter((candidate) => !options.only || candidate.name.includes(options.only))) {
    // New connections: the server closes one left idle while the previous scenario ran (its keep-alive timeout).
    agent.destroy();
    agent = newAgent();
    // Each request once first, so that what is captured is what the runs repeat (a PATCH's first
    // call may change the product set; the ones after it find nothing to change). Its responses
    // are what the bare HTTP server replays.
    const recorded: RecordedResponse[] = [];
    for (const request of scenario.requests) {
      const { status, headers, body } = await send(request);
      const kept = Object.entries(headers).filter(([name]) => !['date', 'connection', 'keep-alive'].includes(name));
      recorded.push({ method: request.method, path: request.path, status, headers: Object.fromEntries(kept) as Record<string, string>, body });
    }
    const statements = await Promise.all(scenario.requests.map(capture));
    if (options.explain) {
      await explain(scenario.name, statements[0]!);
      continue;
    }
    // App and ceiling alternate, so that a slow minute of this shared machine weighs on both.
    const pairs: RoundRow['pairs'] = [];
    for (let round = 0; round < rounds; round += 1) {
      const httpRun = await loadOverHttp(scenario, port, server.pid);
      const sqlRun = await load(async (loop) => {
        const client = await ceilingPool.connect();
        try {
          for (const statement of statements[loop]!) {
            await client.query({ name: statementName(statement.sql), text: statement.sql, values: statement.params as unknown[] });
          }
        } finally {
          client.release();
        }
      });
      pairs.push({ httpRun, sqlRun, ratio: httpRun.rps / sqlRun.rps });
    }
    const { httpRun, sqlRun, ratio } = [...pairs].sort((a, b) => a.ratio - b.ratio)[(rounds - 1) >> 1]!;
    if (rounds > 1) roundRows.push({ name: scenario.name, pairs });
    const bare = await startBareServer(recorded);
    const bareRun = await loadOverHttp(scenario, bare.port, bare.pid).finally(bare.stop);
    const bareSql = await startBareServer(recorded, { databaseUrl, options: startupOptions, connections, statements });
    const bareSqlRun = await loadOverHttp(scenario, bareSql.port, bareSql.pid).finally(bareSql.stop);
    const fastifySql = await startBareServer(recorded, { databaseUrl, options: startupOptions, connections, statements }, 'fastify');
    const fastifySqlRun = await loadOverHttp(scenario, fastifySql.port, fastifySql.pid).finally(fastifySql.stop);
    const alone = withPgbench ? postgresAlone(databaseUrl, statements, { connections, seconds }) : undefined;
    // Requests that cost a bare HTTP exchange and then the ceiling's statements, one after the other.
    const ratioBound = bareRun.rps / (bareRun.rps + sqlRun.rps);
    console.log(
      `${scenario.name.padEnd(33)} | ${figures(httpRun)} | ${String(statements[0]!.length).padStart(5)} | ${figures(sqlRun)} | ${ratio.toFixed(2)} | ${bareRun.rps.toFixed(0).padStart(11)} ${ratioBound.toFixed(2).padStart(6)} | ${bareSqlRun.rps.toFixed(0).padStart(10)} ${(bareSqlRun.rps / sqlRun.rps).toFixed(2).padStart(5)} | ${fastifySqlRun.rps.toFixed(0).padStart(13)} ${(fastifySqlRun.rps / sqlRun.rps).toFixed(2).padStart(5)}${alone ? ` | ${figures(alone)}` : ''}`,
    );
    cpuRows.push({ name: scenario.name, http: httpRun.cpu, ceiling: sqlRun.cpu, bare: bareRun.cpu, bareSql: bareSqlRun.cpu, fastifySql: fastifySqlRun.cpu });
  }
  if (cpuRows.length) printCpu(cpuRows);
  if (roundRows.length) printRounds(roundRows);
  await inProcess.close();
} finally {
  await ceilingPool.end();
  await database.close();
  await server.stop();
  agent.destroy();
}
