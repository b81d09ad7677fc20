import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../../../test/support/test-app.ts';
import { countStatements } from '../../../db/database.ts';
import {
  adminUrl,
  createSession,
  sampleMp4Seconds,
  spec,
  studentUrl,
  type AdminSession,
  type SessionsTestApp,
} from '../expert-sessions.test-support.ts';

// Northwind (student, classmate) has interview and career; Contoso (outsider) has digital.
let t: SessionsTestApp;
let session: AdminSession;
beforeAll(async () => {
  t = await createTestApp(spec);
  const { interview, digital } = t.ids.products;
  session = await createSession(t, { title: 'Shared talk', productIds: [interview, digital] });
  const watch = (as: 'student' | 'classmate' | 'outsider', seconds: number) =>
    t.request({ method: 'POST', url: `${studentUrl}/${session.id}/watch-progress`, as, payload: { watch_time_seconds: seconds } });
  await watch('student', sampleMp4Seconds); // completed
  await watch('classmate', 1); // started
  await watch('outsider', 2); // started
});
afterAll(() => t.close());

const impactOf = async (remaining: string, id = session.id) => {
  const response = await t.request({ method: 'GET', url: `${adminUrl}/${id}/removal-impact${remaining}`, as: 'staff' });
  expect(response.statusCode).toBe(200);
  return response.json().impact;
};
const names = (impact: { removed_products: { name: string }[] }) => impact.removed_products.map((product) => product.name);

describe('removal impact (student-impact preview)', () => {
  it('counts the students who would reach the session through none of the remaining products', async () => {
    const { interview, digital } = t.ids.products;
    const keepInterview = await impactOf(`?product_ids=${interview}`);
    expect(names(keepInterview)).toEqual(['Digital Skills']);
    expect(keepInterview).toMatchObject({ students_losing_access: 1, started: 1, completed: 0 });

    const keepNone = await impactOf('');
    expect(names(keepNone)).toEqual(['Digital Skills', 'Interview Ready']);
    expect(keepNone).toMatchObject({ students_losing_access: 3, started: 2, completed: 1 });

    expect(await impactOf(`?product_ids=${interview},${digital}`)).toEqual({
      removed_products: [],
      students_losing_access: 0,
      started: 0,
      completed: 0,
    });
  });

  it('a product added in the same change keeps its students: Northwind still reaches the session through Career', async () => {
    const { career, digital } = t.ids.products;
    const impact = await impactOf(`?product_ids=${career}&product_ids=${digital}`);
    expect(names(impact)).toEqual(['Interview Ready']);
    expect(impact).toMatchObject({ students_losing_access: 0, started: 0, completed: 0 });
  });

  it('repeated and comma-separated product_ids mean the same', async () => {
    const { interview, career } = t.ids.products;
    expect(await impactOf(`?product_ids=${interview}&product_ids=${career}`)).toEqual(
      await impactOf(`?product_ids=${interview},${career}`),
    );
  });

  it('students who no longer reach the session today are not counted again', async () => {
    const { interview, digital } = t.ids.products;
    const narrowed = await createSession(t, { title: 'Narrowed later', productIds: [interview, digital] });
    await t.request({
      method: 'POST',
      url: `${studentUrl}/${narrowed.id}/watch-progress`,
      as: 'outsider',
      payload: { watch_time_seconds: 1 },
    });
    await t.request({
      method: 'POST',
      url: `${studentUrl}/${narrowed.id}/watch-progress`,
      as: 'student',
      payload: { watch_time_seconds: 1 },
    });
    await t.request({ method: 'PATCH', url: `${adminUrl}/${narrowed.id}`, as: 'admin', payload: { product_ids: [interview] } });
    expect(await impactOf('', narrowed.id)).toMatchObject({ students_losing_access: 1, started: 1, completed: 0 });
  });

  it('is one statement, whatever the number of products and students', async () => {
    const { interview, career, digital } = t.ids.products;
    const { statements } = await countStatements(() => impactOf(`?product_ids=${interview},${career},${digital}`));
    expect(statements).toBe(1); // the caller's session is cached since signing in
  });

  it('answers 404 for an unknown session and 400 naming a malformed product id', async () => {
    const unknown = await t.request({ method: 'GET', url: `${adminUrl}/00000000-0000-4000-8000-000000000009/removal-impact`, as: 'admin' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('expert_sessions.not_found');
    const malformed = await t.request({
      method: 'GET',
      url: `${adminUrl}/${session.id}/removal-impact?product_ids=not-an-id`,
      as: 'admin',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.details.fields[0].path).toMatch(/^querystring\.product_ids/);
  });
});
