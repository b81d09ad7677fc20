// The shrunk counterexamples the fuzz test found, one per class of failure, replayed on every run
// before anything is generated: a class once fixed stays fixed whatever the seed draws.
import zlib from 'node:zlib';
import type { IdPools, Role } from './fuzz-world.ts';
import type { Wire } from './requests.ts';

export type Counterexample = { found: string; role: Role; request: Wire };

const json = { 'content-type': 'application/json' };
const boundary = '----jobreadyfuzz7MA4YWxkTrZu0gW';
const formStart =
  `--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nInterview practice\r\n` +
  `--${boundary}\r\nContent-Disposition: form-data; name="video_file"; filename="talk.mp4"\r\nContent-Type: video/mp4\r\n\r\n`;

export function counterexamples(pools: IdPools): Counterexample[] {
  const [worklet] = pools.worklets;
  const [mentor] = pools.mentors;
  const [product] = pools.products;
  return [
    {
      found: '500: a forged paging cursor',
      role: 'staff',
      request: { method: 'GET', url: '/api/worklets?cursor=WyJ4IiwieSJd', headers: {} },
    },
    {
      found: '500: NUL in ?search=',
      role: 'admin',
      request: { method: 'GET', url: '/api/admin/clients?search=I%00nterview', headers: {} },
    },
    {
      found: '200 and a write: a control character in ?reason=',
      role: 'staff',
      request: { method: 'DELETE', url: `/api/worklets/${worklet}/mentors/${mentor}?reason=a%07b`, headers: {} },
    },
    {
      found: '200: an undecodable query string taken as literal text',
      role: 'staff',
      request: { method: 'GET', url: `/api/worklets/${worklet}/student-candidates?search=a%ED%A0%80%00b`, headers: {} },
    },
    {
      found: '500: a date PostgreSQL cannot store',
      role: 'staff',
      request: {
        method: 'POST',
        url: '/api/worklets',
        headers: json,
        payload: JSON.stringify({ cert_id: 'FZ0000', title: 'Year zero', product_id: product, start_date: '0000-01-01' }),
      },
    },
    {
      found: '201: a gzip body read as if plain',
      role: 'staff',
      request: {
        method: 'POST',
        url: '/api/admin/products',
        headers: { ...json, 'content-encoding': 'gzip' },
        payload: zlib.gzipSync('{"name":"Gzipped"}'),
      },
    },
    {
      found: "Fastify's 400 outside the error shape: a malformed percent-encoding",
      role: 'admin',
      request: { method: 'GET', url: '/api/admin/clients/%zz', headers: {} },
    },
    {
      found: "Fastify's 414 outside the error shape: a path parameter over 100 characters",
      role: 'staff',
      request: { method: 'GET', url: `/api/worklets/${'x'.repeat(101)}`, headers: {} },
    },
    {
      found: '500: multipart without a boundary',
      role: 'admin',
      request: {
        method: 'POST',
        url: '/api/admin/job-readiness/expert-sessions',
        headers: { 'content-type': 'multipart/form-data' },
        payload: formStart,
      },
    },
    {
      found: "500: multipart ending one byte into the video's part",
      role: 'admin',
      request: {
        method: 'POST',
        url: '/api/admin/job-readiness/expert-sessions',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload: `${formStart}\u0000`,
      },
    },
    {
      found: 'tus 404 in plain text',
      role: 'admin',
      request: {
        method: 'DELETE',
        url: '/api/admin/job-readiness/expert-sessions/uploads/0123456789abcdef0123456789abcdef',
        headers: { 'tus-resumable': '1.0.0' },
      },
    },
    { found: "better-auth's 404 with no body", role: 'mentor', request: { method: 'GET', url: '/api/auth/nope', headers: {} } },
    {
      found: "200: better-auth's update-user storing any name",
      role: 'student',
      request: { method: 'POST', url: '/api/auth/update-user', headers: json, payload: '{"name":1}' },
    },
    {
      found: '500: NUL in a reset-password token',
      role: 'mentor',
      request: {
        method: 'POST',
        url: '/api/auth/reset-password',
        headers: json,
        payload: JSON.stringify({ token: 'I\u0000nterview', newPassword: 'Interview practice' }),
      },
    },
    {
      found: '500: a body 10,000 levels deep to better-auth',
      role: 'anonymous',
      request: {
        method: 'POST',
        url: '/api/auth/sign-in/email',
        headers: json,
        payload: `{"email":${'['.repeat(10_000)}${']'.repeat(10_000)},"password":"x"}`,
      },
    },
  ];
}
