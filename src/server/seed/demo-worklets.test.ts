import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { demoData } from './demo-data.ts';
import { seedDemoWorklets } from './demo-worklets.ts';

let t: TestApp<typeof demoData>;
beforeAll(async () => {
  t = await createTestApp(demoData);
  await seedDemoWorklets(t.db, t.ids);
});
afterAll(() => t.close());

const summary = (worklets: { cert_id: string; mentors: { name: string; role_type: string }[]; student_count: number }[]) =>
  Object.fromEntries(worklets.map((w) => [w.cert_id, [w.mentors.map((m) => `${m.name}:${m.role_type}`).join(', '), w.student_count]]));

it('gives every role demo worklets to look at', async () => {
  const all = (await t.request({ method: 'GET', url: '/api/worklets', as: 'admin' })).json().worklets;
  // Newest first, in the order the seed wrote them, on every run (the screenshots show this list).
  expect(all.map((w: { cert_id: string }) => w.cert_id)).toEqual(['25CTS02WT', '25CTS01WT', '25NWD02WT', '25NWD01WT']);
  expect(summary(all)).toEqual({
    '25NWD01WT': ['Maya Mentor:Primary, Omar Mentor:Secondary', 2],
    '25NWD02WT': ['Omar Mentor:Primary, Maya Mentor:Collaborator', 2],
    '25CTS01WT': ['Maya Mentor:Primary', 3],
    '25CTS02WT': ['Maya Mentor:Primary, Omar Mentor:Secondary', 1],
  });
  const priya = (await t.request({ method: 'GET', url: '/api/worklets', as: 'priya' })).json().worklets;
  expect(Object.keys(summary(priya)).sort()).toEqual(['25NWD01WT', '25NWD02WT']);
  const omar = (
    await t.request({ method: 'GET', url: `/api/worklets/mentor/${t.ids.users.mentorOmar}/overview`, as: 'mentorOmar' })
  ).json();
  expect(omar.overview).toMatchObject({ total: 3, by_role: { Primary: 1, Secondary: 2, Collaborator: 0 } });
});

it('leaves some history: a deactivation and a Primary handover', async () => {
  const all = (await t.request({ method: 'GET', url: '/api/worklets', as: 'staff' })).json().worklets as { id: string; cert_id: string }[];
  const history = async (certId: string) => {
    const id = all.find((w) => w.cert_id === certId)!.id;
    const response = await t.request({ method: 'GET', url: `/api/worklets/${id}/mentors/history`, as: 'staff' });
    return response.json().history.map((h: { action: string; mentor: { name: string } }) => `${h.action} ${h.mentor.name}`);
  };
  expect(await history('25CTS01WT')).toEqual(['assigned Maya Mentor', 'assigned Omar Mentor', 'deactivated Omar Mentor']);
  expect(await history('25CTS02WT')).toEqual(['assigned Omar Mentor', 'role_changed Omar Mentor', 'assigned Maya Mentor']);
});
