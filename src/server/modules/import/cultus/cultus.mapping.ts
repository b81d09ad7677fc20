import type { UserRole } from '../../users/users.table.ts';
import { productTypes, type ProductType } from '../../products/products.table.ts';
import { unresolvedReference, type Plan, type PlannedRow, type Problem, type Step } from '../import-plan.ts';
import {
  clientProductWriter,
  clientWriter,
  productWriter,
  progressWriter,
  sessionProductWriter,
  sessionWriter,
  userWriter,
  type ClientProductValues,
  type ClientValues,
  type ProductValues,
  type ProgressValues,
  type SessionProductValues,
  type SessionValues,
  type UserValues,
} from '../import.repository.ts';
import { boolOf, byColumn, intOf, legacyOf, requiredText, restOf, textOf, type SourceRow } from '../source-rows.ts';
import type { CultusData } from './cultus.source.ts';

export type CultusOptions = {
  /** Our client for students the source links to none (`--default-client`). */
  defaultClientId?: string;
  /** Now, for telling whether a Supabase ban is still running. */
  now: Date;
};

/**
 * Columns not kept even in `legacy`: secrets, which must not reach an admin screen. Supabase's
 * one-time tokens and the platform's plain-text temporary passwords (decision 027).
 */
const secretColumns = [
  'encrypted_password',
  'confirmation_token',
  'recovery_token',
  'email_change_token_new',
  'email_change_token_current',
  'phone_change_token',
  'reauthentication_token',
  'temporary_password',
];

/** profiles.role → ours; `viewer` and `client_staff` have no counterpart and are reported. */
const profileRoles: Record<string, UserRole> = { admin: 'admin', staff: 'staff', student: 'student' };

/** Whether the source has a row of this id (a reference to none dangles). */
const has = (rows: SourceRow[], id: unknown) => id !== null && id !== undefined && rows.some((row) => String(row.id) === String(id));

const problem = (sourceTable: string, sourceId: unknown, reason: string, kind: Problem['kind'] = 'skipped'): Problem => ({
  sourceTable,
  sourceId: String(sourceId),
  kind,
  reason,
});

/** The import of a cultus-platform database, table by table, each step referring to the ones before. */
export function cultusSteps(data: CultusData, options: CultusOptions): Step<unknown>[] {
  return [
    { writer: clientWriter, plan: () => planClients(data) },
    { writer: productWriter, plan: () => planProducts(data) },
    { writer: clientProductWriter, plan: (ids) => planClientProducts(data, (table, id) => ids.get(table, id)) },
    { writer: userWriter, plan: (ids) => planPeople(data, options, (id) => ids.get('clients', id)) },
    { writer: sessionWriter, plan: () => planSessions(data) },
    { writer: sessionProductWriter, plan: (ids) => planSessionProducts(data, (table, id) => ids.get(table, id)) },
    { writer: progressWriter, plan: (ids) => planProgress(data, (table, id) => ids.get(table, id)) },
  ];
}

function planClients(data: CultusData): Plan<ClientValues> {
  const rows: PlannedRow<ClientValues>[] = [];
  const problems: Problem[] = [];
  const names = new Set<string>();
  for (const client of data.clients) {
    const id = String(client.id);
    let name = requiredText(client.name) ?? `Client ${id.slice(0, 8)}`;
    // Names are unique here; the source allowed repeats.
    if (names.has(name.toLowerCase())) {
      const renamed = `${name} (${id.slice(0, 8)})`;
      problems.push(problem('clients', id, `the name "${name}" is taken by another client: imported as "${renamed}"`, 'adjusted'));
      name = renamed;
    }
    names.add(name.toLowerCase());
    rows.push({
      sourceTable: 'clients',
      sourceId: id,
      targetId: id,
      values: {
        name,
        isActive: boolOf(client.is_active, true),
        createdAt: textOf(client.created_at),
        updatedAt: textOf(client.updated_at),
        legacy: legacyOf({ clients: restOf(client, ['id', 'name', 'is_active', 'created_at', 'updated_at']) }),
      },
    });
  }
  return { rows, problems };
}

