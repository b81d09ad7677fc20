import { afterAll, beforeAll, expect, it } from 'vitest';
import type { z } from 'zod';
import { createTestApp, type TestApp } from '../../../../test/support/test-app.ts';
import { bootstrapData } from '../../seed/bootstrap.ts';
import * as repository from './student/student.repository.ts';
import type { adminSessionSchema } from './admin/admin.schemas.ts';
import * as usecases from './admin/admin.usecases.ts';

let t: TestApp<Record<never, never>>;
beforeAll(async () => {
  t = await createTestApp({});
  const hashPassword = async (password: string) => (await t.app.context.auth.$context).password.hash(password);
  await bootstrapData(t.db, hashPassword, t.app.context.config, () => {});
});
afterAll(() => t.close());

it('a fresh install shows demo sessions shared by products, with a playable video and some progress', async () => {
  const { items } = await usecases.listSessions(t.db, { limit: 50 });
  const sessions = items.map((item) => JSON.parse(item.json) as z.infer<typeof adminSessionSchema>);
  expect(sessions).toHaveLength(4);
  expect(sessions.some((session) => session.products.length > 1)).toBe(true);
  expect(sessions.every((session) => session.video_duration === 4)).toBe(true);
  expect(sessions.reduce((sum, session) => sum + session.completion_stats.viewers, 0)).toBe(6);
  expect(sessions.reduce((sum, session) => sum + session.completion_stats.completed_students, 0)).toBe(2);
  for (const { id } of sessions) {
    const { videoStorageKey } = (await repository.findViewableSession(t.db, id, undefined))!;
    expect(await t.app.context.storage.stat(videoStorageKey!)).toMatchObject({ contentType: 'video/mp4' });
  }
});
