import { and, eq, getTableName, inArray, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgInsertValue, PgTable, PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { Legacy } from '../../db/columns.ts';
import type { Database } from '../../db/database.ts';
import { isUniqueViolation, postgresError } from '../../db/errors.ts';
import { authAccounts } from '../auth/auth.table.ts';
import { clientProductAssignments, clients } from '../clients/clients.table.ts';
import { expertSessionProducts, expertSessionProgress, expertSessions } from '../expert-sessions/expert-sessions.table.ts';
import { products, type ProductType } from '../products/products.table.ts';
import { users, type UserRole } from '../users/users.table.ts';
import {
  mentorAssignmentHistory,
  mentorWorkletAssignments,
  workletStudents,
  workletTeamHistory,
  worklets,
  type MentorRole,
  type WorkletStatus,
} from '../worklets/worklets.table.ts';
import { lockPeople, findUsersForProduct } from '../worklets/worklets.repository.ts';
import type { PlannedRow, TableWriter } from './import-plan.ts';
import {
  alreadyAssigned,
  notAMentor,
  notAStudent,
  primaryTaken,
  progressTaken,
  referenceMissing,
  studentWithoutProduct,
} from './import.errors.ts';
import { importIdMap, type ImportSource } from './import.table.ts';

/** A time as the source wrote it, as text with its offset (microseconds kept); NULL where it had none. */
export type SourceTime = string | null;

const at = (time: SourceTime) => (time === null ? null : sql`${time}::timestamptz`);
/** For a NOT NULL time column: the source's time, or now() when it had none. */
const atOrNow = (time: SourceTime) => at(time) ?? sql`now()`;

/** Whether the import's tables exist here (a dry run against a database not migrated yet plans against nothing). */
export async function isMigrated(db: Database) {
  const result = (await db.execute(sql`select to_regclass('public.import_id_map')::text as name`)) as unknown as {
    rows: Array<{ name: string | null }>;
  };
  return result.rows[0]?.name !== null;
}

// ── The id map ───────────────────────────────────────────────────────────────────────────────

export async function findMapped(db: Database, source: ImportSource, sourceTables: string[]) {
  const found = new Map<string, { targetId: string; fingerprint: string }>();
  if (sourceTables.length === 0) return found;
  const rows = await db
    .select({
      sourceTable: importIdMap.sourceTable,
      sourceId: importIdMap.sourceId,
      targetId: importIdMap.targetId,
      fingerprint: importIdMap.fingerprint,
    })
    .from(importIdMap)
    .where(and(eq(importIdMap.source, source), inArray(importIdMap.sourceTable, sourceTables)));
  for (const row of rows) found.set(`${row.sourceTable}\u0000${row.sourceId}`, { targetId: row.targetId, fingerprint: row.fingerprint });
  return found;
}

export async function recordMapped(db: Database, entries: Array<typeof importIdMap.$inferInsert>) {
  if (entries.length === 0) return;
  await db
    .insert(importIdMap)
    .values(entries)
    .onConflictDoUpdate({
      target: [importIdMap.source, importIdMap.sourceTable, importIdMap.sourceId],
      set: {
        targetTable: sql`excluded.target_table`,
        targetId: sql`excluded.target_id`,
        fingerprint: sql`excluded.fingerprint`,
        updatedAt: sql`now()`,
      },
    });
}

/** The source rows a row here was imported from, with its `legacy` (admins see both). */
export async function findImportedRecord(db: Database, targetTable: ImportedTable, targetId: string) {
  const sources = await db
    .select({
      source: importIdMap.source,
      sourceTable: importIdMap.sourceTable,
      sourceId: importIdMap.sourceId,
      importedAt: importIdMap.createdAt,
      updatedAt: importIdMap.updatedAt,
    })
    .from(importIdMap)
    .where(and(eq(importIdMap.targetTable, targetTable), eq(importIdMap.targetId, targetId)))
    .orderBy(importIdMap.sourceTable, importIdMap.sourceId);
  const legacyColumn = legacyColumns[targetTable];
  const [row] = await db.select({ legacy: legacyColumn.legacy }).from(legacyColumn.table).where(eq(legacyColumn.id, targetId));
  const team =
    targetTable === 'worklets'
      ? await db
          .select({ studentId: workletStudents.studentId, legacy: workletStudents.legacy })
          .from(workletStudents)
          .where(and(eq(workletStudents.workletId, targetId), isNotNull(workletStudents.legacy)))
          .orderBy(workletStudents.studentId)
      : undefined;
  return { sources, legacy: row?.legacy ?? null, team, exists: Boolean(row) };
}

const legacyColumns = {
  users: { table: users, id: users.id, legacy: users.legacy },
  clients: { table: clients, id: clients.id, legacy: clients.legacy },
  products: { table: products, id: products.id, legacy: products.legacy },
  job_readiness_expert_sessions: { table: expertSessions, id: expertSessions.id, legacy: expertSessions.legacy },
  job_readiness_expert_session_progress: {
    table: expertSessionProgress,
    id: expertSessionProgress.id,
    legacy: expertSessionProgress.legacy,
  },
  worklets: { table: worklets, id: worklets.id, legacy: worklets.legacy },
  mentor_worklet_assignments: { table: mentorWorkletAssignments, id: mentorWorkletAssignments.id, legacy: mentorWorkletAssignments.legacy },
} as const;
export type ImportedTable = keyof typeof legacyColumns;
export const importedTables = Object.keys(legacyColumns) as ImportedTable[];

// ── Writers, one per table ─────────────────────────────────────────────────────────────────────

/**
 * A table's writer from what sets its tables apart (decision 027). `changed`: the columns a source
 * row sets, written when the row is created and again whenever the source row changes. `created`:
 * what only a new row gets besides (its times, the columns a change never rewrites), over `changed`.
 * Rows are found here by their `id`, or, with `sameAs`, by a unique key (a text column, or two ids
 * `pair`ed): a new source row for such a row is linked to it, and `linked` is written (only its
 * `legacy` by default). `rewritten`: what a changed source row writes, if not `changed`. `inserted`
 * and `updated` write what goes with the rows, in the same transaction.
 */
function tableWriter<
  Table extends RowTable,
  Values extends { legacy: Legacy | null },
  Changed extends PgUpdateSetSource<Table>,
  New extends Created<Table, Changed>,
>(
  table: Table,
  spec: {
    changed: (values: Values) => Columns<Table, Changed>;
    created: (values: Values) => Columns<Table, New>;
    sameAs?:
      | { column: PgColumn; keyOf: (values: Values) => string; lowerCase?: true }
      | { pair: [PgColumn, PgColumn]; of: (values: Values) => [string, string] };
    /** What linking to a row already here writes, instead of only the source's `legacy`. */
    linked?: (values: Values) => PgUpdateSetSource<Table>;
    /** What a changed source row writes on its row here, instead of `changed`. */
    rewritten?: (values: Values) => PgUpdateSetSource<Table>;
    references?: Array<Reference<Values>>;
    /** What else a row must meet before it is written; throws a coded error (import.errors.ts) if not. */
    checked?: (tx: Database, rows: Array<PlannedRow<Values>>) => Promise<void>;
    inserted?: (tx: Database, rows: Array<PlannedRow<Values>>) => Promise<void>;
    updated?: (tx: Database, rows: Array<PlannedRow<Values>>) => Promise<void>;
    /** The order in which changed rows are rewritten (a demotion before a promotion). */
    updateOrder?: (a: Values, b: Values) => number;
    /** A coded error (import.errors.ts) for a write the database refused, naming the row; undefined to rethrow it as it is. */
    refused?: (error: unknown, rows: Array<PlannedRow<Values>>) => Error | undefined;
    ends?: TableWriter<Values>['ends'];
  },
): TableWriter<Values> {
  const { changed, created, sameAs, updateOrder, rewritten = changed } = spec;
  const check = (tx: Database, rows: Array<PlannedRow<Values>>) => checkRows(tx, rows, spec);
  const refusing = async (rows: Array<PlannedRow<Values>>, write: () => Promise<unknown>) => {
    try {
      await write();
    } catch (error) {
      throw spec.refused?.(error, rows) ?? error;
    }
  };
  const rewrite = async (tx: Database, rows: Array<PlannedRow<Values>>, set: (values: Values) => PgUpdateSetSource<Table>) => {
    for (const { targetId, values } of rows) await tx.update(table).set(set(values)).where(eq(table.id, targetId));
  };
  return {
    table: getTableName(table),
    async insert(tx, rows) {
      await check(tx, rows);
      await refusing(rows, () =>
        tx
          .insert(table)
          .values(rows.map(({ targetId, values }) => ({ id: targetId, ...changed(values), ...created(values) }) as PgInsertValue<Table>)),
      );
      await spec.inserted?.(tx, rows);
    },
    async update(tx, rows) {
      await check(tx, rows);
      await refusing(rows, () => rewrite(tx, updateOrder ? [...rows].sort((a, b) => updateOrder(a.values, b.values)) : rows, rewritten));
      await spec.updated?.(tx, rows);
    },
    ...(sameAs && {
      findExisting: (db, rows) =>
        'pair' in sameAs
          ? matchByPair(db, rows, sameAs.of, sameAs.pair, table.id)
          : matchByKey(db, rows, sameAs.keyOf, sameAs.column, table.id, sameAs.lowerCase),
      link: (tx, rows) => rewrite(tx, rows, spec.linked ?? ((values) => ({ legacy: values.legacy }) as PgUpdateSetSource<Table>)),
    }),
    existingIds: (db, ids) => idsThatExist(db, table.id, ids),
    ...(spec.ends && { ends: spec.ends }),
  };
}

/**
 * A link table's writer: rows without an id of their own, keyed by their two ends. A link already
 * here is left as it is on insert, and, with `sameAs`, a new source row for one is linked to it
 * (what `changed` sets is written, as for a changed source row). A changed
 * source row rewrites what `changed` sets on the link `at` its ends; with `moves`, a source row that
 * names other ends since moves its link there (`PlannedRow.moved`), and `movedOver` writes what goes
 * with the move.
 */
function linkWriter<Table extends PgTable, Values, Changed extends PgUpdateSetSource<Table>, New extends Created<Table, Changed>>(
  table: Table,
  spec: {
    key: [PgColumn, PgColumn];
    created: (values: Values) => Columns<Table, New>;
    changed?: { at: (values: Values) => [string, string]; set: (values: Values) => Columns<Table, Changed> };
    sameAs?: true;
    references?: Array<Reference<Values>>;
    /** What else a new or moved link must meet; throws a coded error (import.errors.ts) if not. */
    checked?: (tx: Database, rows: Array<PlannedRow<Values>>) => Promise<void>;
    moves?: {
      /** After a move: the links taken away and those made (a link already at the new ends is not made again). */
      movedOver(
        tx: Database,
        moves: { removed: Array<[string, string]>; added: Array<[string, string]>; rows: Array<PlannedRow<Values>> },
      ): Promise<void>;
    };
  },
): TableWriter<Values> {
  const { created, changed } = spec;
  const [left, right] = spec.key;
  const linksAt = (db: Database, keys: string[]) => existingLinks(db, left, right, keys);
  const check = (tx: Database, rows: Array<PlannedRow<Values>>) => checkRows(tx, rows, spec);
  const rewriteAt = async (tx: Database, rows: Array<PlannedRow<Values>>) => {
    if (!changed) return;
    for (const { values } of rows) {
      const [a, b] = changed.at(values);
      await tx
        .update(table)
        .set(changed.set(values))
        .where(and(eq(left, a), eq(right, b)));
    }
  };
  const insertLinks = async (tx: Database, rows: Array<PlannedRow<Values>>) =>
    (await tx
      .insert(table)
      .values(rows.map(({ values }) => ({ ...changed?.set(values), ...created(values) }) as PgInsertValue<Table>))
      .onConflictDoNothing()
      .returning({ left, right })) as Array<{ left: string; right: string }>;
  return {
    table: getTableName(table),
    ...(spec.moves && { moves: true as const }),
    async insert(tx, rows) {
      await check(tx, rows);
      await insertLinks(tx, rows);
    },
    async update(tx, rows) {
      const moved = rows.filter((row) => row.moved);
      if (moved.length) {
        await check(tx, moved);
        const leaving = [...new Set(moved.filter((row) => !row.moved!.keepOld).map((row) => row.moved!.from))].map(splitKey);
        const removed = leaving.length
          ? ((await tx
              .delete(table)
              .where(or(...leaving.map(([a, b]) => and(eq(left, a), eq(right, b)))))
              .returning({ left, right })) as Array<{ left: string; right: string }>)
          : [];
        const added = await insertLinks(tx, moved);
        await spec.moves!.movedOver(tx, {
          removed: removed.map((link) => [link.left, link.right]),
          added: added.map((link) => [link.left, link.right]),
          rows: moved,
        });
      }
      await rewriteAt(tx, rows);
    },
    ...(spec.sameAs && {
      async findExisting(db, rows) {
        const keys = rows.map((row) => row.targetId);
        return new Map([...(await linksAt(db, keys))].map((key) => [key, key]));
      },
      link: rewriteAt,
    }),
    existingIds: linksAt,
  };
}

type RowTable = PgTable & { id: PgColumn; legacy: PgColumn };

/** Columns of the table only: a name that is none of them does not type-check. */
type Columns<Table extends PgTable, Changed> = Changed & Record<Exclude<keyof Changed, keyof Table['$inferInsert']>, never>;

/**
 * What a new row gets over `changed`: every column an insert needs that `changed` does not set (so
 * a writer's two halves are checked against its table together), and any it overrides.
 */
type Created<Table extends PgTable, Changed> = Omit<PgInsertValue<Table>, 'id' | keyof Changed> & Partial<PgInsertValue<Table>>;

/** What every imported row but a link's has from its source: its times, and what no column here holds (decision 027). */
type FromSource = { createdAt: SourceTime; updatedAt: SourceTime; legacy: Legacy | null };

/** A created row's times: the source's, or now() where it had none. */
const stamps = (values: FromSource) => ({
  createdAt: atOrNow(values.createdAt),
  updatedAt: atOrNow(values.updatedAt),
});

async function idsThatExist(db: Database, idColumn: PgColumn, ids: string[], lock = false) {
  const candidates = onlyUuids(ids);
  if (candidates.length === 0) return new Set<string>();
  const query = db.select({ id: idColumn }).from(idColumn.table).where(inArray(idColumn, candidates));
  const rows = (await (lock ? query.orderBy(idColumn).for('key share') : query)) as Array<{ id: string }>;
  return new Set(rows.map((row) => row.id));
}

/** A column of a planned row that names a row here: its name, the id column it names, and its value (null for none). */
type Reference<Values> = { field: string; column: PgColumn; of: (values: Values) => string | null };

/**
 * Every row these rows name is here, locked against deletion until the batch commits; the first
 * row naming one that is not fails the batch with `import.reference_missing`, naming its source
 * row and field (a NOT NULL or foreign-key failure would name neither).
 */
async function checkReferences<Values>(tx: Database, rows: Array<PlannedRow<Values>>, references: Array<Reference<Values>>) {
  for (const { field, column, of } of references) {
    const wanted = [...new Set(rows.flatMap((row) => of(row.values) ?? []))];
    const found = await idsThatExist(tx, column, wanted, true);
    const missing = rows.find((row) => {
      const value = of(row.values);
      return value !== null && !found.has(value);
    });
    if (missing) throw missingReference(missing, field, of(missing.values)!, getTableName(column.table as PgTable));
  }
}

/** What a writer checks before it writes rows: the rows they name (`references`), then its own rules (`checked`). */
async function checkRows<Values>(
  tx: Database,
  rows: Array<PlannedRow<Values>>,
  spec: { references?: Array<Reference<Values>>; checked?: (tx: Database, rows: Array<PlannedRow<Values>>) => Promise<void> },
) {
  await checkReferences(tx, rows, spec.references ?? []);
  await spec.checked?.(tx, rows);
}

function missingReference(row: PlannedRow<unknown>, field: string, value: string, table: string) {
  return referenceMissing(
    { source_table: row.sourceTable, source_id: row.sourceId, field, value, table },
    `${row.sourceTable} ${row.sourceId}: ${field} ${value} is not in ${table} here.`,
  );
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const onlyUuids = (ids: string[]) => ids.filter((id) => uuidPattern.test(id));

/** Rows matched by a unique text key here (a lower-cased email, a name, a cert id): planned target id → existing id. */
async function matchByKey<Values>(
  db: Database,
  rows: Array<PlannedRow<Values>>,
  keyOf: (values: Values) => string,
  column: PgColumn,
  idColumn: PgColumn,
  lower = false,
) {
  const matched = new Map<string, string>();
  const keys = [...new Set(rows.map((row) => keyOf(row.values)))];
  if (keys.length === 0) return matched;
  const keyExpression: SQL = lower ? sql`lower(${column})` : sql`${column}`;
  const found = (await db
    .select({ id: idColumn, key: sql<string>`${keyExpression}` })
    .from(column.table)
    .where(inArray(keyExpression, keys))) as Array<{ id: string; key: string }>;
  const idByKey = new Map(found.map((row) => [row.key, row.id]));
  for (const row of rows) {
    const id = idByKey.get(keyOf(row.values));
    if (id) matched.set(row.targetId, id);
  }
  return matched;
}

/** Rows matched by a unique pair of ids here (a student and a session, a mentor and a worklet): planned target id → existing id. */
async function matchByPair<Values>(
  db: Database,
  rows: Array<PlannedRow<Values>>,
  pairOf: (values: Values) => [string, string],
  columns: [PgColumn, PgColumn],
  idColumn: PgColumn,
) {
  const found = await rowsAtPairs(
    db,
    columns,
    rows.map((row) => pairOf(row.values)),
    idColumn,
  );
  const idByPair = new Map(found.map((row) => [row.pair, row.id]));
  const matched = new Map<string, string>();
  for (const row of rows) {
    const id = idByPair.get(pairOf(row.values).join(':'));
    if (id) matched.set(row.targetId, id);
  }
  return matched;
}

/**
 * The rows here whose two columns hold one of these pairs of ids, 500 pairs a statement, each with
 * its id (`idColumn`; a link table has none) and its pair as a key, `a:b`.
 */
async function rowsAtPairs(db: Database, [left, right]: [PgColumn, PgColumn], pairs: Array<[string, string]>, idColumn = left) {
  const wanted = [...new Map(pairs.map((pair) => [pair.join(':'), pair])).values()].filter(
    (pair) => pair.length === 2 && onlyUuids(pair).length === 2,
  );
  const found: Array<{ id: string; pair: string }> = [];
  for (let start = 0; start < wanted.length; start += 500) {
    const rows = (await db
      .select({ id: idColumn, left, right })
      .from(idColumn.table)
      .where(or(...wanted.slice(start, start + 500).map(([a, b]) => and(eq(left, a), eq(right, b)))))) as Array<{
      id: string;
      left: string;
      right: string;
    }>;
    found.push(...rows.map((row) => ({ id: row.id, pair: `${row.left}:${row.right}` })));
  }
  return found;
}

/** Link tables have no id of their own: a planned target id is their key, `a:b`. */
const splitKey = (key: string) => key.split(':') as [string, string];

async function existingLinks(db: Database, left: PgColumn, right: PgColumn, keys: string[]) {
  return new Set((await rowsAtPairs(db, [left, right], keys.map(splitKey))).map((row) => row.pair));
}

export type ClientValues = FromSource & { name: string; isActive: boolean };

export const clientWriter = tableWriter(clients, {
  changed: (values: ClientValues) => ({ name: values.name, isActive: values.isActive, legacy: values.legacy }),
  created: stamps,
  sameAs: { column: clients.name, keyOf: (values) => values.name },
});

export type ProductValues = FromSource & { name: string; description: string | null; type: ProductType };

export const productWriter = tableWriter(products, {
  changed: (values: ProductValues) => ({ name: values.name, description: values.description, type: values.type, legacy: values.legacy }),
  created: stamps,
});

export type ClientProductValues = { clientId: string; productId: string; createdAt: SourceTime };

export const clientProductWriter = linkWriter(clientProductAssignments, {
  key: [clientProductAssignments.clientId, clientProductAssignments.productId],
  references: [
    { field: 'client_id', column: clients.id, of: (values: ClientProductValues) => values.clientId },
    { field: 'product_id', column: products.id, of: (values) => values.productId },
  ],
  created: (values: ClientProductValues) => ({
    clientId: values.clientId,
    productId: values.productId,
    createdAt: atOrNow(values.createdAt),
  }),
  sameAs: true,
});

export type UserValues = FromSource & {
  name: string;
  email: string;
  role: UserRole;
  clientId: string | null;
  disabled: boolean;
  /** A bcrypt hash from the source, kept as is until its owner's first sign-in here (decision 027). */
  passwordHash: string | null;
};

export const userWriter = tableWriter(users, {
  changed: (values: UserValues) => ({
    name: values.name,
    role: values.role,
    clientId: values.clientId,
    banned: values.disabled,
    legacy: values.legacy,
  }),
  // The email is the sign-in here: a change in the source does not rewrite it.
  created: (values) => ({ email: values.email, emailVerified: true, ...stamps(values) }),
  sameAs: { column: users.email, keyOf: (values) => values.email, lowerCase: true },
  references: [{ field: 'client_id', column: clients.id, of: (values) => values.clientId }],
  // Every person gets a credential account, with no password where the source had none: an
  // admin can then set one (which updates this account).
  async inserted(tx, rows) {
    await tx.insert(authAccounts).values(
      rows.map(({ targetId, values }) => ({
        userId: targetId,
        accountId: targetId,
        providerId: 'credential',
        password: values.passwordHash,
      })),
    );
  },
  // A changed source password replaces only a source hash nobody has signed in with here yet.
  async updated(tx, rows) {
    for (const { targetId, values } of rows) {
      if (!values.passwordHash) continue;
      await tx
        .update(authAccounts)
        .set({ password: values.passwordHash })
        .where(
          and(
            eq(authAccounts.userId, targetId),
            eq(authAccounts.providerId, 'credential'),
            or(isNull(authAccounts.password), sql`${authAccounts.password} like '$2%'`),
          ),
        );
    }
  },
});

export type SessionValues = FromSource & {
  title: string;
  description: string | null;
  /** Seconds, as the source said, until the copied video is measured. */
  videoDuration: number;
  /** Whether the source shows it; it is shown here only once its video is here too. */
  sourceIsActive: boolean;
};

export const sessionWriter = tableWriter(expertSessions, {
  changed: (values: SessionValues) => ({
    title: values.title,
    description: values.description,
    // A measured duration stays; without a video here the session stays hidden.
    videoDuration: sql`case when ${expertSessions.videoStorageKey} is null then ${values.videoDuration} else ${expertSessions.videoDuration} end`,
    isActive: sql`${expertSessions.videoStorageKey} is not null and ${values.sourceIsActive}`,
    legacy: values.legacy,
  }),
  // Hidden, with the source's duration, until its video is here.
  created: (values) => ({ videoDuration: values.videoDuration, isActive: false, ...stamps(values) }),
});

export type SessionProductValues = { expertSessionId: string; productId: string; createdAt: SourceTime };

export const sessionProductWriter = linkWriter(expertSessionProducts, {
  key: [expertSessionProducts.expertSessionId, expertSessionProducts.productId],
  references: [
    { field: 'expert_session_id', column: expertSessions.id, of: (values: SessionProductValues) => values.expertSessionId },
    { field: 'product_id', column: products.id, of: (values) => values.productId },
  ],
  created: (values: SessionProductValues) => ({
    expertSessionId: values.expertSessionId,
    productId: values.productId,
    createdAt: atOrNow(values.createdAt),
  }),
});

export type ProgressValues = FromSource & {
  studentId: string;
  expertSessionId: string;
  watchTimeSeconds: number;
  completionPercentage: number;
  isCompleted: boolean;
  completedAt: SourceTime;
  lastMilestoneReached: number;
};

/**
 * Where a student resumes: the source resumed at the last milestone reached, so here the same share of
 * the session's duration (the measured one, once its video is here; see `linkSessionVideo`).
 */
const sourcePosition = (values: ProgressValues) =>
  values.isCompleted
    ? sql`0`
    : sql`(select ${values.lastMilestoneReached} * ${expertSessions.videoDuration} / 100 from ${expertSessions} where ${expertSessions.id} = ${values.expertSessionId})`;

/**
 * The source's progress merged into the row here as a save here merges (`saveProgress`): watch time,
 * percentage and milestone only grow, the first completion stays (a completion here is never lost),
 * the position and `updated_at` are the later-updated row's. With `onlyIf`, rows it does not hold get
 * the source's values as they are. The statistics triggers count the difference.
 */
function mergedProgress(values: ProgressValues, onlyIf?: SQL) {
  const { watchTimeSeconds, completionPercentage, isCompleted, completedAt, lastMilestoneReached, lastPositionSeconds, updatedAt } =
    expertSessionProgress;
  const merged = (here: SQL, source: unknown) => (onlyIf ? sql`case when ${onlyIf} then ${here} else ${source} end` : here);
  const sourceUpdatedAt = at(values.updatedAt);
  const position = sourcePosition(values);
  return {
    watchTimeSeconds: merged(sql`greatest(${watchTimeSeconds}, ${values.watchTimeSeconds})`, values.watchTimeSeconds),
    completionPercentage: merged(sql`greatest(${completionPercentage}, ${values.completionPercentage})`, values.completionPercentage),
    isCompleted: merged(sql`${isCompleted} or ${values.isCompleted}`, values.isCompleted),
    // least() passes over a NULL: the one completion there is, or the earlier of two.
    completedAt: merged(sql`least(${completedAt}, ${at(values.completedAt)})`, at(values.completedAt)),
    lastMilestoneReached: merged(sql`greatest(${lastMilestoneReached}, ${values.lastMilestoneReached})`, values.lastMilestoneReached),
    lastPositionSeconds: merged(
      sourceUpdatedAt
        ? sql`case when ${sourceUpdatedAt} > ${updatedAt} then ${position} else ${lastPositionSeconds} end`
        : sql`${lastPositionSeconds}`,
      position,
    ),
    updatedAt: merged(sourceUpdatedAt ? sql`greatest(${updatedAt}, ${sourceUpdatedAt})` : sql`${updatedAt}`, sourceUpdatedAt ?? sql`now()`),
    legacy: values.legacy,
  };
}

const progressPair: [PgColumn, PgColumn] = [expertSessionProgress.studentId, expertSessionProgress.expertSessionId];

export const progressWriter = tableWriter(expertSessionProgress, {
  changed: (values: ProgressValues) => ({
    // A source row that names another student or session since moves there (the statistics follow).
    studentId: values.studentId,
    expertSessionId: values.expertSessionId,
    watchTimeSeconds: values.watchTimeSeconds,
    lastPositionSeconds: sourcePosition(values),
    completionPercentage: values.completionPercentage,
    isCompleted: values.isCompleted,
    completedAt: at(values.completedAt),
    lastMilestoneReached: values.lastMilestoneReached,
    legacy: values.legacy,
  }),
  created: stamps,
  // Progress saved here since (the student watched here after a rehearsal import) is merged with the
  // source's, on a link as on a change of its source row: progress never goes backwards.
  sameAs: { pair: progressPair, of: (values) => [values.studentId, values.expertSessionId] },
  linked: (values) => mergedProgress(values),
  // A source row that names another student or session since moves there with the source's values:
  // what the row holds here was another student's or session's.
  rewritten: (values) => ({
    studentId: values.studentId,
    expertSessionId: values.expertSessionId,
    ...mergedProgress(
      values,
      and(eq(expertSessionProgress.studentId, values.studentId), eq(expertSessionProgress.expertSessionId, values.expertSessionId)),
    ),
  }),
  references: [
    { field: 'student_id', column: users.id, of: (values) => values.studentId },
    { field: 'expert_session_id', column: expertSessions.id, of: (values) => values.expertSessionId },
  ],
  // One row per student and session: a row moved onto a pair another row holds here, or two source rows
  // of one run for the same pair, is reported.
  async checked(tx, rows) {
    const taken = await rowsAtPairs(
      tx,
      progressPair,
      rows.map(({ values }) => [values.studentId, values.expertSessionId]),
      expertSessionProgress.id,
    );
    for (const other of taken) {
      const [studentId, sessionId] = splitKey(other.pair);
      const row = rows.find(
        ({ targetId, values }) => values.studentId === studentId && values.expertSessionId === sessionId && targetId !== other.id,
      );
      if (row)
        throw progressTaken(
          {
            source_table: row.sourceTable,
            source_id: row.sourceId,
            field: 'expert_session_id',
            value: sessionId,
            student_id: studentId,
            id: other.id,
          },
          `${row.sourceTable} ${row.sourceId}: student ${studentId} already has progress ${other.id} on session ${sessionId} here.`,
        );
    }
  },
});

export type WorkletValues = FromSource & {
  certId: string;
  title: string;
  description: string | null;
  status: WorkletStatus;
  startDate: string | null;
  endDate: string | null;
  productId: string;
};

export const workletWriter = tableWriter(worklets, {
  changed: (values: WorkletValues) => ({
    certId: values.certId,
    title: values.title,
    description: values.description,
    status: values.status,
    startDate: values.startDate,
    endDate: values.endDate,
    productId: values.productId,
    legacy: values.legacy,
  }),
  created: stamps,
  sameAs: { column: worklets.certId, keyOf: (values) => values.certId },
  references: [{ field: 'product_id', column: products.id, of: (values) => values.productId }],
});

export type WorkletStudentValues = { workletId: string; studentId: string; createdAt: SourceTime; legacy: Legacy | null };

export const workletStudentWriter = linkWriter(workletStudents, {
  key: [workletStudents.workletId, workletStudents.studentId],
  // One added here since a rehearsal import: linked, its legacy written.
  sameAs: true,
  created: (values: WorkletStudentValues) => ({
    workletId: values.workletId,
    studentId: values.studentId,
    createdAt: atOrNow(values.createdAt),
  }),
  // A team member's progress and notes from the source.
  changed: { at: (values) => [values.workletId, values.studentId], set: (values) => ({ legacy: values.legacy }) },
  checked: checkTeamMembers,
  moves: { movedOver: recordTeamMoves },
});

/**
 * A team member is a student of a client that has the worklet's product (decision 025), as the
 * API's team change requires. The people and their clients are locked before the worklets, in the
 * API's order, so that a change of a student's client or of a client's products cannot slip between
 * this check and the write. The worklets a move leaves are locked too.
 */
async function checkTeamMembers(tx: Database, rows: Array<PlannedRow<WorkletStudentValues>>) {
  const people = new Map(
    (await lockPeople(tx, [...new Set(rows.map((row) => row.values.studentId))])).map((person) => [person.id, person]),
  );
  const workletIds = rows.flatMap((row) => [row.values.workletId, ...(row.moved ? [splitKey(row.moved.from)[0]] : [])]);
  const found = new Map((await lockTeamWorklets(tx, workletIds)).map((worklet) => [worklet.id, worklet]));
  const productOf = new Map<string, string[]>();
  for (const row of rows) {
    const { studentId, workletId } = row.values;
    if (!people.has(studentId)) throw missingReference(row, 'student_id', studentId, 'users');
    const worklet = found.get(workletId);
    if (!worklet) throw missingReference(row, 'worklet_id', workletId, 'worklets');
    productOf.set(worklet.productId, [...(productOf.get(worklet.productId) ?? []), studentId]);
  }
  const eligible = new Set<string>();
  for (const [productId, studentIds] of productOf)
    for (const user of await findUsersForProduct(tx, [...new Set(studentIds)], productId))
      if (user.role === 'student' && user.hasProduct) eligible.add(`${productId}:${user.id}`);
  for (const row of rows) {
    const { studentId, workletId } = row.values;
    const details = {
      source_table: row.sourceTable,
      source_id: row.sourceId,
      field: 'worklet_id',
      value: workletId,
      student_id: studentId,
    };
    if (people.get(studentId)!.role !== 'student')
      throw notAStudent(
        details,
        `${row.sourceTable} ${row.sourceId}: user ${studentId} is a ${people.get(studentId)!.role} here, and only students are on teams.`,
      );
    if (!eligible.has(`${found.get(workletId)!.productId}:${studentId}`))
      throw studentWithoutProduct(
        details,
        `${row.sourceTable} ${row.sourceId}: student ${studentId}'s client here does not have the product of worklet ${found.get(workletId)!.certId} (worklet_id ${workletId}).`,
      );
  }
}

async function lockTeamWorklets(tx: Database, ids: string[]) {
  const candidates = onlyUuids([...new Set(ids)]);
  if (candidates.length === 0) return [];
  return tx
    .select({ id: worklets.id, certId: worklets.certId, productId: worklets.productId })
    .from(worklets)
    .where(inArray(worklets.id, candidates))
    .orderBy(worklets.id)
    .for('no key update');
}

/** A move in each team's timeline (decision 025): taken off the worklet the source no longer names, added to the one it names now. */
async function recordTeamMoves(
  tx: Database,
  {
    removed,
    added,
    rows,
  }: { removed: Array<[string, string]>; added: Array<[string, string]>; rows: Array<PlannedRow<WorkletStudentValues>> },
) {
  const certs = new Map(
    (
      await lockTeamWorklets(
        tx,
        rows.flatMap((row) => [row.values.workletId, splitKey(row.moved!.from)[0]]),
      )
    ).map((worklet) => [worklet.id, worklet.certId]),
  );
  const rowOf = (workletId: string, studentId: string, end: 'from' | 'to') =>
    rows.find(
      (row) => row.values.studentId === studentId && (end === 'to' ? row.values.workletId : splitKey(row.moved!.from)[0]) === workletId,
    )!;
  const entries = [
    ...removed.map(([workletId, studentId]) => ({
      workletId,
      studentId,
      action: 'removed' as const,
      reason: `Moved to ${certs.get(rowOf(workletId, studentId, 'from').values.workletId)} in PrismWorklet`,
    })),
    ...added.map(([workletId, studentId]) => ({
      workletId,
      studentId,
      action: 'added' as const,
      reason: `Moved from ${certs.get(splitKey(rowOf(workletId, studentId, 'to').moved!.from)[0])} in PrismWorklet`,
    })),
  ];
  if (entries.length) await tx.insert(workletTeamHistory).values(entries);
}

export type AssignmentValues = {
  mentorId: string;
  workletId: string;
  roleType: MentorRole;
  isActive: boolean;
  assignedAt: SourceTime;
  assignedBy: string | null;
  notes: string | null;
  legacy: Legacy | null;
};

const assignmentPair: [PgColumn, PgColumn] = [mentorWorkletAssignments.mentorId, mentorWorkletAssignments.workletId];

export const assignmentWriter = tableWriter(mentorWorkletAssignments, {
  // People before worklets, the order every worklet write locks in (decision 025).
  references: [
    { field: 'mentor_id', column: users.id, of: (values: AssignmentValues) => values.mentorId },
    { field: 'assigned_by', column: users.id, of: (values) => values.assignedBy },
    { field: 'worklet_id', column: worklets.id, of: (values) => values.workletId },
  ],
  changed: (values: AssignmentValues) => ({
    roleType: values.roleType,
    isActive: values.isActive,
    assignedBy: values.assignedBy,
    notes: values.notes,
    // Active again (the source's row moved back, or was reactivated there): no longer deactivated.
    deactivatedAt: values.isActive ? null : sql`${mentorWorkletAssignments.deactivatedAt}`,
    legacy: values.legacy,
  }),
  created: (values) => ({
    mentorId: values.mentorId,
    workletId: values.workletId,
    assignedAt: atOrNow(values.assignedAt),
    deactivatedAt: null,
  }),
  // A mentor's assignment on the worklet made here since a rehearsal import: linked, its role and state
  // kept as they are here (only its legacy written), so a link never changes who is the Primary.
  sameAs: { pair: assignmentPair, of: (values) => [values.mentorId, values.workletId] },
  // Only mentors are assigned (decision 025).
  async checked(tx, rows) {
    const roles = new Map(
      (
        await tx
          .select({ id: users.id, role: users.role })
          .from(users)
          .where(inArray(users.id, [...new Set(rows.map((row) => row.values.mentorId))]))
      ).map((user) => [user.id, user.role]),
    );
    const row = rows.find(({ values }) => roles.get(values.mentorId) !== 'mentor');
    if (row)
      throw notAMentor(
        { source_table: row.sourceTable, source_id: row.sourceId, field: 'mentor_id', value: row.values.mentorId },
        `${row.sourceTable} ${row.sourceId}: user ${row.values.mentorId} is a ${roles.get(row.values.mentorId)} here, and only mentors are assigned.`,
      );
  },
  inserted: (tx, rows) => recordImported(tx, rows, { reason: 'Imported from PrismWorklet', atSourceTime: true }),
  updated: (tx, rows) => recordImported(tx, rows, { reason: 'Changed in PrismWorklet since the last import', atSourceTime: false }),
  // Taken here by a row the source does not know: another mentor's active Primary on the worklet, or
  // the same mentor on it already (two source rows of one run; one made here since the run planned).
  // PostgreSQL names the key in `detail`.
  refused(error, rows) {
    const found = postgresError(error);
    const key = (found?.detail?.match(/^Key \((.+)\)=\((.+)\) already exists/) ?? []).slice(1);
    const value = (column: string) => key[1]?.split(', ')[key[0]!.split(', ').indexOf(column)];
    const details = (row: PlannedRow<AssignmentValues>, field: string) => ({
      source_table: row.sourceTable,
      source_id: row.sourceId,
      field,
      mentor_id: row.values.mentorId,
      worklet_id: row.values.workletId,
    });
    if (isUniqueViolation(error, 'mentor_worklet_assignments_one_active_primary')) {
      const row = rows.find(({ values }) => values.workletId === value('worklet_id') && values.isActive && values.roleType === 'Primary');
      if (row)
        return primaryTaken(
          { ...details(row, 'role_type'), value: 'Primary' },
          `${row.sourceTable} ${row.sourceId}: worklet ${row.values.workletId} already has another active Primary here; mentor ${row.values.mentorId} cannot be made Primary.`,
        );
    }
    if (isUniqueViolation(error, 'unique_mentor_worklet')) {
      const row = rows.find(({ values }) => values.mentorId === value('mentor_id') && values.workletId === value('worklet_id'));
      if (row)
        return alreadyAssigned(
          { ...details(row, 'mentor_id'), value: row.values.mentorId },
          `${row.sourceTable} ${row.sourceId}: mentor ${row.values.mentorId} already has an assignment on worklet ${row.values.workletId} here.`,
        );
    }
    return undefined;
  },
  // A worklet's one active Primary: whoever gives it up is rewritten before whoever takes it.
  updateOrder: (a, b) => Number(a.isActive && a.roleType === 'Primary') - Number(b.isActive && b.roleType === 'Primary'),
  // A mentor is on a worklet once: a source row that names another mentor or worklet since is
  // that mentor's assignment on that worklet, and the one it was is deactivated (never deleted).
  ends: {
    of: (values) => `${values.mentorId}:${values.workletId}`,
    async at(db, ids) {
      const rows = await db
        .select({
          id: mentorWorkletAssignments.id,
          mentorId: mentorWorkletAssignments.mentorId,
          workletId: mentorWorkletAssignments.workletId,
        })
        .from(mentorWorkletAssignments)
        .where(inArray(mentorWorkletAssignments.id, onlyUuids(ids)));
      return new Map(rows.map((row) => [row.id, `${row.mentorId}:${row.workletId}`]));
    },
    async find(db, ends) {
      const rows = await rowsAtPairs(db, assignmentPair, ends.map(splitKey), mentorWorkletAssignments.id);
      return new Map(rows.map((row) => [row.pair, row.id]));
    },
    async leave(tx, rows) {
      const left = await tx
        .update(mentorWorkletAssignments)
        .set({ isActive: false, deactivatedAt: sql`now()`, deactivatedBy: null })
        .where(
          and(
            inArray(mentorWorkletAssignments.id, [...new Set(rows.map((row) => row.moved!.from))]),
            eq(mentorWorkletAssignments.isActive, true),
          ),
        )
        .returning({
          id: mentorWorkletAssignments.id,
          workletId: mentorWorkletAssignments.workletId,
          mentorId: mentorWorkletAssignments.mentorId,
          roleType: mentorWorkletAssignments.roleType,
        });
      if (left.length === 0) return;
      await tx.insert(mentorAssignmentHistory).values(
        left.map((assignment) => ({
          assignmentId: assignment.id,
          workletId: assignment.workletId,
          mentorId: assignment.mentorId,
          action: 'deactivated' as const,
          fromRole: assignment.roleType,
          reason: 'Moved in PrismWorklet: its row there names another mentor or worklet now',
          createdAt: sql`clock_timestamp()`,
        })),
      );
    },
  },
});

/**
 * Each write of an assignment by the import is one `imported` entry in the worklet's timeline: at
 * the source's assignment time when it is created, at the time of the change when it is rewritten.
 */
async function recordImported(
  tx: Database,
  rows: Array<PlannedRow<AssignmentValues>>,
  { reason, atSourceTime }: { reason: string; atSourceTime: boolean },
) {
  await tx.insert(mentorAssignmentHistory).values(
    rows.map(({ targetId, values }) => ({
      assignmentId: targetId,
      workletId: values.workletId,
      mentorId: values.mentorId,
      action: 'imported' as const,
      toRole: values.roleType,
      actorId: values.assignedBy,
      reason: `${reason}${values.isActive ? '' : ' (inactive there)'}`,
      createdAt: atSourceTime ? atOrNow(values.assignedAt) : sql`clock_timestamp()`,
    })),
  );
}

// ── Named defaults and videos ──────────────────────────────────────────────────────────────────

/** A product or client named by id or by name. */
export async function findNamed(db: Database, kind: 'product' | 'client', nameOrId: string) {
  const table = kind === 'product' ? products : clients;
  const byId = uuidPattern.test(nameOrId) ? eq(table.id, nameOrId) : undefined;
  const [row] = await db
    .select({ id: table.id, name: table.name })
    .from(table)
    .where(byId ? or(byId, eq(table.name, nameOrId)) : eq(table.name, nameOrId))
    .limit(1);
  return row;
}

export async function insertNamedProduct(db: Database, id: string, name: string) {
  await db.insert(products).values({ id, name, type: 'JOB_READINESS' });
}

export async function insertNamedClient(db: Database, id: string, name: string) {
  await db.insert(clients).values({ id, name });
}

export async function hasClientProduct(db: Database, clientId: string, productId: string) {
  return (
    (await existingLinks(db, clientProductAssignments.clientId, clientProductAssignments.productId, [`${clientId}:${productId}`])).size > 0
  );
}

export async function addClientProduct(db: Database, clientId: string, productId: string) {
  await db.insert(clientProductAssignments).values({ clientId, productId }).onConflictDoNothing();
}

/** Of these sessions, those here with a video already. */
export async function findSessionsWithVideo(db: Database, ids: string[]) {
  const candidates = onlyUuids(ids);
  if (candidates.length === 0) return new Set<string>();
  const rows = await db
    .select({ id: expertSessions.id })
    .from(expertSessions)
    .where(and(inArray(expertSessions.id, candidates), isNotNull(expertSessions.videoStorageKey)));
  return new Set(rows.map((row) => row.id));
}

/**
 * Links a copied video to its session, with the measured duration, and shows the session as the
 * source did. Nobody can have watched it here before, so its resume positions, made from the
 * source's duration, are made again from the measured one.
 */
export async function linkSessionVideo(
  db: Database,
  id: string,
  video: { key: string; durationSeconds: number; sizeBytes: number; mediaType: string; isActive: boolean },
) {
  await db.transaction(async (tx) => {
    await tx
      .update(expertSessions)
      .set({
        videoStorageKey: video.key,
        videoDuration: video.durationSeconds,
        videoSizeBytes: video.sizeBytes,
        videoMediaType: video.mediaType,
        isActive: video.isActive,
      })
      .where(eq(expertSessions.id, id));
    await tx
      .update(expertSessionProgress)
      .set({ lastPositionSeconds: sql`${expertSessionProgress.lastMilestoneReached} * ${video.durationSeconds}::numeric / 100` })
      .where(and(eq(expertSessionProgress.expertSessionId, id), eq(expertSessionProgress.isCompleted, false)));
  });
}