function planProducts(data: CultusData): Plan<ProductValues> {
  const rows: PlannedRow<ProductValues>[] = [];
  const problems: Problem[] = [];
  for (const product of data.products) {
    const id = String(product.id);
    const sourceType = textOf(product.type);
    const known = productTypes.find((type) => type === sourceType?.toUpperCase());
    // Products without a type are the platform's general courses.
    const type: ProductType = known ?? 'COURSE';
    if (!known)
      problems.push(
        problem(
          'products',
          id,
          `type ${sourceType === null ? 'NULL' : `"${sourceType}"`} is not one of ${productTypes.join(', ')}: imported as COURSE`,
          'adjusted',
        ),
      );
    rows.push({
      sourceTable: 'products',
      sourceId: id,
      targetId: id,
      values: {
        name: requiredText(product.name) ?? `Product ${id.slice(0, 8)}`,
        description: textOf(product.description),
        type,
        createdAt: textOf(product.created_at),
        updatedAt: textOf(product.updated_at),
        legacy: legacyOf({
          products: restOf(product, ['id', 'name', 'description', 'created_at', 'updated_at', ...(known ? ['type'] : [])]),
        }),
      },
    });
  }
  return { rows, problems };
}

/** A client's products: both ends must have been imported. */
function planClientProducts(data: CultusData, idOf: (table: string, id: unknown) => string | undefined): Plan<ClientProductValues> {
  const rows: PlannedRow<ClientProductValues>[] = [];
  const problems: Problem[] = [];
  for (const link of data.clientProducts) {
    const sourceId = `${link.client_id}:${link.product_id}`;
    const clientId = idOf('clients', link.client_id);
    const productId = idOf('products', link.product_id);
    if (!clientId || !productId) {
      const [field, value, table, rows] = !clientId
        ? (['client_id', link.client_id, 'clients', data.clients] as const)
        : (['product_id', link.product_id, 'products', data.products] as const);
      problems.push(
        unresolvedReference({ sourceTable: 'client_product_assignments', sourceId, field, value }, { table, inSource: has(rows, value) }),
      );
      continue;
    }
    rows.push({
      sourceTable: 'client_product_assignments',
      sourceId,
      targetId: `${clientId}:${productId}`,
      values: { clientId, productId, createdAt: textOf(link.created_at) },
    });
  }
  return { rows, problems };
}

/**
 * People: a Supabase sign-in (`auth.users`) with a `students` row is a student of that row's
 * client; with a `profiles` row, an admin or staff member. The three tables share the id.
 */
