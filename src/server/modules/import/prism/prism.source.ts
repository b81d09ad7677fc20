import mysql from 'mysql2/promise';
import type { SourceRow } from '../source-rows.ts';

/**
 * What the importer reads from a PrismWorklet database (MySQL or MariaDB, the SQLAlchemy models of
 * `prism-backend/app/models.py`): integer ids, users with their roles, the `mentors` profiles,
 * worklets with their single `mentor_id`, `students` on worklets, `user_worklet_association`
 * (mentors, collaborators and students with role, assigner, state, progress and notes) and
 * `evaluations`. Tables after `users` and `worklets` may be missing.
 */
export type PrismData = {
  users: SourceRow[];
  mentors: SourceRow[];
  worklets: SourceRow[];
  students: SourceRow[];
  associations: SourceRow[];
  evaluations: SourceRow[];
};

/** Later versions of the models name the keys `user_id` and `worklet_id`; the importer calls both `id`. */
const keyAliases: Record<string, string> = { users: 'user_id', worklets: 'worklet_id', evaluations: 'evaluation_id' };

/** Reads everything in one read-only, consistent snapshot: the source is never written. */
export async function readPrism(url: string): Promise<PrismData> {
  const connection = await mysql.createConnection({
    uri: url,
    // DATETIME and DATE as the server writes them (no time zone is applied; they are taken as UTC).
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    typeCast: (field, next) => {
      if (field.type === 'TINY' && field.length === 1) {
        const value = field.string();
        return value === null ? null : value === '1';
      }
      return next();
    },
  });
  try {
    await connection.query('start transaction with consistent snapshot, read only');
    const [columns] = await connection.query<mysql.RowDataPacket[]>(
      'select table_name as name, column_name as col from information_schema.columns where table_schema = database() order by table_name, ordinal_position',
    );
    const tables = new Map<string, Set<string>>();
    for (const { name, col } of columns) tables.set(String(name), (tables.get(String(name)) ?? new Set()).add(String(col)));
    const missing = ['users', 'worklets'].filter((table) => !tables.has(table));
    if (missing.length) throw new Error(`Not a PrismWorklet database: ${missing.join(', ')} missing.`);

    const read = async (table: string) => {
      const known = tables.get(table);
      if (!known) return [];
      const key = known.has('id') ? 'id' : keyAliases[table];
      const [rows] = await connection.query<mysql.RowDataPacket[]>(
        `select * from ${connection.escapeId(table)}${key && known.has(key) ? ` order by ${connection.escapeId(key)}` : ''}`,
      );
      return rows.map((row) => {
        const plain: SourceRow = { ...row };
        if (key && key !== 'id') {
          plain.id = plain[key];
          delete plain[key];
        }
        return plain;
      });
    };
    const data: PrismData = {
      users: await read('users'),
      mentors: await read('mentors'),
      worklets: await read('worklets'),
      students: await read('students'),
      associations: await read('user_worklet_association'),
      evaluations: await read('evaluations'),
    };
    await connection.query('commit');
    return data;
  } finally {
    await connection.end();
  }
}

/** A MySQL DATETIME (`2025-09-23 10:04:05[.ffffff]`, taken as UTC) as a time PostgreSQL reads exactly. */
export function utcTime(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  const text = String(value);
  if (text.startsWith('0000-00-00')) return null;
  return /[+-]\d\d(:?\d\d)?$|Z$/.test(text) ? text : `${text}+00`;
}

/** A MySQL DATE (`2025-09-23`); the zero date is none. */
export function dateOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = String(value).slice(0, 10);
  return /^\d{4}-\d\d-\d\d$/.test(text) && !text.startsWith('0000') ? text : null;
}
