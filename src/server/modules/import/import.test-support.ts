// Shared by the importers' test files: what a target database holds, and reports by table.
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { rowsOf } from '../../../../test/support/test-database.ts';
import type { Database } from '../../db/database.ts';
import type { Action } from './import-plan.ts';
import type { ImportReport } from './run-import.ts';

const tables = [
  'clients',
  'products',
  'client_product_assignments',
  'users',
  'auth_accounts',
  'job_readiness_expert_sessions',
  'job_readiness_expert_session_products',
  'job_readiness_expert_session_progress',
  'worklets',
  'worklet_students',
  'mentor_worklet_assignments',
  'mentor_assignment_history',
  'import_id_map',
];

export type Snapshot = { counts: Record<string, number>; digests: Record<string, string> };

/** Every row of every table an import writes, as a count and a digest: equal snapshots, equal data. */
export async function snapshotOf(db: Database): Promise<Snapshot> {
  const snapshot: Snapshot = { counts: {}, digests: {} };
  for (const table of tables) {
    const [row] = await rowsOf<{ n: number; digest: string | null }>(
      db,
      sql`select count(*)::int as n, md5(string_agg(t::text, '|' order by t::text)) as digest from ${sql.identifier(table)} t`,
    );
    snapshot.counts[table] = row!.n;
    snapshot.digests[table] = row!.digest ?? '';
  }
  return snapshot;
}

/** What both importers' tests check: a dry run, then two imports, and what the target holds after each. */
export async function dryRunThenImportTwice(db: Database, run: (dryRun: boolean) => Promise<ImportReport>) {
  const dryRun = await run(true);
  const emptyBefore = (await snapshotOf(db)).counts;
  const first = await run(false);
  const afterFirst = await snapshotOf(db);
  const second = await run(false);
  return { dryRun, first, second, emptyBefore, afterFirst, afterSecond: await snapshotOf(db) };
}
export type ImportRuns = Awaited<ReturnType<typeof dryRunThenImportTwice>>;

/** How many rows of each table the report gives `action`. */
export function stepCounts(report: ImportReport, action: Action) {
  return Object.fromEntries(report.steps.map((step) => [step.table, step.counts[action]]));
}

/** Rows of a query on a PostgreSQL source database. */
export async function sourceRows<Row = Record<string, unknown>>(url: string, query: string): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(query)).rows as Row[];
  } finally {
    await client.end();
  }
}
