import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import type { Actor } from '../modules/auth/auth.guard.ts';
import { createSession } from '../modules/expert-sessions/admin/admin.usecases.ts';
import { recordProgress } from '../modules/expert-sessions/student/student.usecases.ts';
import { inspectVideoFile } from '../modules/expert-sessions/video-file.ts';
import { createStorage } from '../modules/storage/create-storage.ts';
import type { demoData } from './demo-data.ts';
import type { Seeded } from './seed-database.ts';

/** A 4-second test pattern, committed with the test fixtures; every demo session plays it. */
const sampleVideo = new URL('../../../test/fixtures/sample.mp4', import.meta.url).pathname;

type Ids = Seeded<typeof demoData>;
type ProductKey = keyof Ids['products'];
type StudentKey = 'priya' | 'liam' | 'amara' | 'diego' | 'hana' | 'noah';

const demoSessions: { title: string; description: string; products: ProductKey[]; watched: Partial<Record<StudentKey, number>> }[] = [
  {
    title: 'Answering behavioural questions with STAR',
    description: 'A recruiter takes three real questions apart: situation, task, action, result.',
    products: ['interview'],
    watched: { priya: 4, liam: 1 },
  },
  {
    title: 'Your CV in six seconds',
    description: 'What a hiring manager reads first, and what they never reach.',
    products: ['career', 'digital'],
    watched: { priya: 2, diego: 4, hana: 3 },
  },
  {
    title: 'Negotiating your first salary',
    description: 'Ranges, timing and the one sentence that keeps the door open.',
    products: ['interview', 'career'],
    watched: { amara: 1 },
  },
  {
    title: 'Working well in a remote team',
    description: 'Async updates, meeting etiquette and being visible without being loud.',
    products: ['digital'],
    watched: {},
  },
];

/** Demo expert sessions (shared by several products, all playing the sample video) and some students' progress. */
export async function seedDemoExpertSessions(db: Database, config: Config, ids: Ids) {
  const context = { db, storage: createStorage(config.storage) };
  const stagingDirectory = path.join(config.uploads.directory, 'staging');
  await fsp.mkdir(stagingDirectory, { recursive: true });
  for (const demo of demoSessions) {
    const staged = path.join(stagingDirectory, `demo-${crypto.randomUUID()}.mp4`);
    await fsp.copyFile(sampleVideo, staged);
    const session = await createSession(context, {
      title: demo.title,
      description: demo.description,
      productIds: demo.products.map((key) => ids.products[key]),
      video: () => inspectVideoFile(staged),
      actorId: ids.users.admin,
    });
    for (const [student, seconds] of Object.entries(demo.watched) as [StudentKey, number][]) {
      const actor: Actor = { id: ids.users[student], name: student, email: '', role: 'student', clientId: clientOf(ids, student) };
      await recordProgress(db, actor, session.id, { watchTimeSeconds: seconds, lastPositionSeconds: seconds });
    }
  }
}

function clientOf(ids: Ids, student: StudentKey) {
  return ['priya', 'liam', 'amara'].includes(student) ? ids.clients.northwind : ids.clients.contoso;
}
