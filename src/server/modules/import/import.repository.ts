import { and, eq, inArray, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Legacy } from '../../db/columns.ts';
import type { Database } from '../../db/database.ts';
import { authAccounts } from '../auth/auth.table.ts';
import { clientProductAssignments, clients } from '../clients/clients.table.ts';
import { expertSessionProducts, expertSessionProgress, expertSessions } from '../expert-sessions/expert-sessions.table.ts';
import { products, type ProductType } from '../products/products.table.ts';
import { users, type UserRole } from '../users/users.table.ts';
import {
  mentorAssignmentHistory,
  mentorWorkletAssignments,
  workletStudents,
  worklets,
  type MentorRole,
  type WorkletStatus,
} from '../worklets/worklets.table.ts';
import type { PlannedRow, TableWriter } from './import-plan.ts';
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

async function idsThatExist(db: Database, idColumn: PgColumn, ids: string[]) {
  const candidates = onlyUuids(ids);
  if (candidates.length === 0) return new Set<string>();
  const rows = (await db.select({ id: idColumn }).from(idColumn.table).where(inArray(idColumn, candidates))) as Array<{ id: string }>;
  return new Set(rows.map((row) => row.id));
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

export type ClientValues = { name: string; isActive: boolean; createdAt: SourceTime; updatedAt: SourceTime; legacy: Legacy | null };

export const clientWriter: TableWriter<ClientValues> = {
  table: 'clients',
  async insert(tx, rows) {
    await tx.insert(clients).values(
      rows.map(({ targetId, values }) => ({
        id: targetId,
        name: values.name,
        isActive: values.isActive,
        createdAt: atOrNow(values.createdAt),
        updatedAt: atOrNow(values.updatedAt),
        legacy: values.legacy,
      })),
    );
  },
  async update(tx, rows) {
    for (const { targetId, values } of rows) {
      await tx.update(clients).set({ name: values.name, isActive: values.isActive, legacy: values.legacy }).where(eq(clients.id, targetId));
    }
  },
  findExisting: (db, rows) => matchByKey(db, rows, (values) => values.name, clients.name, clients.id),
  async link(tx, rows) {
    for (const { targetId, values } of rows) await tx.update(clients).set({ legacy: values.legacy }).where(eq(clients.id, targetId));
  },
  existingIds: (db, ids) => idsThatExist(db, clients.id, ids),
};

export type ProductValues = {
  name: string;
  description: string | null;
  type: ProductType;
  createdAt: SourceTime;
  updatedAt: SourceTime;
  legacy: Legacy | null;
};

export const productWriter: TableWriter<ProductValues> = {
  table: 'products',
  async insert(tx, rows) {
    await tx.insert(products).values(
      rows.map(({ targetId, values }) => ({
        id: targetId,
        name: values.name,
        description: values.description,
        type: values.type,
        createdAt: atOrNow(values.createdAt),
        updatedAt: atOrNow(values.updatedAt),
        legacy: values.legacy,
      })),
    );
  },
  async update(tx, rows) {
    for (const { targetId, values } of rows) {
      await tx
        .update(products)
        .set({ name: values.name, description: values.description, type: values.type, legacy: values.legacy })
        .where(eq(products.id, targetId));
    }
  },
  existingIds: (db, ids) => idsThatExist(db, products.id, ids),
};

/** Link tables have no id of their own: a planned target id is their key, `a:b`. */
const splitKey = (key: string) => key.split(':') as [string, string];

async function existingLinks(db: Database, left: PgColumn, right: PgColumn, keys: string[]) {
  const pairs = keys.map(splitKey).filter((pair) => pair.length === 2 && onlyUuids(pair).length === 2);
  if (pairs.length === 0) return new Set<string>();
  const rows = (await db
    .select({ left, right })
    .from(left.table)
    .where(or(...pairs.map(([a, b]) => and(eq(left, a), eq(right, b)))))) as Array<{ left: string; right: string }>;
  return new Set(rows.map((row) => `${row.left}:${row.right}`));
}

export type ClientProductValues = { clientId: string; productId: string; createdAt: SourceTime };

export const clientProductWriter: TableWriter<ClientProductValues> = {
  table: 'client_product_assignments',
  async insert(tx, rows) {
    await tx
      .insert(clientProductAssignments)
      .values(rows.map(({ values }) => ({ clientId: values.clientId, productId: values.productId, createdAt: atOrNow(values.createdAt) })))
      .onConflictDoNothing();
  },
  async update() {
    // Nothing but its two ends, which are its key: a changed link is another link.
  },
  findExisting: async (db, rows) => {
    const found = await existingLinks(
      db,
      clientProductAssignments.clientId,
      clientProductAssignments.productId,
      rows.map((row) => row.targetId),
    );
    return new Map([...found].map((key) => [key, key]));
  },
  existingIds: (db, ids) => existingLinks(db, clientProductAssignments.clientId, clientProductAssignments.productId, ids),
};

export type UserValues = {
  name: string;
  email: string;
  role: UserRole;
  clientId: string | null;
  disabled: boolean;
  /** A bcrypt hash from the source, kept as is until its owner's first sign-in here (decision 027). */
  passwordHash: string | null;
  createdAt: SourceTime;
  updatedAt: SourceTime;
  legacy: Legacy | null;
};

export const userWriter: TableWriter<UserValues> = {
  table: 'users',
  async insert(tx, rows) {
    await tx.insert(users).values(
      rows.map(({ targetId, values }) => ({
        id: targetId,
        name: values.name,
        email: values.email,
        emailVerified: true,
        role: values.role,
        clientId: values.clientId,
        banned: values.disabled,
        createdAt: atOrNow(values.createdAt),
        updatedAt: atOrNow(values.updatedAt),
        legacy: values.legacy,
      })),
    );
    // Every person gets a credential account, with no password where the source had none: an
    // admin can then set one (which updates this account).
    await tx.insert(authAccounts).values(
      rows.map(({ targetId, values }) => ({
        userId: targetId,
        accountId: targetId,
        providerId: 'credential',
        password: values.passwordHash,
      })),
    );
  },
  async update(tx, rows) {
    for (const { targetId, values } of rows) {
      await tx
        .update(users)
        .set({ name: values.name, role: values.role, clientId: values.clientId, banned: values.disabled, legacy: values.legacy })
        .where(eq(users.id, targetId));
      // A changed source password replaces only a source hash nobody has signed in with here yet.
      if (values.passwordHash) {
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
    }
  },
  findExisting: (db, rows) => matchByKey(db, rows, (values) => values.email, users.email, users.id, true),
  async link(tx, rows) {
    for (const { targetId, values } of rows) await tx.update(users).set({ legacy: values.legacy }).where(eq(users.id, targetId));
  },
  existingIds: (db, ids) => idsThatExist(db, users.id, ids),
};

export type SessionValues = {
  title: string;
  description: string | null;
  /** Seconds, as the source said, until the copied video is measured. */
  videoDuration: number;
  /** Whether the source shows it; it is shown here only once its video is here too. */
  sourceIsActive: boolean;
  createdAt: SourceTime;
  updatedAt: SourceTime;
  legacy: Legacy | null;
};

export const sessionWriter: TableWriter<SessionValues> = {
  table: 'job_readiness_expert_sessions',
  async insert(tx, rows) {
    await tx.insert(expertSessions).values(
      rows.map(({ targetId, values }) => ({
        id: targetId,
        title: values.title,
        description: values.description,
        videoDuration: values.videoDuration,
        isActive: false,
        createdAt: atOrNow(values.createdAt),
        updatedAt: atOrNow(values.updatedAt),
        legacy: values.legacy,
      })),
    );
  },
  async update(tx, rows) {
    for (const { targetId, values } of rows) {
      await tx
        .update(expertSessions)
        .set({
          title: values.title,
          description: values.description,
          // A measured duration stays; without a video here the session stays hidden.
          videoDuration: sql`case when ${expertSessions.videoStorageKey} is null then ${values.videoDuration} else ${expertSessions.videoDuration} end`,
          isActive: sql`${expertSessions.videoStorageKey} is not null and ${values.sourceIsActive}`,
          legacy: values.legacy,
        })
        .where(eq(expertSessions.id, targetId));
    }
  },
  existingIds: (db, ids) => idsThatExist(db, expertSessions.id, ids),
};

export type SessionProductValues = { expertSessionId: string; productId: string; createdAt: SourceTime };

export const sessionProductWriter: TableWriter<SessionProductValues> = {
  table: 'job_readiness_expert_session_products',
  async insert(tx, rows) {
    await tx
      .insert(expertSessionProducts)
      .values(
        rows.map(({ values }) => ({
          expertSessionId: values.expertSessionId,
          productId: values.productId,
          createdAt: atOrNow(values.createdAt),
        })),
      )
      .onConflictDoNothing();
  },
  async update() {
    // Its two ends are its key.
  },
  existingIds: (db, ids) => existingLinks(db, expertSessionProducts.expertSessionId, expertSessionProducts.productId, ids),
};

export type ProgressValues = {
  studentId: string;
  expertSessionId: string;
  watchTimeSeconds: number;
  completionPercentage: number;
  isCompleted: boolean;
  completedAt: SourceTime;
  lastMilestoneReached: number;
  createdAt: SourceTime;
  updatedAt: SourceTime;
  legacy: Legacy | null;
};

/**
 * Where a student resumes: the source resumed at the last milestone reached, so here the same
 * share of the session's duration (the measured one, once its video is here; see `linkSessionVideo`).
 */
const resumePosition = (values: Pick<ProgressValues, 'isCompleted' | 'lastMilestoneReached' | 'expertSessionId'>) =>
  values.isCompleted
    ? 0
    : sql`(select ${values.lastMilestoneReached} * ${expertSessions.videoDuration} / 100 from ${expertSessions} where ${expertSessions.id} = ${values.expertSessionId})`;

const progressColumns = (values: ProgressValues) => ({
  watchTimeSeconds: values.watchTimeSeconds,
  lastPositionSeconds: resumePosition(values),
  completionPercentage: values.completionPercentage,
  isCompleted: values.isCompleted,
  completedAt: at(values.completedAt),
  lastMilestoneReached: values.lastMilestoneReached,
  legacy: values.legacy,
});

export const progressWriter: TableWriter<ProgressValues> = {
  table: 'job_readiness_expert_session_progress',
  async insert(tx, rows) {
    await tx.insert(expertSessionProgress).values(
      rows.map(({ targetId, values }) => ({
        id: targetId,
        studentId: values.studentId,
        expertSessionId: values.expertSessionId,
        ...progressColumns(values),
        createdAt: atOrNow(values.createdAt),
        updatedAt: atOrNow(values.updatedAt),
      })),
    );
  },
  async update(tx, rows) {
    for (const { targetId, values } of rows) {
      await tx.update(expertSessionProgress).set(progressColumns(values)).where(eq(expertSessionProgress.id, targetId));
    }
  },
  existingIds: (db, ids) => idsThatExist(db, expertSessionProgress.id, ids),
};

export type WorkletValues = {
  certId: string;
  title: string;
  description: string | null;
  status: WorkletStatus;
  startDate: string | null;
  endDate: string | null;
  productId: string;
  createdAt: SourceTime;
  updatedAt: SourceTime;
  legacy: Legacy | null;
};

const workletColumns = (values: WorkletValues) => ({
  certId: values.certId,
  title: values.title,
  description: values.description,
  status: values.status,
  startDate: values.startDate,
  endDate: values.endDate,
  productId: values.productId,
  legacy: values.legacy,
});

export const workletWriter: TableWriter<WorkletValues> = {
  table: 'worklets',
  async insert(tx, rows) {
    await tx.insert(worklets).values(
      rows.map(({ targetId, values }) => ({
        id: targetId,
        ...workletColumns(values),
        createdAt: atOrNow(values.createdAt),
        updatedAt: atOrNow(values.updatedAt),
      })),
    );
  },
  async update(tx, rows) {
    for (const { targetId, values } of rows) await tx.update(worklets).set(workletColumns(values)).where(eq(worklets.id, targetId));
  },
  findExisting: (db, rows) => matchByKey(db, rows, (values) => values.certId, worklets.certId, worklets.id),
  async link(tx, rows) {
    for (const { targetId, values } of rows) await tx.update(worklets).set({ legacy: values.legacy }).where(eq(worklets.id, targetId));
  },
  existingIds: (db, ids) => idsThatExist(db, worklets.id, ids),
};

export type WorkletStudentValues = { workletId: string; studentId: string; createdAt: SourceTime; legacy: Legacy | null };

export const workletStudentWriter: TableWriter<WorkletStudentValues> = {
  table: 'worklet_students',
  async insert(tx, rows) {
    await tx
      .insert(workletStudents)
      .values(
        rows.map(({ values }) => ({
          workletId: values.workletId,
          studentId: values.studentId,
          createdAt: atOrNow(values.createdAt),
          legacy: values.legacy,
        })),
      )
      .onConflictDoNothing();
  },
  async update(tx, rows) {
    for (const { values } of rows) {
      await tx
        .update(workletStudents)
        .set({ legacy: values.legacy })
        .where(and(eq(workletStudents.workletId, values.workletId), eq(workletStudents.studentId, values.studentId)));
    }
  },
  existingIds: (db, ids) => existingLinks(db, workletStudents.workletId, workletStudents.studentId, ids),
};

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

const assignmentColumns = (values: AssignmentValues) => ({
  roleType: values.roleType,
  isActive: values.isActive,
  assignedBy: values.assignedBy,
  notes: values.notes,
  legacy: values.legacy,
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

export const assignmentWriter: TableWriter<AssignmentValues> = {
  table: 'mentor_worklet_assignments',
  async insert(tx, rows) {
    await tx.insert(mentorWorkletAssignments).values(
      rows.map(({ targetId, values }) => ({
        id: targetId,
        mentorId: values.mentorId,
        workletId: values.workletId,
        assignedAt: atOrNow(values.assignedAt),
        ...assignmentColumns(values),
      })),
    );
    await recordImported(tx, rows, { reason: 'Imported from PrismWorklet', atSourceTime: true });
  },
  async update(tx, rows) {
    for (const { targetId, values } of rows) {
      await tx.update(mentorWorkletAssignments).set(assignmentColumns(values)).where(eq(mentorWorkletAssignments.id, targetId));
    }
    await recordImported(tx, rows, { reason: 'Changed in PrismWorklet since the last import', atSourceTime: false });
  },
  existingIds: (db, ids) => idsThatExist(db, mentorWorkletAssignments.id, ids),
};

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
