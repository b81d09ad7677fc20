// The servers the benchmark compares the app with, each in its own process and answering the
// scenario's requests (told apart by method, URL and credential) without routing, validation or our
// code:
// - `node:http`: runs each request's captured statements through node-postgres (prepared, on a pool
//   of the app's size), then answers the response the app gave. The same HTTP and SQL work as the
//   app with no framework: the ceiling.
// - `fastify`: the same on Fastify (one catch-all route, no plugins or hooks): what the decided
//   framework alone costs.
// - `seed`: the seed system's queries for the same screens (bench-seed-shape.ts): the baseline.
import Fastify from 'fastify';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { seedAdminList, seedStudentList } from './bench-seed-shape.ts';
import { statementName, type Statement } from './bench-run.ts';

export type RecordedResponse = {
  method: string;
  path: string;
  authorization: string;
  status: number;
  headers: Record<string, string>;
  body: string;
};
/** What the seed system would have run for one request. */
export type SeedCall =
  | { kind: 'admin list'; productId: string; limit: number }
  | { kind: 'student list'; studentId: string; productId?: string };

export type BareServer = 'node:http' | 'fastify' | 'seed';
type BareSpec = {
  server: BareServer;
  responses: RecordedResponse[];
  database: { url: string; options: string; poolSize: number };
  statements?: Statement[][];
  seedCalls?: SeedCall[];
};

const keyOf = (method: string, url: string, authorization: string | undefined) => `${method} ${url} ${authorization ?? ''}`;

/** Starts one of the servers on a free port; `stop` ends it. */
export async function startBareServer(spec: BareSpec): Promise<{ port: number; pid: number; stop: () => void }> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'jobready-bare-')), 'spec.json');
  fs.writeFileSync(file, JSON.stringify(spec));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, file], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    child.once('exit', (code) => reject(new Error(`The ${spec.server} server exited with ${code}`)));
  });
  return {
    port,
    pid: child.pid!,
    stop: () => {
      child.kill();
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    },
  };
}

if (process.argv[1] === import.meta.filename) {
  const spec: BareSpec = JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8'));
  const pool = new pg.Pool({ connectionString: spec.database.url, options: spec.database.options, max: spec.database.poolSize });
  const byRequest = new Map(
    spec.responses.map((response, index) => [
      keyOf(response.method, response.path, response.authorization),
      { response, statements: spec.statements?.[index] ?? [], seedCall: spec.seedCalls?.[index] },
    ]),
  );
  /** The request's statements, prepared, on one pooled connection, as the app runs them. */
  async function runStatements(statements: Statement[]) {
    if (!statements.length) return;
    const client = await pool.connect();
    try {
      for (const statement of statements)
        await client.query({ name: statementName(statement.sql), text: statement.sql, values: statement.params as unknown[] });
    } finally {
      client.release();
    }
  }
  /** The body to send: the app's recorded one, or the seed system's own answer. */
  async function answer(entry: NonNullable<ReturnType<typeof byRequest.get>>) {
    const call = entry.seedCall;
    if (!call) {
      await runStatements(entry.statements);
      return entry.response.body;
    }
    if (call.kind === 'admin list') return seedAdminList(pool, call.productId, call.limit);
    return seedStudentList(pool, call.studentId, call.productId);
  }
  const printPort = (address: { port: number }) => console.log(address.port);
  if (spec.server === 'fastify') {
    const app = Fastify({ logger: false });
    app.all('/*', async (request, reply) => {
      const entry = byRequest.get(keyOf(request.method, request.url, request.headers.authorization));
      if (!entry) return reply.code(404).send();
      const body = await answer(entry);
      const { 'content-length': _length, ...headers } = entry.response.headers;
      return reply.code(entry.response.status).headers(headers).send(body);
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    printPort(app.server.address() as { port: number });
  } else {
    const bare = http.createServer((request, response) => {
      request.resume(); // a request body is read and dropped
      request.on('end', async () => {
        const entry = byRequest.get(keyOf(request.method!, request.url!, request.headers.authorization));
        if (!entry) {
          response.writeHead(404).end();
          return;
        }
        const body = await answer(entry);
        const { 'content-length': _length, ...headers } = entry.response.headers;
        response.writeHead(entry.response.status, { ...headers, 'content-length': Buffer.byteLength(body) }).end(body);
      });
    });
    bare.listen(0, '127.0.0.1', () => printPort(bare.address() as { port: number }));
  }
}
