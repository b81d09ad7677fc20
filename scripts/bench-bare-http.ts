// The floors under the benchmark: a bare node:http server, in its own process, that answers each
// scenario's requests with the very responses (status, headers, body) the app gave, without routing,
// validation or our code. Without a database, what it reaches bounds any Node server's requests/s on
// this machine. Given the statements too, it first runs each request's statements through the driver
// exactly as the ceiling does: the least a Node server that makes them over HTTP costs. On Fastify
// instead of node:http (one catch-all route, no plugins, hooks or code of ours), it is the least the
// decided stack costs.
import Fastify from 'fastify';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { statementName, type Statement } from './bench-run.ts';

export type RecordedResponse = { method: string; path: string; status: number; headers: Record<string, string>; body: string };

const keyOf = (method: string, url: string) => `${method} ${url}`;

export type BareServer = 'node:http' | 'fastify';
type BareSpec = { server: BareServer; responses: RecordedResponse[]; sql?: { databaseUrl: string; options: string; connections: number; statements: Statement[][] } };

/**
 * Starts the bare server on a free port with `responses` (and, with `sql`, the statements of each,
 * in the same order); `stop` ends it.
 */
export async function startBareServer(
  responses: RecordedResponse[],
  sql?: BareSpec['sql'],
  server: BareServer = 'node:http',
): Promise<{ port: number; pid: number; stop: () => void }> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'jobready-bare-')), 'spec.json');
  fs.writeFileSync(file, JSON.stringify({ server, responses, sql } satisfies BareSpec));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    child.once('exit', (code) => reject(new Error(`The bare HTTP server exited with ${code}`)));
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
  const { server, responses, sql }: BareSpec = JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8'));
  const byRequest = new Map(responses.map((response, index) => [keyOf(response.method, response.path), { response, statements: sql?.statements[index] ?? [] }]));
  const pool = sql && new pg.Pool({ connectionString: sql.databaseUrl, options: sql.options, max: sql.connections });
  /** The ceiling's loop body: the request's statements, prepared, on one pooled connection. */
  async function runStatements(statements: Statement[]) {
    if (!pool || !statements.length) return;
    const client = await pool.connect();
    try {
      for (const statement of statements) await client.query({ name: statementName(statement.sql), text: statement.sql, values: statement.params as unknown[] });
    } finally {
      client.release();
    }
  }
  const printPort = (address: { port: number }) => console.log(address.port);
  if (server === 'fastify') {
    const app = Fastify({ logger: false });
    app.all('/*', async (request, reply) => {
      const answer = byRequest.get(keyOf(request.method, request.url));
      if (!answer) return reply.code(404).send();
      await runStatements(answer.statements);
      const { 'content-length': _length, ...headers } = answer.response.headers;
      return reply.code(answer.response.status).headers(headers).send(answer.response.body);
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    printPort(app.server.address() as { port: number });
  } else {
    const bare = http.createServer((request, response) => {
      request.resume(); // a request body is read and dropped
      request.on('end', async () => {
        const answer = byRequest.get(keyOf(request.method!, request.url!));
        if (!answer) {
          response.writeHead(404).end();
          return;
        }
        await runStatements(answer.statements);
        response.writeHead(answer.response.status, answer.response.headers).end(answer.response.body);
      });
    });
    bare.listen(0, '127.0.0.1', () => printPort(bare.address() as { port: number }));
  }
}
