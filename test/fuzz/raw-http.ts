// Requests as bytes on a socket, for what only Node's HTTP parser sees (app.inject never reaches it):
// over-long URLs and headers, malformed request lines and header lines, broken chunked bodies.
import net from 'node:net';
import fc from 'fast-check';

export type RawCase = { label: string; bytes: Buffer };

export type RawAnswer = { status: number; headers: Record<string, string>; body: string } | { failure: string };

const crlf = '\r\n';

/** Requests Node's parser (or, past it, the app) must refuse, each with its fault in its label. */
export function rawCases(credentials: Record<string, string>): fc.Arbitrary<RawCase> {
  const auth = Object.entries(credentials)
    .map(([name, value]) => `${name}: ${value}${crlf}`)
    .join('');
  const request = (head: string, body = '') => Buffer.from(`${head}${crlf}${crlf}${body}`, 'latin1');
  const cases: fc.Arbitrary<RawCase>[] = [
    fc.integer({ min: 17 * 1024, max: 64 * 1024 }).map((length) => ({
      label: `URL of ${length} characters`,
      bytes: request(`GET /api/admin/clients?search=${'x'.repeat(length)} HTTP/1.1${crlf}Host: localhost${crlf}${auth}`.trimEnd()),
    })),
    fc.integer({ min: 17 * 1024, max: 64 * 1024 }).map((length) => ({
      label: `header of ${length} bytes`,
      bytes: request(`GET /api/me HTTP/1.1${crlf}Host: localhost${crlf}${auth}X-Padding: ${'x'.repeat(length)}`),
    })),
    fc
      .constantFrom(
        'GARBAGE',
        'GET /api/health HTTP/9.9',
        'get /api/health HTTP/1.1',
        'GET /api/health HTTP/1.1 extra',
        'GET  HTTP/1.1',
        'G\u0000T /api/health HTTP/1.1',
        'GET /api/\u0000health HTTP/1.1',
        'GET /api/he alth HTTP/1.1',
      )
      .map((line) => ({ label: `request line ${JSON.stringify(line)}`, bytes: request(`${line}${crlf}Host: localhost`) })),
    fc.constantFrom('No-Colon-Here', 'Bad Name: x', 'X-Nul: a\u0000b', 'X-Bell: a\u0007b', ': empty-name').map((line) => ({
      label: `header line ${JSON.stringify(line)}`,
      bytes: request(`GET /api/health HTTP/1.1${crlf}Host: localhost${crlf}${line}`),
    })),
    fc.constant({ label: 'no Host in HTTP/1.1', bytes: request(`GET /api/health HTTP/1.1${crlf}${auth}`.trimEnd()) }),
    fc.constant({
      label: 'two different Content-Lengths',
      bytes: request(
        `POST /api/admin/clients HTTP/1.1${crlf}Host: localhost${crlf}${auth}Content-Type: application/json${crlf}Content-Length: 2${crlf}Content-Length: 3`,
        '{}',
      ),
    }),
    fc.constant({
      label: 'Content-Length beside chunked',
      bytes: request(
        `POST /api/admin/clients HTTP/1.1${crlf}Host: localhost${crlf}${auth}Content-Type: application/json${crlf}Content-Length: 2${crlf}Transfer-Encoding: chunked`,
        `2${crlf}{}${crlf}0${crlf}${crlf}`,
      ),
    }),
    fc.constantFrom('zz', '-1', 'fffffffffffffffffff', '2;\u0000').map((size) => ({
      label: `chunk size ${JSON.stringify(size)}`,
      bytes: request(
        `POST /api/admin/clients HTTP/1.1${crlf}Host: localhost${crlf}${auth}Content-Type: application/json${crlf}Transfer-Encoding: chunked`,
        `${size}${crlf}{}${crlf}0${crlf}${crlf}`,
      ),
    })),
  ];
  return fc.oneof(...cases).map((rawCase) => Object.assign(rawCase, { [fc.toStringMethod]: () => describeRaw(rawCase) }));
}

export function describeRaw({ label, bytes }: RawCase): string {
  const text = bytes.toString('latin1');
  return `${label}: ${JSON.stringify(text.length > 300 ? `${text.slice(0, 300)}… (${text.length} bytes)` : text)}`;
}

/** Writes the bytes to a fresh connection and reads one answer (bounded: an answer that never comes is a failure). */
export function sendRaw(port: number, bytes: Buffer, timeoutMs = 5000): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (answer: RawAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => finish({ failure: `no complete answer within ${timeoutMs} ms` }), timeoutMs);
    const parsed = () => {
      const received = Buffer.concat(chunks).toString('utf8');
      const end = received.indexOf(`${crlf}${crlf}`);
      if (end < 0) return undefined;
      const [statusLine, ...headerLines] = received.slice(0, end).split(crlf);
      const headers = Object.fromEntries(
        headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
      );
      const body = received.slice(end + 4);
      const length = Number(headers['content-length'] ?? NaN);
      if (Number.isFinite(length) && Buffer.byteLength(body) < length) return undefined;
      return { status: Number(statusLine!.split(' ')[1]), headers, body: Number.isFinite(length) ? body.slice(0, length) : body };
    };
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      const answer = parsed();
      if (answer) finish(answer);
    });
    socket.on('error', () => undefined);
    socket.on('close', () =>
      finish(parsed() ?? { failure: `connection closed after ${Buffer.concat(chunks).length} bytes without a complete answer` }),
    );
    socket.write(bytes);
  });
}
