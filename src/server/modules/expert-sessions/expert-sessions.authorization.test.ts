import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../../test/support/test-app.ts';
import {
  adminUrl,
  createSession,
  multipart,
  sampleMp4,
  spec,
  studentUrl,
  uploadsUrl,
  type AdminSession,
  type SessionsTestApp,
} from './expert-sessions.test-support.ts';

let t: SessionsTestApp;
let session: AdminSession;
let uploadUrl: string;
beforeAll(async () => {
  t = await createTestApp(spec);
  session = await createSession(t, { title: 'Guarded', productIds: [t.ids.products.interview] });
  const created = await t.request({
    method: 'POST',
    url: uploadsUrl,
    as: 'admin',
    headers: { 'tus-resumable': '1.0.0', 'upload-length': '10' },
  });
  uploadUrl = created.headers.location as string;
});
afterAll(() => t.close());

type Caller = 'anonymous' | 'student' | 'outsider' | 'mentor' | 'staff' | 'admin';
const callers: Caller[] = ['anonymous', 'student', 'outsider', 'mentor', 'staff', 'admin'];
const tus = { 'tus-resumable': '1.0.0' };

/** `student` is in the session's product, `outsider` a student of a client without it. */
const matrix: { endpoint: string; request: () => InjectOptions; expected: Record<Caller, number> }[] = [
  {
    endpoint: 'GET admin list',
    request: () => ({ method: 'GET', url: adminUrl }),
    expected: { anonymous: 401, student: 403, outsider: 403, mentor: 403, staff: 200, admin: 200 },
  },
  {
    endpoint: 'GET admin summary',
    request: () => ({ method: 'GET', url: `${adminUrl}/summary` }),
    expected: { anonymous: 401, student: 403, outsider: 403, mentor: 403, staff: 200, admin: 200 },
  },
  {
    endpoint: 'POST create (multipart)',
    request: () => ({ method: 'POST', url: adminUrl, ...multipart({ title: 'Matrix' }, { bytes: sampleMp4 }) }),
    expected: { anonymous: 401, student: 403, outsider: 403, mentor: 403, staff: 201, admin: 201 },
  },
  {
    endpoint: 'POST create (claim an upload)',
    request: () => ({ method: 'POST', url: adminUrl, payload: { title: 'Claim', upload_id: 'no-such-upload' } }),
    expected: { anonymous: 401, student: 403, outsider: 403, mentor: 403, staff: 404, admin: 404 },
  },
  {
    endpoint: 'GET admin one',
    request: () => ({ method: 'GET', url: `${adminUrl}/${session.id}` }),
    expected: { anonymous: 401, student: 403, outsider: 403, mentor: 403, staff: 200, admin: 200 },
  },
  {
    endpoint: 'GET removal impact',
    request: () => ({ method: 'GET', url: `${adminUrl}/${session.id}/removal-impact?product_ids=${t.ids.products.career}` }),
    expected: { anonymous: 401, student: 403, outsider: 403, mentor: 403, staff: 200, admin: 200 },
  },
  {
    endpoint: 'PATCH',
    request: () => ({ method: 'PATCH', url: `${adminUrl}/${session.id}`, payload: { description: 'Changed' } }),
    expected: { anonymous: 401, student: 403, outsider: 403, mentor: 403, staff: 200, admin: 200 },
  },
  {
    endpoint: 'DELETE',
    request: () => ({ method: 'DELETE', url: `${adminUrl}/${session.id}` }),
    expected: { anonymous: 401, student: 403, outsider: 403, mentor: 403, staff: 204, admin: 204 },
  },
  {
    endpoint: 'POST restore',
    request: () => ({ method: 'POST', url: `${adminUrl}/${session.id}/restore` }),
    expected: { anonymous: 401, student: 403, outsider: 403, mentor: 403, staff: 200, admin: 200 },
  },
  {
    endpoint: 'tus POST (create an upload)',
    request: () => ({ method: 'POST', url: uploadsUrl, headers: { ...tus, 'upload-length': '10' } }),
    expected: { anonymous: 401, student: 403, outsider: 403, mentor: 403, staff: 201, admin: 201 },
  },
  {
    // The upload is the admin's: to staff it does not exist.
    endpoint: 'tus HEAD',
    request: () => ({ method: 'HEAD', url: uploadUrl, headers: tus }),
    expected: { anonymous: 401, student: 403, outsider: 403, mentor: 403, staff: 404, admin: 200 },
  },
  {
    endpoint: 'tus PATCH',
    request: () => ({
      method: 'PATCH',
      url: uploadUrl,
      headers: { ...tus, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
      payload: Buffer.alloc(0),
    }),
    expected: { anonymous: 401, student: 403, outsider: 403, mentor: 403, staff: 404, admin: 204 },
  },
  {
    endpoint: 'tus DELETE',
    request: () => ({ method: 'DELETE', url: uploadUrl, headers: tus }),
    expected: { anonymous: 401, student: 403, outsider: 403, mentor: 403, staff: 404, admin: 204 },
  },
  {
    endpoint: 'GET student list',
    request: () => ({ method: 'GET', url: studentUrl }),
    expected: { anonymous: 401, student: 200, outsider: 200, mentor: 403, staff: 403, admin: 403 },
  },
  {
    endpoint: 'GET student highlights',
    request: () => ({ method: 'GET', url: `${studentUrl}/highlights` }),
    expected: { anonymous: 401, student: 200, outsider: 200, mentor: 403, staff: 403, admin: 403 },
  },
  {
    endpoint: 'GET one student session',
    request: () => ({ method: 'GET', url: `${studentUrl}/${session.id}` }),
    expected: { anonymous: 401, student: 200, outsider: 404, mentor: 403, staff: 403, admin: 403 },
  },
  {
    endpoint: 'GET video',
    request: () => ({ method: 'GET', url: `${studentUrl}/${session.id}/video` }),
    expected: { anonymous: 401, student: 200, outsider: 404, mentor: 403, staff: 200, admin: 200 },
  },
  {
    endpoint: 'POST watch progress',
    request: () => ({ method: 'POST', url: `${studentUrl}/${session.id}/watch-progress`, payload: { watch_time_seconds: 1 } }),
    expected: { anonymous: 401, student: 200, outsider: 404, mentor: 403, staff: 403, admin: 403 },
  },
];

describe('authorization matrix', () => {
  it.each(matrix)('$endpoint', async ({ request, expected }) => {
    const answered: Record<string, number> = {};
    for (const caller of callers) {
      const response = await t.request({ ...request(), as: caller === 'anonymous' ? undefined : caller });
      answered[caller] = response.statusCode;
    }
    expect(answered).toEqual(expected);
  });

  it('a student of the product sees the listed session; one outside does not', async () => {
    const ids = async (as: 'student' | 'outsider') =>
      (await t.request({ method: 'GET', url: studentUrl, as })).json().sessions.map((s: { id: string }) => s.id);
    expect(await ids('student')).toContain(session.id);
    expect(await ids('outsider')).not.toContain(session.id);
  });
});

describe('OpenAPI', () => {
  it('documents every expert-session endpoint, each with an example', async () => {
    const document = (await t.request({ method: 'GET', url: '/api/openapi.json' })).json();
    const components = document.components.schemas as Record<string, unknown>;
    const operations = Object.entries(document.paths as Record<string, Record<string, unknown>>)
      .filter(([url]) => url.includes('/job-readiness/expert-sessions'))
      .flatMap(([url, methods]) => Object.entries(methods).map(([method, operation]) => ({ endpoint: `${method} ${url}`, operation })));
    const withReferences = (operation: unknown) => {
      const text = JSON.stringify(operation);
      const referenced = [...text.matchAll(/#\/components\/schemas\/([\w-]+)/g)].map((match) => JSON.stringify(components[match[1]!]));
      return [text, ...referenced].join();
    };
    const withoutExample = operations.filter(({ operation }) => !withReferences(operation).includes('"example"'));
    expect(withoutExample.map(({ endpoint }) => endpoint)).toEqual([]);
    expect(operations.map(({ endpoint }) => endpoint).sort()).toEqual(
      expect.arrayContaining([
        'get /api/admin/job-readiness/expert-sessions',
        'post /api/admin/job-readiness/expert-sessions',
        'get /api/admin/job-readiness/expert-sessions/{id}',
        'patch /api/admin/job-readiness/expert-sessions/{id}',
        'get /api/admin/job-readiness/expert-sessions/{id}/removal-impact',
        'get /api/admin/job-readiness/expert-sessions/summary',
        'delete /api/admin/job-readiness/expert-sessions/{id}',
        'post /api/admin/job-readiness/expert-sessions/{id}/restore',
        'post /api/admin/job-readiness/expert-sessions/uploads',
        'patch /api/admin/job-readiness/expert-sessions/uploads/{uploadId}',
        'head /api/admin/job-readiness/expert-sessions/uploads/{uploadId}',
        'delete /api/admin/job-readiness/expert-sessions/uploads/{uploadId}',
        'get /api/app/job-readiness/expert-sessions',
        'get /api/app/job-readiness/expert-sessions/{id}/video',
        'post /api/app/job-readiness/expert-sessions/{id}/watch-progress',
      ]),
    );
  });
});
