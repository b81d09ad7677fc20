import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { createTestApp, testPassword, type TestApp } from '../../../../test/support/test-app.ts';
import { rowsOf } from '../../../../test/support/test-database.ts';

/** The people and programmes every worklet test file starts from. */
export const workletSpec = {
  products: {
    interview: { name: 'Interview Ready' },
    digital: { name: 'Digital Skills' },
  },
  clients: {
    northwind: { name: 'Northwind', products: ['interview'] },
    contoso: { name: 'Contoso', products: ['digital'] },
  },
  users: {
    admin: { email: 'admin@test.dev', name: 'Admin', role: 'admin', password: testPassword },
    staff: { email: 'staff@test.dev', name: 'Staff', role: 'staff', password: testPassword },
    maya: { email: 'maya@test.dev', name: 'Maya', role: 'mentor', password: testPassword },
    omar: { email: 'omar@test.dev', name: 'Omar', role: 'mentor', password: testPassword },
    lena: { email: 'lena@test.dev', name: 'Lena', role: 'mentor', password: testPassword },
    priya: { email: 'priya@test.dev', name: 'Priya', role: 'student', password: testPassword, client: 'northwind' },
    liam: { email: 'liam@test.dev', name: 'Liam', role: 'student', password: testPassword, client: 'northwind' },
    diego: { email: 'diego@test.dev', name: 'Diego', role: 'student', password: testPassword, client: 'contoso' },
  },
} as const;

export type WorkletTestApp = TestApp<typeof workletSpec> & {
  /** Creates a worklet (as staff) on a product, 201 expected; returns its id. */
  createWorklet(overrides?: Record<string, unknown>): Promise<string>;
  /** POST assign-mentor as staff; returns the response. */
  assign(
    workletId: string,
    mentor: Mentor,
    roleType: string,
    extra?: Record<string, unknown>,
  ): ReturnType<TestApp<typeof workletSpec>['request']>;
};

export type Mentor = 'maya' | 'omar' | 'lena';

let certCounter = 0;

export async function createWorkletTestApp(): Promise<WorkletTestApp> {
  const t = await createTestApp(workletSpec);
  return Object.assign(t, {
    async createWorklet(overrides: Record<string, unknown> = {}) {
      certCounter += 1;
      const payload = {
        cert_id: `25TST${String(certCounter).padStart(2, '0')}WT`,
        title: `Worklet ${certCounter}`,
        product_id: t.ids.products.interview,
        ...overrides,
      };
      const response = await t.request({ method: 'POST', url: '/api/worklets', as: 'staff', payload });
      expect(response.statusCode, response.body).toBe(201);
      return response.json().worklet.id as string;
    },
    assign(workletId: string, mentor: Mentor, roleType: string, extra: Record<string, unknown> = {}) {
      return t.request({
        method: 'POST',
        url: `/api/worklets/${workletId}/assign-mentor`,
        as: 'staff',
        payload: { mentor_id: t.ids.users[mentor], role_type: roleType, ...extra },
      });
    },
  });
}

/** Until a backend of the test's database waits on a lock (PostgreSQL only). */
export async function waitForLockWait(t: WorkletTestApp) {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const [waiting] = await rowsOf<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
    );
    if (waiting!.n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('No backend ever waited on a lock');
}