function planPeople(data: CultusData, options: CultusOptions, clientOf: (sourceId: unknown) => string | undefined): Plan<UserValues> {
  const rows: PlannedRow<UserValues>[] = [];
  const problems: Problem[] = [];
  const authById = byColumn(data.authUsers, 'id');
  const profileById = byColumn(data.profiles, 'id');
  const studentById = byColumn(data.students, 'id');
  const ids = [...new Set([...authById.keys(), ...studentById.keys(), ...profileById.keys()])];
  const emails = new Set<string>();

  for (const id of ids) {
    const auth = authById.get(id);
    const student = studentById.get(id);
    const profile = profileById.get(id);
    const sourceTable = auth ? 'auth.users' : student ? 'students' : 'profiles';
    if (auth?.deleted_at) {
      problems.push(problem(sourceTable, id, 'deleted in Supabase (auth.users.deleted_at)'));
      continue;
    }
    if (!student && !profile) {
      problems.push(problem(sourceTable, id, 'a sign-in with neither a profiles nor a students row'));
      continue;
    }
    const email = (requiredText(auth?.email) ?? requiredText(student?.email))?.toLowerCase();
    if (!email) {
      problems.push(problem(sourceTable, id, 'no email address'));
      continue;
    }
    if (emails.has(email)) {
      problems.push(problem(sourceTable, id, `${email} belongs to another person imported before`));
      continue;
    }

    let role: UserRole;
    let clientSourceId: unknown;
    let isActive: boolean;
    if (student) {
      role = 'student';
      clientSourceId = student.client_id;
      isActive = boolOf(student.is_active, true);
    } else {
      const mapped = profileRoles[String(profile!.role)];
      if (!mapped) {
        problems.push(problem('profiles', id, `role "${profile!.role}" has no counterpart here (admin, staff, mentor, student)`));
        continue;
      }
      role = mapped;
      clientSourceId = profile!.client_id;
      isActive = boolOf(profile!.is_active, true) && profile!.status !== 'inactive';
    }
    let clientId = clientSourceId ? clientOf(clientSourceId) : undefined;
    const clientReference = () =>
      unresolvedReference(
        { sourceTable, sourceId: id, field: `${student ? 'students' : 'profiles'}.client_id`, value: clientSourceId },
        { table: 'clients', inSource: has(data.clients, clientSourceId) },
        role === 'student' ? 'skipped' : 'adjusted',
      );
    if (role === 'student' && !clientId) {
      if (clientSourceId) {
        problems.push(clientReference());
        continue;
      }
      if (!options.defaultClientId) {
        problems.push(problem(sourceTable, id, 'a student without a client (name one with --default-client)'));
        continue;
      }
      clientId = options.defaultClientId;
    }
    if (role !== 'student' && clientSourceId && !clientId) problems.push(clientReference());
    const bannedUntil = textOf(auth?.banned_until);
    const banned = bannedUntil !== null && new Date(bannedUntil).getTime() > options.now.getTime();
    const password = textOf(auth?.encrypted_password);
    emails.add(email);
    rows.push({
      sourceTable,
      sourceId: id,
      targetId: id,
      values: {
        name: requiredText(student?.full_name) ?? requiredText(profile?.full_name) ?? email,
        email,
        role,
        clientId: clientId ?? null,
        disabled: !isActive || banned,
        passwordHash: password?.startsWith('$2') ? password : null,
        createdAt: textOf(student?.created_at ?? auth?.created_at ?? null),
        updatedAt: textOf(student?.updated_at ?? profile?.updated_at ?? auth?.updated_at ?? null),
        legacy: legacyOf({
          'auth.users': restOf(auth, ['id', 'email', 'created_at', 'updated_at'], secretColumns),
          profiles: restOf(profile, ['id', ...(student ? [] : ['full_name', 'role', 'client_id', 'is_active', 'status', 'updated_at'])]),
          students: restOf(student, ['id', 'full_name', 'email', 'client_id', 'is_active', 'created_at', 'updated_at'], secretColumns),
        }),
      },
    });
  }
  return { rows, problems };
}

function planSessions(data: CultusData): Plan<SessionValues> {
  return {
    rows: data.sessions.map((session) => {
      const id = String(session.id);
      return {
        sourceTable: 'job_readiness_expert_sessions',
        sourceId: id,
        targetId: id,
        values: {
          title: requiredText(session.title) ?? `Session ${id.slice(0, 8)}`,
          description: textOf(session.description),
          videoDuration: Math.max(0, intOf(session.video_duration)),
          sourceIsActive: boolOf(session.is_active, true),
          createdAt: textOf(session.created_at),
          updatedAt: textOf(session.updated_at),
          // The URL is where the video was; the copy here has a storage key instead.
          legacy: legacyOf({
            job_readiness_expert_sessions: restOf(session, [
              'id',
              'title',
              'description',
              'is_active',
              'created_at',
              'updated_at',
              'product_id',
            ]),
          }),
        },
      };
    }),
    problems: [],
  };
}

