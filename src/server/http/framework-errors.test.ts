// The answers Fastify and Node give on their own — unknown methods, over-long parameters and URLs,
// malformed requests, encoded bodies — leave in the error shape like every other error (unknown
// routes, malformed JSON, oversized bodies and media types: auth.test.ts).
import net from 'node:net';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableRowCounts } from '../../../test/support/row-counts.ts';
import { createTestApp, testPassword, type TestApp } from '../../../test/support/test-app.ts';

const spec = {
  users: { admin: { email: 'admin@test.dev', name: 'Admin', role: 'admin', password: testPassword } },
} as const;

let t: TestApp<typeof spec>;
beforeAll(async () => {
  t = await createTestApp(spec);
});
afterAll(() => t.close());

/** The response is JSON `{"error": {"code", "message"}}` with this status and code. */
function expectErrorShape(response: { statusCode: number; headers: Record<string, unknown>; body: string }, status: number, code: string) {
  expect([response.statusCode, response.headers['content-type']]).toEqual([status, 'application/json; charset=utf-8']);
  const body = JSON.parse(response.body);
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error).toMatchObject({ code, message: expect.any(String) });
}

describe("Fastify's own answers", () => {
  it.each([
    ['an unknown method', 'PROPFIND', '/api/admin/clients', 404, 'routes.not_found'],
    ['a path parameter over 100 characters', 'GET', `/api/admin/clients/${'a'.repeat(200)}`, 414, 'request.path_parameter_too_long'],
    ['a malformed percent-encoding', 'GET', '/api/admin/clients/%E0%A4%A', 400, 'request.malformed_url'],
  ] as const)('%s', async (_label, method, url, status, code) => {
    expectErrorShape(await t.request({ method, url, as: 'admin' }), status, code);
  });
});

describe('Content-Encoding', () => {
  const create = (payload: string | Buffer, encoding?: string) =>
    t.request({
      method: 'POST',
      url: '/api/admin/clients',
      payload,
      headers: { 'content-type': 'application/json', ...(encoding ? { 'content-encoding': encoding } : {}) },
      as: 'admin',
    });

  it.each([
    ['gzip on a gzipped body', 'gzip', () => zlib.gzipSync(JSON.stringify({ name: 'Gzipped' }))],
    ['gzip on a plain body (read as plain before)', 'gzip', () => JSON.stringify({ name: 'Claimed gzip' })],
    ['br', 'br', () => JSON.stringify({ name: 'Brotli' })],
    ['identity after gzip', 'gzip, identity', () => JSON.stringify({ name: 'Layered' })],
  ])('%s: 415 request.unsupported_encoding with Accept-Encoding: identity, and nothing written', async (_label, encoding, payload) => {
    const before = await tableRowCounts(t.db);
    const response = await create(payload(), encoding);
    expectErrorShape(response, 415, 'request.unsupported_encoding');
    expect(response.headers['accept-encoding']).toBe('identity');
    expect(await tableRowCounts(t.db)).toEqual(before);
  });

  it('identity is the body as sent', async () => {
    expect((await create(JSON.stringify({ name: 'Identity' }), 'identity')).statusCode).toBe(201);
    expect((await create(JSON.stringify({ name: 'Identity, twice' }), 'Identity, identity')).statusCode).toBe(201);
  });
});

describe("Node's HTTP parser, on a listening server", () => {
  let port: number;
  beforeAll(async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as net.AddressInfo).port;
  });

  /** Writes raw bytes and reads whatever comes back until the server closes the connection. */
  function exchange(raw: string) {
    return new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.write(raw));
      let received = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk) => (received += chunk));
      socket.on('close', () => resolve(received));
      socket.on('error', reject);
      socket.setTimeout(5000, () => socket.destroy(new Error('no answer within 5 s')));
    });
  }

  /** Status line, headers and the JSON body of a raw HTTP/1.1 response. */
  function parse(raw: string) {
    const [head = '', body = ''] = raw.split('\r\n\r\n');
    const [statusLine, ...headerLines] = head.split('\r\n');
    const headers = Object.fromEntries(
      headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
    );
    return { statusLine, headers, body: JSON.parse(body) };
  }

  it.each([
    [
      'a URL over 16 KiB',
      `GET /api/me?${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
      'HTTP/1.1 431 Request Header Fields Too Large',
      'request.headers_too_large',
    ],
    [
      'a header over 16 KiB',
      `GET /api/me HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      'HTTP/1.1 431 Request Header Fields Too Large',
      'request.headers_too_large',
    ],
    ['a malformed header line', 'GET /api/me HTTP/1.1\r\nHost: x\r\nNot a header\r\n\r\n', 'HTTP/1.1 400 Bad Request', 'request.malformed'],
  ])('%s: its status in the error shape, then the connection closes', async (_label, request, statusLine, code) => {
    const response = parse(await exchange(request));
    expect(response.statusLine).toBe(statusLine);
    expect(response.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8', connection: 'close' });
    expect(response.body).toEqual({ error: { code, message: expect.any(String) } });
  });
});
