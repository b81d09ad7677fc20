import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, testPassword, type TestApp } from '../../../../test/support/test-app.ts';

const spec = {
  products: { interview: { name: 'Interview Ready' }, career: { name: 'Career Launchpad', type: 'COURSE' } },
  clients: { acme: { name: 'Acme', products: ['interview'] } },
  users: {
    admin: { email: 'admin@test.dev', name: 'Admin', role: 'admin', password: testPassword },
    staff: { email: 'staff@test.dev', name: 'Staff', role: 'staff', password: testPassword },
    student: { email: 'student@test.dev', name: 'Student', role: 'student', password: testPassword, client: 'acme' },
  },
} as const;

let t: TestApp<typeof spec>;
beforeAll(async () => {
  t = await createTestApp(spec);
});
afterAll(() => t.close());

describe('products API', () => {
  it('lets staff create, change and delete products', async () => {
    const created = await t.request({
      method: 'POST',
      url: '/api/admin/products',
      as: 'staff',
      payload: { name: '  Resume Clinic  ', description: 'CV reviews' },
    });
    expect(created.statusCode).toBe(201);
    const product = created.json().product;
    expect(product).toMatchObject({ name: 'Resume Clinic', type: 'JOB_READINESS', description: 'CV reviews' });
    const url = `/api/admin/products/${product.id}`;
    const changed = await t.request({ method: 'PATCH', url, as: 'staff', payload: { name: 'Resume Lab' } });
    expect(changed.json().product.name).toBe('Resume Lab');
    expect((await t.request({ method: 'DELETE', url, as: 'staff' })).statusCode).toBe(204);
    expect((await t.request({ method: 'GET', url, as: 'staff' })).statusCode).toBe(404);
  });

  it('filters by type and searches by name', async () => {
    const courses = (await t.request({ method: 'GET', url: '/api/admin/products?type=COURSE', as: 'admin' })).json();
    expect(courses.products.map((p: { name: string }) => p.name)).toEqual(['Career Launchpad']);
    const found = (await t.request({ method: 'GET', url: '/api/admin/products?search=interv', as: 'admin' })).json();
    expect(found.products.map((p: { name: string }) => p.name)).toEqual(['Interview Ready']);
  });

  it('keeps names unique per type whatever their case: 409 naming the field, nothing written', async () => {
    const create = (name: string, type?: string) =>
      t.request({ method: 'POST', url: '/api/admin/products', as: 'admin', payload: { name, type } });
    for (const name of ['Interview Ready', 'interview ready', '  INTERVIEW READY ']) {
      const taken = await create(name);
      expect(taken.statusCode, name).toBe(409);
      expect(taken.json().error).toMatchObject({
        code: 'products.name_taken',
        message: expect.stringContaining('already has this name'),
        details: { fields: [{ path: 'body.name' }] },
      });
    }
    // Another type may have it.
    const course = await create('Interview Ready', 'COURSE');
    expect(course.statusCode).toBe(201);
    const renamed = await t.request({
      method: 'PATCH',
      url: `/api/admin/products/${t.ids.products.career}`,
      as: 'admin',
      payload: { name: 'interview ready' },
    });
    expect(renamed.statusCode).toBe(409);
    const retyped = await t.request({
      method: 'PATCH',
      url: `/api/admin/products/${course.json().product.id}`,
      as: 'admin',
      payload: { type: 'JOB_READINESS' },
    });
    expect(retyped.statusCode).toBe(409);
    const names = (await t.request({ method: 'GET', url: '/api/admin/products?search=interview', as: 'admin' })).json().products;
    expect(names.map((p: { name: string; type: string }) => `${p.name} ${p.type}`).sort()).toEqual([
      'Interview Ready COURSE',
      'Interview Ready JOB_READINESS',
    ]);
    expect((await t.request({ method: 'DELETE', url: `/api/admin/products/${course.json().product.id}`, as: 'admin' })).statusCode).toBe(
      204,
    );
  });

  it('rejects an unknown type and an empty change', async () => {
    const badType = await t.request({ method: 'POST', url: '/api/admin/products', as: 'admin', payload: { name: 'X', type: 'NOPE' } });
    expect(badType.statusCode).toBe(400);
    expect(badType.json().error.details.fields[0].path).toBe('body.type');
    const empty = await t.request({ method: 'PATCH', url: `/api/admin/products/${t.ids.products.career}`, as: 'admin', payload: {} });
    expect(empty.statusCode).toBe(400);
  });

  it('lists a changed product by its new name and type (its summary is stored with it)', async () => {
    const url = `/api/admin/products/${t.ids.products.interview}`;
    await t.request({ method: 'PATCH', url, as: 'admin', payload: { name: 'Interview Lab', type: 'COURSE' } });
    const client = (await t.request({ method: 'GET', url: `/api/admin/clients/${t.ids.clients.acme}`, as: 'admin' })).json();
    expect(client.client.products).toEqual([{ id: t.ids.products.interview, name: 'Interview Lab', type: 'COURSE' }]);
    await t.request({ method: 'PATCH', url, as: 'admin', payload: { name: 'Interview Ready', type: 'JOB_READINESS' } });
  });

  it('removes client links when a product is deleted', async () => {
    expect((await t.request({ method: 'DELETE', url: `/api/admin/products/${t.ids.products.interview}`, as: 'admin' })).statusCode).toBe(
      204,
    );
    const client = (await t.request({ method: 'GET', url: `/api/admin/clients/${t.ids.clients.acme}`, as: 'admin' })).json();
    expect(client.client.products).toEqual([]);
  });

  it('is closed to students', async () => {
    expect((await t.request({ method: 'GET', url: '/api/admin/products', as: 'student' })).statusCode).toBe(403);
  });
});

describe('GET /api/me', () => {
  it("gives a student their client's products only", async () => {
    const me = (await t.request({ method: 'GET', url: '/api/me', as: 'student' })).json().user;
    expect(me.role).toBe('student');
    expect(me.client.name).toBe('Acme');
    expect(me.products.every((p: { name: string }) => p.name !== 'Career Launchpad')).toBe(true);
  });

  it('needs a signed-in user', async () => {
    expect((await t.request({ method: 'GET', url: '/api/me' })).statusCode).toBe(401);
  });
});
