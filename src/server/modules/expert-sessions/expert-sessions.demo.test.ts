import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/support/test-app.ts';
import { bootstrapData } from '../../seed/bootstrap.ts';
import * as usecases from './expert-sessions.usecases.ts';

let t: TestApp<{}>;
beforeAll(async () => {
  t = await createTestApp({});
  const hashPassword = async (password: string) => (await t.app.context.auth.$context).password.hash(password);
  await bootstrapData(t.db, hashPassword, t.app.context.config, () => {});
});
afterAll(() => t.close());

it('a fresh install shows demo sessions shared by products, with a playable video and some progress', async () => {
  const { items } = await usecases.listSessions(t.db, { limit: 50 });
  expect(items).toHaveLength(4);
  expect(items.some((item) => item.products.length > 1)).toBe(true);
  expect(items.every((item) => item.session.videoDuration === 4)).toBe(true);
  expect(items.reduce((sum, item) => sum + item.completionStats.viewers, 0)).toBe(6);
  expect(items.reduce((sum, item) => sum + item.completionStats.completed_students, 0)).toBe(2);
  for (const { session } of items) {
    expect(await t.app.context.storage.stat(session.videoStorageKey!)).toMatchObject({ contentType: 'video/mp4' });
  }
});
