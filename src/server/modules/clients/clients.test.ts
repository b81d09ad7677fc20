import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableRowCounts } from '../../../../test/support/row-counts.ts';
import { createTestApp, testPassword, type TestApp } from '../../../../test/support/test-app.ts';
import { testEngine } from '../../../../test/support/test-database.ts';

const spec = {
  products: {
    interview: { name: 'Interview Ready' },
    career: { name: 'Career Launchpad' },
    digital: { name: 'Digital Skills' },
  },
  clients: {
    northwind: { name: 'Northwind', products: ['interview', 'career'] },
    empty: { name: 'Empty Org' },
  },
  users: {
    admin: { email: 'admin@test.dev', name: 'Admin', role: 'admin', password: testPassword },
    staff: { email: 'staff@test.dev', name: 'Staff', role: 'staff', password: testPassword },
    mentor: { email: 'mentor@test.dev', name: 'Mentor', role: 'mentor', password: testPassword },
    student: { email: 'student@test.dev', name: 'Student', role: 'student', password: testPassword, client: 'northwind' },
  },
} as const;

let t: TestApp<typeof spec>;
beforeAll(async () => {
  t = await createTestApp(spec);
});
afterAll(() => t.close());

const productIdsOf = (body: { client: { products: { id: string }[] } }) => body.client.products.map((p) => p.id).sort();

