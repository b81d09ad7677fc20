import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../../../test/support/test-app.ts';
import type { Storage } from '../../storage/storage.ts';
import {
  adminUrl,
  createSession,
  fixture,
  multipart,
  productIdsOf,
  sampleMp4,
  sessionTables,
  spec,
  stagedFiles,
  storedFiles,
  studentUrl,
  type SessionsTestApp,
} from '../expert-sessions.test-support.ts';

let t: SessionsTestApp;
let realStorage: Storage;
beforeAll(async () => {
  t = await createTestApp(spec);
  realStorage = t.app.context.storage;
});
afterAll(() => t.close());
afterEach(async () => {
  t.app.context.storage = realStorage;
  await t.db.execute(sql`drop function if exists injected_trigger() cascade`);
});

/** The storage, failing at one of its operations: the seam between the use case and the files. */
function storageFailingAt(operation: 'putFile' | 'put' | 'delete'): Storage {
  return {
    ...realStorage,
    [operation]: async () => {
      throw new Error(`Injected ${operation} failure`);
    },
  };
}

/** A database trigger that refuses one kind of write (or, deferred, the commit itself). */
async function failInDatabase(table: string, event: 'insert' | 'update' | 'delete', at: 'statement' | 'commit' = 'statement') {
  await t.db.execute(sql`create function injected_trigger() returns trigger language plpgsql as $$
    begin raise exception 'injected failure'; end $$`);
  const trigger =
    at === 'commit'
      ? `create constraint trigger injected_trigger after ${event} on ${table} deferrable initially deferred for each row execute function injected_trigger()`
      : `create trigger injected_trigger before ${event} on ${table} for each row execute function injected_trigger()`;
  await t.db.execute(sql.raw(trigger));
}

/** Everything a failed write must leave as it was: rows of the three tables and the stored files. */
async function state() {
  return { tables: await sessionTables(t.db), files: storedFiles(t) };
}

describe('a failure at any step of creating a session leaves nothing behind', () => {
  const steps = [
    {
      step: 'storing the video',
      inject: async () => {
        t.app.context.storage = storageFailingAt('putFile');
      },
    },
    {
      step: 'storing its poster',
      inject: async () => {
        t.app.context.storage = storageFailingAt('put');
      },
    },
    { step: 'inserting the session row', inject: () => failInDatabase('job_readiness_expert_sessions', 'insert') },
    { step: 'inserting the product links', inject: () => failInDatabase('job_readiness_expert_session_products', 'insert') },
    { step: 'committing', inject: () => failInDatabase('job_readiness_expert_session_products', 'insert', 'commit') },
  ];

  it.each(steps)('at $step: no row, no link, no file', async ({ inject }) => {
    await createSession(t, { title: 'Existing', productIds: [t.ids.products.interview] });
    const before = await state();
    await inject();
    const form = multipart({ title: 'Doomed', product_ids: JSON.stringify([t.ids.products.career]) }, { bytes: sampleMp4 });
    const response = await t.request({ method: 'POST', url: adminUrl, as: 'admin', ...form });
    expect(response.statusCode).toBe(500);
    expect(await state()).toEqual(before);
    expect(stagedFiles(t)).toEqual([]);
  });

  it('for unknown products, before any file is stored', async () => {
    const before = await state();
    const form = multipart({ title: 'Typo', product_ids: JSON.stringify(['00000000-0000-4000-8000-000000000009']) }, { bytes: sampleMp4 });
    const response = await t.request({ method: 'POST', url: adminUrl, as: 'admin', ...form });
    expect(response.statusCode).toBe(400);
    expect(await state()).toEqual(before);
    expect(stagedFiles(t)).toEqual([]);
  });
});

describe('a malformed multipart body answers 400 and leaves nothing behind', () => {
  const form = () => multipart({ title: 'Cut off', product_ids: JSON.stringify([t.ids.products.interview]) }, { bytes: sampleMp4 });
  const cutAt = (payload: Buffer, marker: string, offset = 0) => payload.subarray(0, payload.indexOf(marker) + offset);
  const bodies: { label: string; body: () => { payload: Buffer; headers: Record<string, string> } }[] = [
    { label: 'without a boundary', body: () => ({ payload: form().payload, headers: { 'content-type': 'multipart/form-data' } }) },
    { label: 'cut off in a text field', body: () => ({ ...form(), payload: cutAt(form().payload, 'Cut off', 3) }) },
    { label: 'cut off after the video part’s headers', body: () => ({ ...form(), payload: cutAt(form().payload, 'video/mp4', 13) }) },
    {
      label: 'cut off halfway through the video',
      body: () => ({ ...form(), payload: form().payload.subarray(0, form().payload.length - sampleMp4.length / 2) }),
    },
    { label: 'without its closing boundary', body: () => ({ ...form(), payload: form().payload.subarray(0, form().payload.length - 8) }) },
  ];

  it.each(bodies)('$label: 400 request.malformed_multipart, no row, no file', async ({ body }) => {
    const existing = await createSession(t, { title: 'Existing' });
    const before = await state();
    const { payload, headers } = body();
    const created = await t.request({ method: 'POST', url: adminUrl, as: 'admin', payload, headers });
    const changed = await t.request({ method: 'PATCH', url: `${adminUrl}/${existing.id}`, as: 'admin', payload, headers });
    for (const response of [created, changed]) {
      expect([response.statusCode, response.json()]).toEqual([
        400,
        { error: { code: 'request.malformed_multipart', message: 'The multipart body is malformed or incomplete.' } },
      ]);
    }
    expect(await state()).toEqual(before);
    expect(stagedFiles(t)).toEqual([]);
  });
});

