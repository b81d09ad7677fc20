// The data the fuzz test attacks: one user of each role with realistic related data, the ids the
// generators draw from, and the state that no bad request may change (table rows and files).
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { createTestApp, testPassword, type TestApp } from '../support/test-app.ts';
import { rowsOf } from '../support/test-database.ts';

export const worldSpec = {
  products: {
    interview: { name: 'Interview Ready', description: 'Mock interviews and feedback' },
    career: { name: 'Career Launchpad' },
    digital: { name: 'Digital Skills' },
    excel: { name: 'Excel Course', type: 'COURSE' },
  },
  clients: {
    northwind: { name: 'Northwind University', products: ['interview', 'career'] },
    contoso: { name: 'Contoso College', products: ['digital'] },
    dormant: { name: 'Dormant Institute', isActive: false, products: ['interview'] },
  },
  users: {
    admin: { email: 'admin@fuzz.test', name: 'Ada Admin', role: 'admin', password: testPassword },
    staff: { email: 'staff@fuzz.test', name: 'Sam Staff', role: 'staff', password: testPassword },
    mentor: { email: 'maya@fuzz.test', name: 'Maya Mentor', role: 'mentor', password: testPassword },
    omar: { email: 'omar@fuzz.test', name: 'Omar Mentor', role: 'mentor', password: testPassword },
    student: { email: 'priya@northwind.test', name: 'Priya Patel', role: 'student', password: testPassword, client: 'northwind' },
    liam: { email: 'liam@northwind.test', name: 'Liam Lee', role: 'student', password: testPassword, client: 'northwind' },
    diego: { email: 'diego@contoso.test', name: 'Diego Díaz', role: 'student', password: testPassword, client: 'contoso' },
    gone: {
      email: 'gone@northwind.test',
      name: 'Gone Student',
      role: 'student',
      password: testPassword,
      client: 'northwind',
      disabled: true,
    },
  },
} as const;

export const roles = ['anonymous', 'student', 'mentor', 'staff', 'admin'] as const;
export type Role = (typeof roles)[number];

export type WorldApp = TestApp<typeof worldSpec>;

/** Ids by kind, for generators that fill a field with a real id (so that the one fault is what is wrong). */
export type IdPools = {
  products: string[];
  clients: string[];
  users: string[];
  mentors: string[];
  students: string[];
  worklets: string[];
  sessions: string[];
  /** The admin's resumable uploads: one finished, one not. */
  uploads: string[];
};

export type World = { t: WorldApp; pools: IdPools; headersOf(role: Role): Promise<Record<string, string>> };

const tus = { 'tus-resumable': '1.0.0' };
const sampleMp4 = fs.readFileSync(new URL('../fixtures/sample.mp4', import.meta.url));

export async function createWorld(): Promise<World> {
  const t = await createTestApp(worldSpec);
  const { products, clients, users } = t.ids;
  const ok = async (response: Promise<LightMyRequestResponse>, status: number) => {
    const answered = await response;
    if (answered.statusCode !== status) throw new Error(`Setting up the fuzz world: ${answered.statusCode} ${answered.body}`);
    return answered;
  };

  const sessions: string[] = [];
  for (const [title, productIds] of [
    ['Answering behavioural questions', [products.interview, products.career]],
    ['Negotiating an offer', [products.digital]],
    ['An old talk', [products.interview]],
  ] as const) {
    const form = multipartForm({ title, description: `About ${title}`, product_ids: JSON.stringify(productIds) }, sampleMp4);
    const created = await ok(t.request({ method: 'POST', url: '/api/admin/job-readiness/expert-sessions', as: 'admin', ...form }), 201);
    sessions.push(created.json().session.id);
  }
  await ok(t.request({ method: 'DELETE', url: `/api/admin/job-readiness/expert-sessions/${sessions[2]}`, as: 'staff' }), 204);
  await ok(
    t.request({
      method: 'POST',
      url: `/api/app/job-readiness/expert-sessions/${sessions[0]}/watch-progress`,
      as: 'student',
      payload: { watch_time_seconds: 2, last_position_seconds: 2, trigger_type: 'pause' },
    }),
    200,
  );

  const worklets: string[] = [];
  for (const [certId, productId, status] of [
    ['25FUZ01WT', products.interview, 'ongoing'],
    ['25FUZ02WT', products.digital, 'draft'],
    ['25FUZ03WT', products.interview, 'completed'],
  ] as const) {
    const payload = {
      cert_id: certId,
      title: `Worklet ${certId}`,
      product_id: productId,
      status,
      start_date: '2026-01-12',
      end_date: '2026-02-06',
    };
    worklets.push((await ok(t.request({ method: 'POST', url: '/api/worklets', as: 'staff', payload }), 201)).json().worklet.id);
  }
  const [ongoing, draft, completed] = worklets as [string, string, string];
  const assign = (id: string, mentor: string, role: string) =>
    ok(
      t.request({ method: 'POST', url: `/api/worklets/${id}/assign-mentor`, as: 'staff', payload: { mentor_id: mentor, role_type: role } }),
      201,
    );
  await assign(ongoing, users.mentor, 'Primary');
  await assign(ongoing, users.omar, 'Secondary');
  await assign(draft, users.omar, 'Primary');
  await assign(completed, users.mentor, 'Collaborator');
  await assign(completed, users.omar, 'Primary');
  await ok(
    t.request({ method: 'DELETE', url: `/api/worklets/${completed}/mentors/${users.mentor}?reason=Term%20ended`, as: 'staff' }),
    200,
  );
  const team = (id: string, students: string[]) =>
    ok(t.request({ method: 'PUT', url: `/api/worklets/${id}/students`, as: 'staff', payload: { student_ids: students } }), 200);
  await team(ongoing, [users.student, users.liam]);
  await team(draft, [users.diego]);

  const finished = await createUpload(t, sampleMp4, sampleMp4.length);
  const unfinished = await createUpload(t, sampleMp4, 1000);

  const pools: IdPools = {
    products: Object.values(products),
    clients: Object.values(clients),
    users: Object.values(users),
    mentors: [users.mentor, users.omar],
    students: [users.student, users.liam, users.diego, users.gone],
    worklets,
    sessions,
    uploads: [finished, unfinished],
  };
  return {
    t,
    pools,
    async headersOf(role) {
      return role === 'anonymous' ? {} : t.signIn(role);
    },
  };
}

