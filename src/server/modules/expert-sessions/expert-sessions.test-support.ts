// Shared by the expert-session test files: a seed, multipart forms, and views of the stored state.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { testPassword, type TestApp } from '../../../../test/support/test-app.ts';
import { rowsOf } from '../../../../test/support/test-database.ts';
import type { Database } from '../../db/database.ts';

export const fixture = (name: 'sample.mp4' | 'sample.webm' | 'sample.mov') =>
  fs.readFileSync(new URL(`../../../../test/fixtures/${name}`, import.meta.url));
export const sampleMp4 = fixture('sample.mp4');
/** English captions for the sample video, two cues. */
export const captionsFixture = fs.readFileSync(new URL('../../../../test/fixtures/sample.en.vtt', import.meta.url), 'utf8');
/** ffprobe measures the committed fixtures at 4 s (MP4), 3 s (WebM) and 2 s (QuickTime). */
export const sampleMp4Seconds = 4;

export const spec = {
  products: {
    interview: { name: 'Interview Ready' },
    career: { name: 'Career Launchpad' },
    digital: { name: 'Digital Skills' },
    course: { name: 'Excel Course', type: 'COURSE' },
  },
  clients: {
    northwind: { name: 'Northwind', products: ['interview', 'career'] },
    contoso: { name: 'Contoso', products: ['digital'] },
  },
  users: {
    admin: { email: 'admin@test.dev', name: 'Admin', role: 'admin', password: testPassword },
    staff: { email: 'staff@test.dev', name: 'Staff', role: 'staff', password: testPassword },
    mentor: { email: 'mentor@test.dev', name: 'Mentor', role: 'mentor', password: testPassword },
    student: { email: 'student@test.dev', name: 'Student', role: 'student', password: testPassword, client: 'northwind' },
    classmate: { email: 'classmate@test.dev', name: 'Classmate', role: 'student', password: testPassword, client: 'northwind' },
    outsider: { email: 'outsider@test.dev', name: 'Outsider', role: 'student', password: testPassword, client: 'contoso' },
  },
} as const;

export type SessionsTestApp = TestApp<typeof spec>;
export const adminUrl = '/api/admin/job-readiness/expert-sessions';
export const studentUrl = '/api/app/job-readiness/expert-sessions';
export const uploadsUrl = `${adminUrl}/uploads`;

type FormFile = { bytes: Buffer; filename?: string; contentType?: string };

/** A multipart/form-data body; array values become repeated fields. */
export function multipart(fields: Record<string, string | string[]>, file?: FormFile, fileField = 'video_file') {
  const boundary = `----jobready${crypto.randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${item}\r\n`));
    }
  }
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${fileField}"; filename="${file.filename ?? 'talk.mp4'}"\r\n` +
          `Content-Type: ${file.contentType ?? 'video/mp4'}\r\n\r\n`,
      ),
      file.bytes,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** Creates a session through the multipart endpoint and returns its JSON. */
export async function createSession(
  t: SessionsTestApp,
  { title = 'A talk', productIds = [] as string[], video = sampleMp4, as = 'admin' as const } = {},
) {
  const form = multipart({ title, description: `About ${title}`, product_ids: JSON.stringify(productIds) }, { bytes: video });
  const response = await t.request({ method: 'POST', url: adminUrl, as, ...form });
  if (response.statusCode !== 201) throw new Error(`Creating "${title}" failed: ${response.statusCode} ${response.body}`);
  return response.json().session as AdminSession;
}

/** PUTs a captions file (`text/vtt`) for a session in one language. */
export function putCaptions(
  t: SessionsTestApp,
  sessionId: string,
  language: string,
  text: string,
  as: keyof SessionsTestApp['ids']['users'] = 'admin',
) {
  return t.request({
    method: 'PUT',
    url: `${adminUrl}/${sessionId}/captions/${language}`,
    as,
    headers: { 'content-type': 'text/vtt' },
    payload: text,
  });
}

export type AdminSession = {
  id: string;
  title: string;
  description: string | null;
  poster_url: string | null;
  captions: { language: string; label: string; url: string; size_bytes: number; updated_at: string }[];
  is_active: boolean;
  deleted_at: string | null;
  video_duration: number;
  video_size_bytes: number;
  video_media_type: string;
  products: { id: string; name: string; type: string }[];
  completion_stats: Record<string, number>;
};

export const productIdsOf = (session: { products: { id: string }[] }) => session.products.map((product) => product.id).sort();

/** Every file under the app's storage folder, relative to it (the local driver's objects). */
export function storedFiles(t: SessionsTestApp) {
  const root = path.join(t.dataDir, 'storage');
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true }) as string[])
    .filter((name) => fs.statSync(path.join(root, name)).isFile() && !name.endsWith('.type'))
    .sort();
}

/** Files left in the upload staging folders (should be none once requests are answered), heartbeats aside. */
export function stagedFiles(t: SessionsTestApp) {
  const root = path.join(t.dataDir, 'uploads', 'staging');
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true }) as string[])
    .filter((name) => fs.statSync(path.join(root, name)).isFile() && path.basename(name) !== '.heartbeat')
    .sort();
}

/** A session's product links, with their exact creation time. */
export const linkRows = (db: Database, sessionId: string) =>
  rowsOf<{ product_id: string; created_at: string }>(
    db,
    sql`select product_id, created_at::text as created_at from job_readiness_expert_session_products
        where expert_session_id = ${sessionId} order by product_id`,
  );

/** The rows of the three expert-session tables, for before/after comparisons. */
export async function sessionTables(db: Database) {
  return {
    sessions: await rowsOf(db, sql`select * from job_readiness_expert_sessions order by id`),
    links: await rowsOf(db, sql`select * from job_readiness_expert_session_products order by expert_session_id, product_id`),
    progress: await rowsOf(db, sql`select * from job_readiness_expert_session_progress order by id`),
  };
}
