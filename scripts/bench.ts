// `npm run bench` — starts the app as in production against DATABASE_URL (load it first with
// `npm run seed:scale -- --size L`) and drives each scenario over HTTP at 16 connections. Beside it,
// with the same load generator: the ceiling (a bare node:http server making the very statements the
// app made, on a pool of the app's size), Fastify making them (the framework's own cost), the seed
// system's queries for the same screens (the baseline), and pgbench running the statements
// (PostgreSQL alone). Writes are undone after every run, so each run reads the same inputs.
import fs from 'node:fs';
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
import { startBareServer, type BareServer, type RecordedResponse, type SeedCall } from './bench-bare-http.ts';
import { hasPgbench, postgresAlone } from './bench-postgres-alone.ts';
import { countCpu, runFigures, type CpuPerRequest, type RunFigures, type Statement } from './bench-run.ts';
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

type Request = { method: string; path: string; token: string; body?: unknown; seedCall?: SeedCall };
type Scenario = { name: string; kind: 'read' | 'write'; requests: Request[] };
type Run = RunFigures & { cpu: CpuPerRequest };

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
/** The app's own pool (DATABASE_POOL_SIZE, or its default): the ceiling and the floors get the same. */
const poolSize = loadConfig({ ...process.env, ...environment }).databasePoolSize;
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
      {
        agent,
        host: '127.0.0.1',
        port: toPort,
        method,
        path,
        headers: { ...headers, ...(body ? { 'content-length': Buffer.byteLength(body) } : {}) },
      },
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
async function loadOverHttp(scenario: Scenario, toPort: number, serverPid: number): Promise<Run> {
  if (withWrk) return loadWithWrk(scenario.requests.map(wireFormOf), { port: toPort, seconds, database: databaseName, serverPid });
  const latencies: number[] = [];
  const warmUpEnd = performance.now() + 1000;
  const end = warmUpEnd + seconds * 1000;
  let cpuPerRequest: ReturnType<typeof countCpu> | undefined;
  const startCounting = setTimeout(() => (cpuPerRequest = countCpu(databaseName, serverPid)), 1000);
  await Promise.all(
    scenario.requests.map(async (request) => {
      while (performance.now() < end) {
        const started = performance.now();
        const response = await send(request, toPort);
        if (response.status >= 400) throw new Error(`${scenario.name}: ${response.status} ${response.body.slice(0, 200)}`);
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

/** A list of ids as one parameter (Drizzle's `sql` spreads an array into a list of parameters). */
const uuidArray = (ids: string[]) => `{${ids.join(',')}}`;

type Rows = <T>(statement: ReturnType<typeof sql>) => Promise<T[]>;
const rowsOf =
  (database: DatabaseConnection): Rows =>
  async <T>(statement: ReturnType<typeof sql>) =>
    ((await database.db.execute(statement)) as unknown as { rows: T[] }).rows;

/** Picks the ids every scenario uses: a busy product, students with a programme and a session, a worklet, a mentor. */
async function pickInputs(rows: Rows) {
  const [product] = await rows<{ id: string }>(sql`
    select product_id as id from job_readiness_expert_session_products group by product_id order by count(*) desc, product_id limit 1`);
  // Each student, of an active client (an inactive one's students see nothing), with the programme
  // of theirs that has the most sessions (what the UI sends as productId).
  const students = await rows<{ id: string; email: string; session_id: string; product_id: string }>(sql`
    select u.id, u.email,
      (select p.expert_session_id from job_readiness_expert_session_progress p
       join job_readiness_expert_sessions e on e.id = p.expert_session_id and e.is_active and e.deleted_at is null
       where p.student_id = u.id order by p.expert_session_id limit 1) as session_id,
      (select a.product_id from client_product_assignments a
       join job_readiness_expert_session_products sp on sp.product_id = a.product_id
       where a.client_id = u.client_id group by a.product_id order by count(*) desc, a.product_id limit 1) as product_id
    from users u join clients c on c.id = u.client_id and c.is_active
    where u.email like 'student%@scale.test' order by u.email limit ${connections}`);
  const [worklet] = await rows<{ id: string; mentor_email: string; mentor_id: string }>(sql`
    select w.id, u.email as mentor_email, u.id as mentor_id from worklets w
    join mentor_worklet_assignments a on a.worklet_id = w.id and a.is_active and a.role_type = 'Primary'
    join users u on u.id = a.mentor_id where w.cert_id like 'SC%' order by w.cert_id limit 1`);
  const patchSessions = await rows<{ id: string }>(sql`
    select id from job_readiness_expert_sessions where title like 'Expert talk%' order by created_at limit ${connections}`);
  const productIds = (
    await rows<{ id: string }>(sql`select id from products where name like 'Scale Programme%' order by name limit 6`)
  ).map((row) => row.id);
  // The progress screens: the product whose report covers the most (student, session) pairs (not
  // the cohort's: one session of one client, its report reads one row), its session with the most
  // eligible students, and the session with the most eligible students of all for the export.
  const [largest] = await rows<{ id: string }>(sql`
    select p.id from products p where p.name like 'Scale Programme%'
    order by (select count(*) from job_readiness_expert_session_products l join job_readiness_expert_sessions e on e.id = l.expert_session_id
        where l.product_id = p.id and e.is_active and e.deleted_at is null)
      * (select coalesce(sum(s.students), 0) from client_product_assignments a join clients c on c.id = a.client_id and c.is_active
        join progress_insight_client_students s on s.client_id = a.client_id where a.product_id = p.id) desc, p.id
    limit 1`);
  const [drilled] = await rows<{ id: string }>(sql`
    select s.expert_session_id as id from job_readiness_expert_session_stats s
    join job_readiness_expert_session_products l on l.expert_session_id = s.expert_session_id and l.product_id = ${product?.id ?? null}
    order by s.eligible_students desc, s.expert_session_id limit 1`);
  const [exported] = await rows<{ id: string; eligible: number }>(sql`
    select expert_session_id as id, eligible_students as eligible from job_readiness_expert_session_stats
    order by eligible_students desc, expert_session_id limit 1`);
  if (!exported || !product || !worklet || !largest || !drilled || students.length < connections)
    throw new Error('Load the data first: npm run seed:scale -- --size L');
  return {
    product: product.id,
    students,
    worklet,
    patchSessions,
    productIds,
    largestProduct: largest.id,
    drilledSession: drilled.id,
    exported,
  };
}
type Inputs = Awaited<ReturnType<typeof pickInputs>>;

/**
 * What the write scenarios change, kept before the first run and put back after every run: the
 * progress rows the saves touch and the product sets the PATCHes replace. The triggers bring the
 * kept statistics back with them.
 */
async function keepWrittenRows(database: DatabaseConnection, rows: Rows, inputs: Inputs) {
  const studentIds = inputs.students.map((student) => student.id);
  const sessionIds = inputs.students.map((student) => student.session_id);
  const patchIds = inputs.patchSessions.map((session) => session.id);
  const progress = await rows<Record<string, unknown>>(sql`
    select to_jsonb(p) as row from job_readiness_expert_session_progress p
    join unnest(${uuidArray(studentIds)}::uuid[], ${uuidArray(sessionIds)}::uuid[]) as pair(student_id, session_id)
      on p.student_id = pair.student_id and p.expert_session_id = pair.session_id`);
  const links = await rows<Record<string, unknown>>(sql`
    select to_jsonb(l) as row from job_readiness_expert_session_products l where l.expert_session_id = any(${uuidArray(patchIds)}::uuid[])`);
  const progressJson = JSON.stringify(progress.map((entry) => entry.row));
  const linksJson = JSON.stringify(links.map((entry) => entry.row));
  return () =>
    database.db.transaction(async (tx) => {
      const run = (statement: ReturnType<typeof sql>) => tx.execute(statement);
      await run(sql`
        delete from job_readiness_expert_session_progress p
        using unnest(${uuidArray(studentIds)}::uuid[], ${uuidArray(sessionIds)}::uuid[]) as pair(student_id, session_id)
        where p.student_id = pair.student_id and p.expert_session_id = pair.session_id`);
      await run(sql`
        insert into job_readiness_expert_session_progress
        select * from jsonb_populate_recordset(null::job_readiness_expert_session_progress, ${progressJson}::jsonb)`);
      await run(sql`delete from job_readiness_expert_session_products where expert_session_id = any(${uuidArray(patchIds)}::uuid[])`);
      await run(sql`
        insert into job_readiness_expert_session_products
        select * from jsonb_populate_recordset(null::job_readiness_expert_session_products, ${linksJson}::jsonb)`);
    });
}

/** A digest of everything the scenarios read and write (and the figures kept from it), printed before and after: equal when every run measured the same data. */
async function inputsChecksum(rows: Rows, inputs: Inputs) {
  const [row] = await rows<{ checksum: string }>(sql`
    select md5(concat_ws('|',
      (select string_agg(concat_ws(',', p.student_id, p.expert_session_id, p.watch_time_seconds, p.last_position_seconds,
         p.completion_percentage, p.is_completed, p.completed_at, p.last_milestone_reached), ';' order by p.id)
       from job_readiness_expert_session_progress p where p.student_id = any(${uuidArray(inputs.students.map((student) => student.id))}::uuid[])),
      (select string_agg(concat_ws(',', l.expert_session_id, l.product_id), ';' order by l.expert_session_id, l.product_id)
       from job_readiness_expert_session_products l
       where l.expert_session_id = any(${uuidArray(inputs.patchSessions.map((session) => session.id))}::uuid[]) or l.product_id = ${inputs.product}),
      (select string_agg(concat_ws(',', s.expert_session_id, s.eligible_students, s.viewers, s.completed_students,
         s.completion_percentage_sum, s.watch_time_seconds_sum), ';' order by s.expert_session_id)
       from job_readiness_expert_session_stats s),
      (select string_agg(concat_ws(',', c.expert_session_id, c.client_id, c.started, c.reached_25, c.reached_50, c.reached_75,
         c.completed, c.completion_percentage_sum, c.watch_time_seconds_sum), ';' order by c.expert_session_id, c.client_id)
       from progress_insight_client_sessions c),
      (select string_agg(concat_ws(',', w.expert_session_id, w.client_id, w.week, w.completions), ';' order by w.expert_session_id, w.client_id, w.week)
       from progress_insight_completions w)
    )) as checksum`);
  return row!.checksum;
}

/** The plans of one request's statements, as PostgreSQL executes them (each run once first, so caches are warm). */
async function explain(name: string, statements: Statement[]) {
  const client = new pg.Client({ connectionString: databaseUrl, options: startupOptions });
  await client.connect();
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
    await client.end();
  }
}

type Measured = {
  name: string;
  statements: number;
  app: Run;
  ceiling: Run;
  fastify: Run;
  seed?: Run;
  pgbench?: RunFigures;
  pairs: { app: Run; ceiling: Run }[];
};

const rps = (run: RunFigures) => run.rps.toFixed(0).padStart(7);
const ms = (value: number) => value.toFixed(1).padStart(6);
const micros = (value: number) => value.toFixed(0).padStart(5);
const cpuOf = (run: Run) => run.cpu.server + run.cpu.postgres;
/** The seed system's N+1 statements can take longer than a run: then it has no figures, only that. */
const noneFinished = `none finished in ${seconds} s`;

function printTables(results: Measured[]) {
  console.log(
    `\nCPU µs per request (server + PostgreSQL)  |   app  server  pg |  ceiling server  pg | ceiling ÷ app | Fastify server | seed: server  pg | seed ÷ app`,
  );
  for (const { name, app, ceiling, fastify, seed } of results) {
    console.log(
      `${name.padEnd(41)} | ${micros(cpuOf(app))} ${micros(app.cpu.server)} ${micros(app.cpu.postgres)} | ${micros(cpuOf(ceiling)).padStart(8)} ${micros(ceiling.cpu.server)} ${micros(ceiling.cpu.postgres)} | ${(cpuOf(ceiling) / cpuOf(app)).toFixed(2).padStart(13)} | ${micros(fastify.cpu.server).padStart(14)} | ${!seed ? `${''.padStart(18)} |` : seed.rps > 0 ? `${micros(seed.cpu.server).padStart(12)} ${micros(seed.cpu.postgres)} | ${(cpuOf(seed) / cpuOf(app)).toFixed(2).padStart(10)}` : `${noneFinished.padStart(18)} |`}`,
    );
  }
  console.log(
    `\nscenario                                  | stmts | app req/s   p95 | ceiling req/s   p95 | ratio | Fastify ratio | seed req/s   p95  app ÷ seed${hasPgbench() ? ' | pgbench p95' : ''}`,
  );
  for (const { name, statements, app, ceiling, fastify, seed, pgbench } of results) {
    const seedCells = !seed
      ? ''.padStart(29)
      : seed.rps > 0
        ? `${rps(seed).padStart(10)} ${ms(seed.p95)} ${(app.rps / seed.rps).toFixed(2).padStart(11)}`
        : noneFinished.padStart(29);
    console.log(
      `${name.padEnd(41)} | ${String(statements).padStart(5)} | ${rps(app).padStart(9)} ${ms(app.p95)} | ${rps(ceiling).padStart(13)} ${ms(ceiling.p95)} | ${(app.rps / ceiling.rps).toFixed(2)} | ${(fastify.rps / ceiling.rps).toFixed(2).padStart(13)} | ${seedCells}${pgbench ? ` | ${ms(pgbench.p95).padStart(11)}` : ''}`,
    );
  }
  if (rounds > 1) {
    console.log(`\nRounds, in order                          | ratio to the ceiling | app p95 ms | app CPU µs`);
    for (const { name, pairs } of results) {
      const column = (pick: (pair: Measured['pairs'][number]) => number, digits: number) =>
        pairs.map((pair) => pick(pair).toFixed(digits)).join(' / ');
      console.log(
        `${name.padEnd(41)} | ${column((pair) => pair.app.rps / pair.ceiling.rps, 2)} | ${column((pair) => pair.app.p95, 1)} | ${column((pair) => cpuOf(pair.app), 0)}`,
      );
    }
  }
}

const exportName = "CSV export of a session's eligible students";

/** The server's resident memory (kB), from /proc. */
const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);

/** The export's target is for a session of this many eligible students. */
const exportTarget = 50_000;

/**
 * One download of the drill-down's CSV for the session with the most eligible students, timed, with
 * the server process's RSS (from /proc, not this process's) sampled every 20 ms. Loaded with
 * `--cohort 50000`, that session has them; else it is given every product for the time of the run
 * (so that every active client's students are eligible) and its own products are put back after it.
 */
async function measureExport(inputs: Inputs, token: string) {
  const session = inputs.exported.eligible >= exportTarget ? inputs.exported.id : inputs.drilledSession;
  const own = await rows<{ product_id: string }>(
    sql`select product_id from job_readiness_expert_session_products where expert_session_id = ${session}`,
  );
  if (inputs.exported.eligible < exportTarget) {
    console.log(
      `\nNo session has ${exportTarget} eligible students (load with --cohort ${exportTarget}): the export's session is given every product.`,
    );
    await database.db.execute(sql`
      insert into job_readiness_expert_session_products (expert_session_id, product_id) select ${session}, id from products on conflict do nothing`);
  }
  try {
    const [eligible] = await rows<{ n: number }>(
      sql`select eligible_students as n from job_readiness_expert_session_stats where expert_session_id = ${session}`,
    );
    agent.destroy();
    agent = newAgent();
    const before = rssOf(server.pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssOf(server.pid))), 20);
    const started = performance.now();
    const response = await send({ method: 'GET', path: `/api/admin/progress/sessions/${session}/students.csv`, token });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    if (response.status !== 200) throw new Error(`${exportName}: ${response.status} ${response.body.slice(0, 200)}`);
    const lines = response.body.split('\r\n').length - 2; // the header, and the empty line after the last record
    console.log(
      `\n${exportName}: ${lines} rows (${eligible?.n} eligible by the session statistics), ${(response.body.length / 1e6).toFixed(1)} MB in ${seconds.toFixed(2)} s; ` +
        `server RSS ${(before / 1024).toFixed(0)} MB before, peak ${(peak / 1024).toFixed(0)} MB (+${((peak - before) / 1024).toFixed(0)} MB)`,
    );
  } finally {
    await database.db.execute(sql`
      delete from job_readiness_expert_session_products
      where expert_session_id = ${session} and not (product_id = any(${uuidArray(own.map((row) => row.product_id))}::uuid[]))`);
  }
}

const server = await startApp(environment);
const port = server.port;
const database = await openDatabase({ url: databaseUrl, poolSize: connections });
const rows = rowsOf(database);
try {
  const inputs = await pickInputs(rows);
  const restoreWrittenRows = await keepWrittenRows(database, rows, inputs);
  const checksumBefore = await inputsChecksum(rows, inputs);
  const admin = await signIn('admin@scale.test');
  const staff = await signIn('staff@scale.test');
  const mentor = await signIn(inputs.worklet.mentor_email);
  const studentTokens = await Promise.all(inputs.students.map((student) => signIn(student.email)));
  const perLoop = <T>(make: (loop: number) => T) => Array.from({ length: connections }, (_, loop) => make(loop));

  const scenarios: Scenario[] = [
    {
      name: 'admin session list (product, 50)',
      kind: 'read',
      requests: perLoop(() => ({
        method: 'GET',
        path: `/api/admin/job-readiness/expert-sessions?productId=${inputs.product}&limit=50`,
        token: admin,
        seedCall: { kind: 'admin list', productId: inputs.product, limit: 50 },
      })),
    },
    {
      name: 'admin summary (all sessions)',
      kind: 'read',
      requests: perLoop(() => ({ method: 'GET', path: '/api/admin/job-readiness/expert-sessions/summary', token: admin })),
    },
    {
      name: 'student session list (a programme)',
      kind: 'read',
      requests: perLoop((loop) => {
        const student = inputs.students[loop]!;
        return {
          method: 'GET',
          path: `/api/app/job-readiness/expert-sessions?productId=${student.product_id}`,
          token: studentTokens[loop]!,
          seedCall: { kind: 'student list', studentId: student.id, productId: student.product_id },
        };
      }),
    },
    {
      name: 'student list page (in progress, 20)',
      kind: 'read',
      requests: perLoop((loop) => ({
        method: 'GET',
        path: `/api/app/job-readiness/expert-sessions?status=in_progress&limit=20`,
        token: studentTokens[loop]!,
      })),
    },
    {
      name: 'student list highlights',
      kind: 'read',
      requests: perLoop((loop) => ({
        method: 'GET',
        path: '/api/app/job-readiness/expert-sessions/highlights',
        token: studentTokens[loop]!,
      })),
    },
    {
      name: 'drill-down page (50, in progress)',
      kind: 'read',
      requests: perLoop(() => ({
        method: 'GET',
        path: `/api/admin/progress/sessions/${inputs.drilledSession}/students?status=in_progress&sort=last_watched&limit=50`,
        token: staff,
      })),
    },
    {
      name: 'drill-down page (50, by name)',
      kind: 'read',
      requests: perLoop(() => ({
        method: 'GET',
        path: `/api/admin/progress/sessions/${inputs.drilledSession}/students?sort=name&limit=50`,
        token: staff,
      })),
    },
    {
      name: 'drill-down cards',
      kind: 'read',
      requests: perLoop(() => ({ method: 'GET', path: `/api/admin/progress/sessions/${inputs.drilledSession}`, token: staff })),
    },
    {
      name: 'programme report (largest product)',
      kind: 'read',
      requests: perLoop(() => ({ method: 'GET', path: `/api/admin/progress/report?product_id=${inputs.largestProduct}`, token: staff })),
    },
    {
      name: "mentor's worklet progress",
      kind: 'read',
      requests: perLoop(() => ({ method: 'GET', path: `/api/worklets/${inputs.worklet.id}/session-progress`, token: mentor })),
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
      requests: perLoop(() => ({
        method: 'GET',
        path: `/api/worklets/mentor/${inputs.worklet.mentor_id}/worklets?status=ongoing&limit=20`,
        token: mentor,
      })),
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
    console.log(
      `\n${connections} connections, ${seconds} s per run, the app's pool of ${poolSize} for every server; load from ${generator}`,
    );
    console.log(`inputs checksum ${checksumBefore}`);
  }
  const results: Measured[] = [];
  for (const scenario of scenarios.filter((candidate) => !options.only || candidate.name.includes(options.only))) {
    // New connections: the server closes one left idle while the previous scenario ran (its keep-alive timeout).
    agent.destroy();
    agent = newAgent();
    // Each request once first, so that what is captured is what the runs repeat (a PATCH's first
    // call may change the product set; the ones after it find nothing to change). Its responses
    // are what the bare servers answer.
    const recorded: RecordedResponse[] = [];
    for (const request of scenario.requests) {
      const { status, headers, body } = await send(request);
      if (status >= 400) throw new Error(`${scenario.name}: ${request.method} ${request.path} answered ${status}: ${body.slice(0, 200)}`);
      const kept = Object.entries(headers).filter(([name]) => !['date', 'connection', 'keep-alive'].includes(name));
      recorded.push({
        method: request.method,
        path: request.path,
        authorization: `Bearer ${request.token}`,
        status,
        headers: Object.fromEntries(kept) as Record<string, string>,
        body,
      });
    }
    const statements = await Promise.all(scenario.requests.map(capture));
    await restoreWrittenRows();
    if (options.explain) {
      await explain(scenario.name, statements[0]!);
      continue;
    }
    const databaseSpec = { url: databaseUrl, options: startupOptions, poolSize };
    const measureOn = async (kind: BareServer, extra: { statements?: Statement[][]; seedCalls?: SeedCall[] }) => {
      const bare = await startBareServer({ server: kind, responses: recorded, database: databaseSpec, ...extra });
      try {
        return await measured(() => loadOverHttp(scenario, bare.port, bare.pid));
      } finally {
        bare.stop();
      }
    };
    /** One run, then its writes undone. */
    const measured = async (run: () => Promise<Run>) => {
      try {
        return await run();
      } finally {
        await restoreWrittenRows();
      }
    };
    // App and ceiling alternate, so that a slow minute of this shared machine weighs on both.
    const ceilingServer = await startBareServer({ server: 'node:http', responses: recorded, database: databaseSpec, statements });
    const pairs: Measured['pairs'] = [];
    try {
      for (let round = 0; round < rounds; round += 1) {
        const app = await measured(() => loadOverHttp(scenario, port, server.pid));
        const ceiling = await measured(() => loadOverHttp(scenario, ceilingServer.port, ceilingServer.pid));
        pairs.push({ app, ceiling });
      }
    } finally {
      ceilingServer.stop();
    }
    const median = [...pairs].sort((a, b) => a.app.rps / a.ceiling.rps - b.app.rps / b.ceiling.rps)[(rounds - 1) >> 1]!;
    const fastify = await measureOn('fastify', { statements });
    const seedCalls = scenario.requests.map((request) => request.seedCall);
    const seed = seedCalls.every(Boolean) ? await measureOn('seed', { seedCalls: seedCalls as SeedCall[] }) : undefined;
    const pgbench = hasPgbench() ? postgresAlone(databaseUrl, statements, { connections, seconds }) : undefined;
    if (pgbench) await restoreWrittenRows();
    results.push({ name: scenario.name, statements: statements[0]!.length, ...median, fastify, seed, pgbench, pairs });
    console.log(`${scenario.name}: measured`);
  }
  if (results.length) printTables(results);
  if (!options.explain && (!options.only || exportName.includes(options.only))) await measureExport(inputs, staff);
  const checksumAfter = await inputsChecksum(rows, inputs);
  if (!options.explain)
    console.log(
      `\ninputs checksum ${checksumAfter}${checksumAfter === checksumBefore ? ' (unchanged)' : ' — CHANGED: a write was not undone'}`,
    );
  await inProcess.close();
} finally {
  await database.close();
  await server.stop();
  agent.destroy();
}