/** Both phases: the junction's rows, and `product_id` where the sessions still carry it (one link each). */
function planSessionProducts(data: CultusData, idOf: (table: string, id: unknown) => string | undefined): Plan<SessionProductValues> {
  const links = new Map<string, SourceRow>();
  for (const link of data.sessionProducts) links.set(`${link.expert_session_id}:${link.product_id}`, link);
  if (data.sessionLinks.productIdColumn) {
    for (const session of data.sessions) {
      const key = `${session.id}:${session.product_id}`;
      if (session.product_id && !links.has(key))
        links.set(key, { expert_session_id: session.id, product_id: session.product_id, created_at: session.created_at });
    }
  }
  const productType = new Map(data.products.map((product) => [String(product.id), textOf(product.type)?.toUpperCase()]));
  const rows: PlannedRow<SessionProductValues>[] = [];
  const problems: Problem[] = [];
  for (const [sourceId, link] of links) {
    const sessionId = idOf('job_readiness_expert_sessions', link.expert_session_id);
    const productId = idOf('products', link.product_id);
    if (!sessionId || !productId) {
      const [field, value, table, rows] = !sessionId
        ? (['expert_session_id', link.expert_session_id, 'job_readiness_expert_sessions', data.sessions] as const)
        : (['product_id', link.product_id, 'products', data.products] as const);
      problems.push(
        unresolvedReference(
          { sourceTable: 'job_readiness_expert_session_products', sourceId, field, value },
          { table, inSource: has(rows, value) },
        ),
      );
      continue;
    }
    if (productType.get(String(link.product_id)) !== 'JOB_READINESS') {
      problems.push(
        problem(
          'job_readiness_expert_session_products',
          sourceId,
          'expert sessions belong to JOB_READINESS products only; this product is not one',
        ),
      );
      continue;
    }
    rows.push({
      sourceTable: 'job_readiness_expert_session_products',
      sourceId,
      targetId: `${sessionId}:${productId}`,
      values: { expertSessionId: sessionId, productId, createdAt: textOf(link.created_at) },
    });
  }
  return { rows, problems };
}

function planProgress(data: CultusData, idOf: (table: string, id: unknown) => string | undefined): Plan<ProgressValues> {
  const rows: PlannedRow<ProgressValues>[] = [];
  const problems: Problem[] = [];
  const student = (id: unknown) => idOf('auth.users', id) ?? idOf('students', id);
  for (const progress of data.progress) {
    const id = String(progress.id);
    const studentId = student(progress.student_id);
    const sessionId = idOf('job_readiness_expert_sessions', progress.expert_session_id);
    if (!studentId || !sessionId) {
      const reference = !studentId
        ? { field: 'student_id', value: progress.student_id, table: 'students', inSource: has(data.students, progress.student_id) }
        : {
            field: 'expert_session_id',
            value: progress.expert_session_id,
            table: 'job_readiness_expert_sessions',
            inSource: has(data.sessions, progress.expert_session_id),
          };
      problems.push(unresolvedReference({ sourceTable: 'job_readiness_expert_session_progress', sourceId: id, ...reference }, reference));
      continue;
    }
    const exact = textOf(progress.completion_percentage) ?? '0';
    let percentage = Number.parseFloat(exact);
    if (!(percentage >= 0 && percentage <= 100)) {
      problems.push(
        problem(
          'job_readiness_expert_session_progress',
          id,
          `completion ${exact} % is outside 0–100: imported as ${percentage > 100 ? 100 : 0}`,
          'adjusted',
        ),
      );
      percentage = percentage > 100 ? 100 : 0;
    }
    const milestone = Math.min(100, Math.max(0, intOf(progress.last_milestone_reached)));
    const isCompleted = boolOf(progress.is_completed, false);
    rows.push({
      sourceTable: 'job_readiness_expert_session_progress',
      sourceId: id,
      targetId: id,
      values: {
        studentId,
        expertSessionId: sessionId,
        watchTimeSeconds: Math.max(0, intOf(progress.watch_time_seconds)),
        completionPercentage: percentage,
        isCompleted,
        completedAt: textOf(progress.completed_at),
        lastMilestoneReached: milestone,
        createdAt: textOf(progress.created_at),
        updatedAt: textOf(progress.updated_at),
        legacy: legacyOf({
          job_readiness_expert_session_progress: restOf(progress, [
            'id',
            'student_id',
            'expert_session_id',
            'watch_time_seconds',
            'completion_percentage',
            'is_completed',
            'completed_at',
            'last_milestone_reached',
            'created_at',
            'updated_at',
          ]),
        }),
      },
    });
  }
  return { rows, problems };
}