/** A tus upload of the admin's with the first `sent` bytes of `bytes` written; returns its id. */
async function createUpload(t: WorldApp, bytes: Buffer, sent: number) {
  const url = '/api/admin/job-readiness/expert-sessions/uploads';
  const created = await t.request({ method: 'POST', url, as: 'admin', headers: { ...tus, 'upload-length': String(bytes.length) } });
  if (created.statusCode !== 201) throw new Error(`Creating an upload: ${created.statusCode} ${created.body}`);
  const location = created.headers.location as string;
  const headers = { ...tus, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' };
  const patched = await t.request({ method: 'PATCH', url: location, as: 'admin', headers, payload: bytes.subarray(0, sent) });
  if (patched.statusCode !== 204) throw new Error(`Writing an upload: ${patched.statusCode} ${patched.body}`);
  return location.split('/').at(-1)!;
}

export function multipartForm(fields: Record<string, string>, video: Buffer) {
  const boundary = '----jobreadyfuzzworld';
  const parts = Object.entries(fields).map(
    ([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  const payload = Buffer.concat([
    Buffer.from(parts.join('')),
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="video_file"; filename="talk.mp4"\r\nContent-Type: video/mp4\r\n\r\n`,
    ),
    video,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/**
 * What no bad request may change: the rows of every table of the public schema, and the files of the
 * data dir. Except `sign_in_attempts`: the throttle counts each sign-in before the password is
 * checked, gives it back unless the answer is a wrong password, and keeps the key's row until its
 * window ends (decision 022).
 */
export type WorldState = { rows: Record<string, number>; files: Record<string, number> };

export async function stateReader(t: WorldApp) {
  const tables = (
    await rowsOf<{ name: string }>(
      t.db,
      sql`select table_name as name from information_schema.tables
          where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> 'sign_in_attempts'
          order by table_name`,
    )
  ).map((row) => row.name);
  // One row of counts, one statement: it runs after every generated request.
  const counting = sql`select ${sql.join(
    tables.map((name) => sql`(select count(*) from ${sql.identifier(name)})::int as ${sql.identifier(name)}`),
    sql`, `,
  )}`;
  return {
    tables,
    async read(): Promise<WorldState> {
      const [rows] = await rowsOf<Record<string, number>>(t.db, counting);
      return { rows: rows!, files: filesUnder(t.dataDir) };
    },
  };
}

/** Every file under the data dir with its size (stored videos, tus uploads, staged files). */
function filesUnder(root: string): Record<string, number> {
  const files: Record<string, number> = {};
  for (const name of fs.readdirSync(root, { recursive: true }) as string[]) {
    const stats = fs.statSync(path.join(root, name), { throwIfNoEntry: false });
    if (stats?.isFile()) files[name] = stats.size;
  }
  return files;
}

/** The differences between two states, in words; empty when they are the same. */
export function stateChanges(before: WorldState, after: WorldState): string[] {
  const changes: string[] = [];
  for (const [kind, a, b] of [
    ['rows of', before.rows, after.rows],
    ['file', before.files, after.files],
  ] as const) {
    for (const name of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (a[name] !== b[name]) changes.push(`${kind} ${name}: ${a[name] ?? 'none'} → ${b[name] ?? 'none'}`);
    }
  }
  return changes;
}