describe('clients API', () => {
  it('lists clients by name with their products and student counts', async () => {
    const response = await t.request({ method: 'GET', url: '/api/admin/clients', as: 'admin' });
    expect(response.statusCode).toBe(200);
    const { clients, next_cursor } = response.json();
    expect(clients.map((c: { name: string }) => c.name)).toEqual(['Empty Org', 'Northwind']);
    expect(clients[1].products.map((p: { name: string }) => p.name)).toEqual(['Career Launchpad', 'Interview Ready']);
    expect(clients[1].student_count).toBe(1);
    expect(next_cursor).toBeNull();
  });

  it('pages with a cursor', async () => {
    const first = (await t.request({ method: 'GET', url: '/api/admin/clients?limit=1', as: 'admin' })).json();
    expect(first.clients).toHaveLength(1);
    const second = (await t.request({ method: 'GET', url: `/api/admin/clients?limit=1&cursor=${first.next_cursor}`, as: 'admin' })).json();
    expect(second.clients.map((c: { name: string }) => c.name)).toEqual(['Northwind']);
    expect(second.next_cursor).toBeNull();
  });

  it('replaces the product set as one difference', async () => {
    const url = `/api/admin/clients/${t.ids.clients.northwind}/products`;
    const wanted = [t.ids.products.career, t.ids.products.digital, t.ids.products.digital];
    const response = await t.request({ method: 'PUT', url, as: 'staff', payload: { product_ids: wanted } });
    expect(response.statusCode).toBe(200);
    expect(productIdsOf(response.json())).toEqual([t.ids.products.career, t.ids.products.digital].sort());
  });

  it('rejects unknown product ids, naming them, and writes nothing', async () => {
    const url = `/api/admin/clients/${t.ids.clients.empty}/products`;
    const unknown = '00000000-0000-4000-8000-000000000000';
    const response = await t.request({
      method: 'PUT',
      url,
      as: 'admin',
      payload: { product_ids: [t.ids.products.interview, unknown] },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'products.unknown_ids', details: { product_ids: [unknown] } });
    const client = (await t.request({ method: 'GET', url: `/api/admin/clients/${t.ids.clients.empty}`, as: 'admin' })).json();
    expect(client.client.products).toEqual([]);
  });

  it('validates input and names the field at fault', async () => {
    const response = await t.request({ method: 'POST', url: '/api/admin/clients', as: 'admin', payload: { name: '   ' } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('validation.failed');
    expect(response.json().error.details.fields[0].path).toBe('body.name');
  });

  it('refuses a duplicate name with 409', async () => {
    const response = await t.request({ method: 'POST', url: '/api/admin/clients', as: 'admin', payload: { name: 'Northwind' } });
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe('clients.name_taken');
  });

  it('refuses to delete a client that has students, and deletes one that has none', async () => {
    const refused = await t.request({ method: 'DELETE', url: `/api/admin/clients/${t.ids.clients.northwind}`, as: 'admin' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('clients.has_students');
    const created = await t.request({ method: 'POST', url: '/api/admin/clients', as: 'admin', payload: { name: 'Temporary' } });
    const id = created.json().client.id;
    expect((await t.request({ method: 'DELETE', url: `/api/admin/clients/${id}`, as: 'admin' })).statusCode).toBe(204);
    const gone = await t.request({ method: 'GET', url: `/api/admin/clients/${id}`, as: 'admin' });
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.code).toBe('clients.not_found');
  });

  it.each([
    { caller: 'anonymous', as: undefined, status: 401 },
    { caller: 'a student', as: 'student', status: 403 },
    { caller: 'a mentor', as: 'mentor', status: 403 },
  ] as const)('answers $caller with $status', async ({ as, status }) => {
    const response = await t.request({ method: 'GET', url: '/api/admin/clients', as });
    expect(response.statusCode).toBe(status);
  });

  it('lets only admins create clients', async () => {
    const response = await t.request({ method: 'POST', url: '/api/admin/clients', as: 'staff', payload: { name: 'By staff' } });
    expect(response.statusCode).toBe(403);
  });
});

describe("a product deleted while a client's product set is replaced", () => {
  const productIdsOfClient = async (id: string) =>
    productIdsOf((await t.request({ method: 'GET', url: `/api/admin/clients/${id}`, as: 'admin' })).json());
  const expectUnknownProduct = (response: { statusCode: number; json(): { error: unknown } }) => {
    expect([response.statusCode, response.json().error]).toEqual([
      400,
      {
        code: 'products.unknown_ids',
        message: 'Some product ids do not exist.',
        details: { fields: [{ path: 'body.product_ids', message: 'Does not exist' }] },
      },
    ]);
  };

  // The deletion lands between the check of the ids and the write of the links: here a trigger
  // deletes the product just before its link is inserted, on both engines.
  it('answers 400 products.unknown_ids naming product_ids, and writes nothing', async () => {
    const doomed = (
      await t.request({ method: 'POST', url: '/api/admin/products', as: 'admin', payload: { name: 'Doomed', type: 'COURSE' } })
    ).json().product.id;
    await t.db.execute(sql`create function delete_product_first() returns trigger language plpgsql as $$
      begin delete from products where id = new.product_id; return new; end $$`);
    await t.db.execute(sql`create trigger delete_product_first before insert on client_product_assignments
      for each row when (new.product_id = ${sql.raw(`'${doomed}'`)}::uuid) execute function delete_product_first()`);
    try {
      const before = await tableRowCounts(t.db);
      const response = await t.request({
        method: 'PUT',
        url: `/api/admin/clients/${t.ids.clients.empty}/products`,
        as: 'admin',
        payload: { product_ids: [t.ids.products.digital, doomed] },
      });
      expectUnknownProduct(response);
      expect(await tableRowCounts(t.db)).toEqual(before);
      expect(await productIdsOfClient(t.ids.clients.empty)).toEqual([]);
    } finally {
      await t.db.execute(sql`drop trigger delete_product_first on client_product_assignments`);
      await t.db.execute(sql`drop function delete_product_first()`);
    }
  });

  // Needs a second connection holding an open transaction, which PGlite (one connection) cannot have.
  if (testEngine === 'postgres') {
    it('answers the same when another connection deletes the product and commits mid-request', async () => {
      const doomed = (
        await t.request({ method: 'POST', url: '/api/admin/products', as: 'admin', payload: { name: 'Raced', type: 'COURSE' } })
      ).json().product.id;
      let commit!: () => void;
      const committed = new Promise<void>((resolve) => (commit = resolve));
      let deleted!: () => void;
      const deletedYet = new Promise<void>((resolve) => (deleted = resolve));
      const deleter = t.db.transaction(async (tx) => {
        await tx.execute(sql`delete from products where id = ${doomed}`);
        deleted();
        await committed;
      });
      await deletedYet;
      // The request still sees the product (the delete is not committed), then its link waits for the row lock.
      const request = t.request({
        method: 'PUT',
        url: `/api/admin/clients/${t.ids.clients.empty}/products`,
        as: 'admin',
        payload: { product_ids: [t.ids.products.digital, doomed] },
      });
      await waitForLockWait();
      commit();
      await deleter;
      expectUnknownProduct(await request);
      expect(await productIdsOfClient(t.ids.clients.empty)).toEqual([]);
    });
  }
});

/** Until a backend of the test's database waits on a lock (PostgreSQL only). */
async function waitForLockWait() {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const { rows } = (await t.db.execute(
      sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
    )) as unknown as { rows: { n: number }[] };
    if (rows[0]!.n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('No backend ever waited on a lock');
}
