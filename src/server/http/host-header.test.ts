// An HTTP/1.1 request without Host is refused in the error shape; Node's own answer had no body.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';

let t: TestApp<Record<string, never>>;
let port: number;
beforeAll(async () => {
  t = await createTestApp({});
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as AddressInfo).port;
});
afterAll(() => t.close());

/** Sends the request head and reads the whole answer (the server closes the connection). */
function send(head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    let answer = '';
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer in 5 s')));
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
    socket.write(`${head}\r\nConnection: close\r\n\r\n`);
  });
}

it('refuses an HTTP/1.1 request without Host with 400 request.missing_host', async () => {
  const answer = await send('GET /api/health HTTP/1.1');
  expect(answer).toMatch(/^HTTP\/1\.1 400 /);
  expect(answer).toMatch(/content-type: application\/json; charset=utf-8/i);
  const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
  expect(body).toEqual({ error: { code: 'request.missing_host', message: expect.any(String) } });
});

it('answers the same request with a Host, or as HTTP/1.0 (which has none)', async () => {
  expect(await send('GET /api/health HTTP/1.1\r\nHost: localhost')).toMatch(/^HTTP\/1\.1 200 /);
  expect(await send('GET /api/health HTTP/1.0')).toMatch(/^HTTP\/1\.1 200 /);
});
