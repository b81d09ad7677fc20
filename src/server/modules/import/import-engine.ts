import crypto from 'node:crypto';
import type { Database } from '../../db/database.ts';
import * as repository from './import.repository.ts';
import type { ImportSource } from './import.table.ts';
import type { Action, IdResolver, PlannedRow, ProgressListener, Step, StepReport } from './import-plan.ts';
import { uuidV5 } from './uuid-v5.ts';

/** Rows written per transaction: an interrupted import loses at most one batch, and keeps what it committed. */
export const batchSize = 500;

/**
 * Plans one step against what earlier imports recorded, and (unless `dryRun`) writes it: new rows
 * created, rows whose source changed since updated, rows already here under the same unique key
 * linked, the rest left alone. Each batch and its id-map entries commit together.
 */
export async function runStep<Values>(
  db: Database,
  source: ImportSource,
  step: Step<Values>,
  ids: IdResolver,
  { dryRun, blankTarget, onProgress }: { dryRun: boolean; blankTarget: boolean; onProgress?: ProgressListener },
): Promise<StepReport> {
  const { writer } = step;
  const plan = await step.plan(ids);
  // A dry run against a database not migrated yet plans against an empty one.
  const mapped = blankTarget
    ? new Map<string, never>()
    : await repository.findMapped(db, source, [...new Set(plan.rows.map((row) => row.sourceTable))]);
  const stillThere = blankTarget
    ? new Set<string>()
    : await writer.existingIds(db, [...new Set([...mapped.values()].map((entry) => entry.targetId))]);
  const fresh = plan.rows.filter((row) => !stillThere.has(mapped.get(keyOf(row))?.targetId ?? ''));
  // Where each row the id map names stands here, for the rows whose ends can move.
  const { ends } = writer;
  const endsHere = ends && !blankTarget ? await ends.at(db, [...stillThere]) : new Map<string, string>();
  const movedTo = (row: PlannedRow<Values>) => {
    const previous = mapped.get(keyOf(row));
    if (!ends || !previous || !stillThere.has(previous.targetId)) return undefined;
    const to = ends.of(row.values);
    return endsHere.get(previous.targetId) === to ? undefined : to;
  };
  const movedEnds = plan.rows.flatMap((row) => movedTo(row) ?? []);
  const atEnds = ends && movedEnds.length ? await ends.find(db, movedEnds) : new Map<string, string>();
  const existing = writer.findExisting && !blankTarget ? await writer.findExisting(db, fresh) : new Map<string, string>();

  const counts: StepReport['counts'] = { create: 0, update: 0, link: 0, unchanged: 0, skip: 0 };
  const work: Array<{ row: PlannedRow<Values>; action: Exclude<Action, 'unchanged'>; fingerprint: string }> = [];
  for (const row of plan.rows) {
    const fingerprint = fingerprintOf(row.values);
    const previous = mapped.get(keyOf(row));
    let action: Action;
    if (previous && stillThere.has(previous.targetId) && writer.moves && previous.targetId !== row.targetId) {
      // A link whose source row names other ends now: written at its new ends, the old one taken away.
      row.moved = { from: previous.targetId, keepOld: false };
      action = 'update';
    } else if (previous && movedTo(row)) {
      // A row whose source row names other ends now: the row at those ends, or a new one.
      const to = movedTo(row)!;
      row.moved = { from: previous.targetId, keepOld: false };
      row.targetId = atEnds.get(to) ?? uuidV5(to, previous.targetId);
      action = atEnds.has(to) ? 'update' : 'create';
    } else if (previous && stillThere.has(previous.targetId)) {
      row.targetId = previous.targetId;
      action = previous.fingerprint === fingerprint ? 'unchanged' : 'update';
    } else if (existing.has(row.targetId)) {
      row.targetId = existing.get(row.targetId)!;
      action = 'link';
    } else {
      action = 'create';
    }
    counts[action] += 1;
    for (const from of [row, ...(row.alsoFrom ?? [])]) ids.record(from.sourceTable, from.sourceId, row.targetId);
    if (action !== 'unchanged') work.push({ row, action, fingerprint });
  }
  // What a moved row leaves stays while another source row of the run names it.
  const named = new Set(plan.rows.map((row) => row.targetId));
  for (const row of plan.rows) if (row.moved) row.moved.keepOld = named.has(row.moved.from);
  counts.skip = plan.problems.filter((problem) => problem.kind === 'skipped').length;

  if (!dryRun) {
    for (let start = 0; start < work.length; start += batchSize) {
      const batch = work.slice(start, start + batchSize);
      await db.transaction(async (tx) => {
        const rowsDoing = (action: Action) => batch.filter((item) => item.action === action).map((item) => item.row);
        // What a move leaves goes first, and updates come before inserts: a unique value (a worklet's
        // one active Primary, a name) given up by one row can be taken by another in the same batch.
        const leaving = batch.map((item) => item.row).filter((row) => row.moved && !row.moved.keepOld);
        if (leaving.length && ends) await ends.leave(tx, leaving);
        if (rowsDoing('update').length) await writer.update(tx, rowsDoing('update'));
        if (rowsDoing('create').length) await writer.insert(tx, rowsDoing('create'));
        if (rowsDoing('link').length && writer.link) await writer.link(tx, rowsDoing('link'));
        await repository.recordMapped(
          tx,
          batch.flatMap(({ row, fingerprint }) =>
            [row, ...(row.alsoFrom ?? [])].map((from) => ({
              source,
              sourceTable: from.sourceTable,
              sourceId: from.sourceId,
              targetTable: writer.table,
              targetId: row.targetId,
              fingerprint,
            })),
          ),
        );
      });
      onProgress?.(writer.table, Math.min(start + batchSize, work.length), work.length);
    }
  }
  return { table: writer.table, counts, problems: plan.problems };
}

const keyOf = (row: { sourceTable: string; sourceId: string }) => `${row.sourceTable}\u0000${row.sourceId}`;

/** A hash of what a row is written from, keys sorted, so that the same source row gives the same hash on every run. */
export function fingerprintOf(values: unknown): string {
  return crypto.createHash('sha256').update(stableJson(values)).digest('base64url');
}

function stableJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableJson(item)}`).join(',')}}`;
}
