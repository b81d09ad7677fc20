// Malformed requests that Node and Fastify let through are refused in the error shape.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

describe('an HTTP/1.1 request without Host (Node answered it with an empty 400)', () => {
  it('is refused with 400 request.missing_host', async () => {
    const answer = await send('GET /api/health HTTP/1.1');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toMatch(/content-type: application\/json; charset=utf-8/i);
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
    expect(body).toEqual({ error: { code: 'request.missing_host', message: expect.any(String) } });
  });

  it('is answered with a Host, or as HTTP/1.0 (which has none)', async () => {
    expect(await send('GET /api/health HTTP/1.1\r\nHost: localhost')).toMatch(/^HTTP\/1\.1 200 /);
    expect(await send('GET /api/health HTTP/1.0')).toMatch(/^HTTP\/1\.1 200 /);
  });
});

describe('a query string that does not decode (Fastify passed it on as literal text)', () => {
  it.each(['%zz', '%ff', 'a%ED%A0%80%00b', '%'])('search=%s is refused with 400 request.malformed_url', async (search) => {
    const response = await t.app.inject({ method: 'GET', url: `/api/health?search=${search}` });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: { code: 'request.malformed_url', message: expect.any(String) } });
  });

  it('leaves well-formed encodings alone', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/health?x=%C3%A9t%C3%A9%20%F0%9F%91%8D+ok' });
    expect(response.statusCode).toBe(200);
  });
});
