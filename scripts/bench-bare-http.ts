// The HTTP floor under the benchmark: a bare node:http server, in its own process, that answers each
// scenario's requests with the very responses (status, headers, body) the app gave, without routing,
// validation or a database. What it reaches bounds any Node server's requests/s on this machine, so
// `bare / (bare + ceiling)` bounds the ratio of HTTP to ceiling that a server making the same
// statements could reach.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

export type RecordedResponse = { method: string; path: string; status: number; headers: Record<string, string>; body: string };

const keyOf = (method: string, url: string) => `${method} ${url}`;

/** Starts the bare server on a free port with `responses`; `stop` ends it. */
export async function startBareServer(responses: RecordedResponse[]): Promise<{ port: number; pid: number; stop: () => void }> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'jobready-bare-')), 'responses.json');
  fs.writeFileSync(file, JSON.stringify(responses));
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
  const recorded: RecordedResponse[] = JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8'));
  const byRequest = new Map(recorded.map((response) => [keyOf(response.method, response.path), response]));
  const server = http.createServer((request, response) => {
    request.resume(); // a request body is read and dropped
    request.on('end', () => {
      const answer = byRequest.get(keyOf(request.method!, request.url!));
      if (!answer) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(answer.status, answer.headers).end(answer.body);
    });
  });
  server.listen(0, '127.0.0.1', () => console.log((server.address() as { port: number }).port));
}