describe('a failure at any step of a PATCH leaves the previous state exactly', () => {
  const replacement = () =>
    multipart(
      { title: 'Renamed', is_active: 'false', product_ids: JSON.stringify([t.ids.products.career, t.ids.products.digital]) },
      { bytes: fixture('sample.webm'), filename: 'new.webm' },
    );
  const steps = [
    {
      step: 'storing the new video',
      inject: async () => {
        t.app.context.storage = storageFailingAt('putFile');
      },
    },
    {
      step: 'storing its poster',
      inject: async () => {
        t.app.context.storage = storageFailingAt('put');
      },
    },
    { step: 'updating the session row', inject: () => failInDatabase('job_readiness_expert_sessions', 'update') },
    { step: 'removing links', inject: () => failInDatabase('job_readiness_expert_session_products', 'delete') },
    { step: 'adding links', inject: () => failInDatabase('job_readiness_expert_session_products', 'insert') },
    { step: 'committing', inject: () => failInDatabase('job_readiness_expert_sessions', 'update', 'commit') },
  ];

  it.each(steps)('at $step: rows and files unchanged, the old video still plays', async ({ inject }) => {
    const session = await createSession(t, { title: 'Original', productIds: [t.ids.products.interview] });
    const before = await state();
    await inject();
    const response = await t.request({ method: 'PATCH', url: `${adminUrl}/${session.id}`, as: 'admin', ...replacement() });
    expect(response.statusCode).toBe(500);
    expect(await state()).toEqual(before);
    expect(stagedFiles(t)).toEqual([]);
    t.app.context.storage = realStorage;
    const video = await t.request({ method: 'GET', url: `${studentUrl}/${session.id}/video`, as: 'admin' });
    expect(video.rawPayload.equals(sampleMp4)).toBe(true);
  });

  it('replaces the video: the new one and its poster are stored, the old ones removed after the commit', async () => {
    const session = await createSession(t, { title: 'Replace me', productIds: [t.ids.products.interview] });
    const filesBefore = storedFiles(t);
    const response = await t.request({ method: 'PATCH', url: `${adminUrl}/${session.id}`, as: 'staff', ...replacement() });
    expect(response.statusCode).toBe(200);
    expect(response.json().session).toMatchObject({
      title: 'Renamed',
      is_active: false,
      video_media_type: 'video/webm',
      video_duration: 3,
    });
    const filesAfter = storedFiles(t);
    const ofSession = (files: string[]) => files.filter((file) => file.startsWith(`expert-sessions/${session.id}/`));
    expect(ofSession(filesAfter)).toHaveLength(2);
    expect(ofSession(filesAfter)).toEqual(
      expect.arrayContaining([expect.stringMatching(/\.webm$/), expect.stringMatching(/\.poster\.jpg$/)]),
    );
    expect(ofSession(filesAfter).filter((file) => filesBefore.includes(file))).toEqual([]);
    expect(filesAfter.length).toBe(filesBefore.length);
  });

  it('a failure deleting the old file after the commit keeps the committed change', async () => {
    const session = await createSession(t, { title: 'Orphan', productIds: [t.ids.products.interview] });
    t.app.context.storage = storageFailingAt('delete');
    const response = await t.request({ method: 'PATCH', url: `${adminUrl}/${session.id}`, as: 'admin', ...replacement() });
    expect(response.statusCode).toBe(200);
    const video = await t.request({ method: 'GET', url: `${studentUrl}/${session.id}/video`, as: 'admin' });
    expect(video.rawPayload.equals(fixture('sample.webm'))).toBe(true);
  });
});

describe('concurrency', () => {
  it('two concurrent PATCHes of the product set end in one of the two sets, never a mix', async () => {
    const { interview, career, digital } = t.ids.products;
    const sets = [[interview, career], [digital]];
    // Slow link writes widen the window in which two unserialised transactions would interleave.
    await t.db.execute(sql`create function injected_trigger() returns trigger language plpgsql as $$
      begin perform pg_sleep(0.05); return new; end $$`);
    await t.db.execute(
      sql.raw(
        'create trigger slow_links before insert on job_readiness_expert_session_products for each row execute function injected_trigger()',
      ),
    );
    for (let round = 0; round < 5; round += 1) {
      const session = await createSession(t, { title: `Race ${round}`, productIds: [career] });
      const responses = await Promise.all(
        sets.map((product_ids) => t.request({ method: 'PATCH', url: `${adminUrl}/${session.id}`, as: 'admin', payload: { product_ids } })),
      );
      expect(responses.map((response) => response.statusCode)).toEqual([200, 200]);
      const final = (await t.request({ method: 'GET', url: `${adminUrl}/${session.id}`, as: 'admin' })).json().session;
      expect(sets.map((set) => [...set].sort())).toContainEqual(productIdsOf(final));
    }
  });

  it('concurrent progress saves of one student leave one row with the largest values', async () => {
    const session = await createSession(t, { title: 'Race progress', productIds: [t.ids.products.interview] });
    const saves = [1, 4, 2, 3, 0].map((seconds) =>
      t.request({
        method: 'POST',
        url: `${studentUrl}/${session.id}/watch-progress`,
        as: 'student',
        payload: { watch_time_seconds: seconds, milestone: seconds * 25 },
      }),
    );
    expect((await Promise.all(saves)).map((response) => response.statusCode)).toEqual([200, 200, 200, 200, 200]);
    const { progress } = await sessionTables(t.db);
    const rows = progress.filter((row) => row.expert_session_id === session.id);
    expect(rows).toHaveLength(1);
    // Seconds to the millisecond and percentages to the hundredth, as PostgreSQL writes numerics.
    expect(rows[0]).toMatchObject({
      watch_time_seconds: '4.000',
      completion_percentage: '100.00',
      is_completed: true,
      last_milestone_reached: 100,
    });
  });
});
