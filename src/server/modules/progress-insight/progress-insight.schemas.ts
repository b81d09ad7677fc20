import { z } from 'zod';
import { pagedResponse, pagingQuery } from '../../http/paging.ts';
import { timestamp } from '../../http/schemas.ts';
import { jsonText } from '../../http/serializer.ts';
import { productSummary, productType } from '../products/products.schemas.ts';
import { mentorRoles, workletStatuses } from '../worklets/worklets.table.ts';

const exampleId = '3f1c2a9e-8b7d-4c5e-9f10-2a3b4c5d6e7f';
const search = z.string().trim().max(200).optional().meta({ example: 'priya' });

export const watchStatus = z.enum(['not_started', 'in_progress', 'completed']);
const workletStatus = z.enum(workletStatuses);
const mentorRole = z.enum(mentorRoles);
const person = z.object({ id: z.uuid(), name: z.string() });
const clientRef = z.object({ id: z.uuid(), name: z.string() });
const percentage = z.number().min(0).max(100);

export const sessionIdParams = z.object({ id: z.uuid().meta({ example: exampleId }) });
export const studentIdParams = z.object({ id: z.uuid() });
export const workletIdParams = z.object({ id: z.uuid() });
export const productIdParams = z.object({ productId: z.uuid() });

// ---------------------------------------------------------------------------------------------------
// One session

const sessionScopeFields = {
  client_id: z.uuid().optional().meta({ description: 'Only the students of this client.' }),
  product_id: z.uuid().optional().meta({ description: 'Only the students who reach the session through this product.' }),
};

export const sessionSummaryQuery = z.object(sessionScopeFields);

export const sessionStudentsQuery = z.object({
  ...pagingQuery,
  ...sessionScopeFields,
  status: watchStatus.optional(),
  search: search.meta({ description: 'Part of the name or email.' }),
  sort: z.enum(['name', 'progress', 'last_watched']).default('name').meta({
    description:
      '`name` A–Z; `progress` and `last_watched` highest and latest first, those not started last. With `status=not_started` every sort lists by name.',
  }),
});
export const sessionStudentsExportQuery = sessionStudentsQuery.omit({ limit: true, cursor: true });

const totalsSchema = z
  .object({
    eligible_students: z.number().int(),
    not_started: z.number().int(),
    in_progress: z.number().int(),
    completed: z.number().int(),
    reached_25: z.number().int(),
    reached_50: z.number().int(),
    reached_75: z.number().int(),
    completion_rate: percentage.meta({ description: 'Completed ÷ eligible, in percent.' }),
    average_completion_percentage: percentage.meta({ description: 'Over the students who started.' }),
    average_watch_time_seconds: z.number().meta({ description: 'Over the students who started.' }),
  })
  .meta({ id: 'ProgressTotals' });

export const sessionSummaryResponse = z
  .object({
    session: z.object({
      id: z.uuid(),
      title: z.string(),
      is_active: z.boolean(),
      deleted_at: timestamp.nullable(),
      video_duration: z.number(),
      products: z.array(productSummary),
    }),
    totals: totalsSchema,
    clients: z.array(
      clientRef.extend({
        eligible_students: z.number().int(),
        started: z.number().int(),
        completed: z.number().int(),
        completion_rate: percentage,
      }),
    ),
  })
  .meta({
    id: 'SessionProgressSummary',
    description:
      'The stat cards of the drill-down, from the figures kept per client (decision 032): over the same students the ' +
      'rows list with the same `client_id` and `product_id`, so the rows of each status add up to its card.',
  });

export const sessionStudentSchema = z
  .object({
    student: person.extend({ email: z.string() }),
    client: clientRef,
    products: z.array(productSummary).meta({ description: 'The products of the session through which the student reaches it.' }),
    status: watchStatus,
    completion_percentage: percentage,
    watch_time_seconds: z.number(),
    last_position_seconds: z.number(),
    last_watched_at: timestamp.nullable(),
    completed_at: timestamp.nullable(),
  })
  .meta({ id: 'SessionStudentProgress' });

export const sessionStudentsResponse = pagedResponse('students', sessionStudentSchema);

// ---------------------------------------------------------------------------------------------------
// One student

export const studentProfileSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    email: z.string(),
    disabled: z.boolean(),
    created_at: timestamp,
    client: clientRef.extend({ is_active: z.boolean() }),
    products: z.array(productSummary),
    worklets: z.array(
      z.object({
        id: z.uuid(),
        cert_id: z.string(),
        title: z.string(),
        status: workletStatus,
        product: productSummary,
        mentors: z.array(person.extend({ role_type: mentorRole })),
      }),
    ),
    summary: z.object({
      sessions: z.number().int(),
      not_started: z.number().int(),
      in_progress: z.number().int(),
      completed: z.number().int(),
    }),
  })
  .meta({ id: 'StudentProgressProfile' });

export const studentSessionsQuery = z.object({
  ...pagingQuery,
  status: watchStatus.optional(),
  search: search.meta({ description: 'Part of the title.' }),
});
export const studentSessionsExportQuery = studentSessionsQuery.omit({ limit: true, cursor: true });

export const studentSessionRowSchema = z
  .object({
    session: z.object({
      id: z.uuid(),
      title: z.string(),
      video_duration: z.number(),
      is_active: z.boolean(),
      deleted_at: timestamp.nullable(),
    }),
    products: z.array(productSummary),
    reached: z.boolean().meta({ description: 'False for a session the student has progress on but no longer reaches.' }),
    status: watchStatus,
    completion_percentage: percentage,
    watch_time_seconds: z.number(),
    last_position_seconds: z.number(),
    last_watched_at: timestamp.nullable(),
    completed_at: timestamp.nullable(),
  })
  .meta({ id: 'StudentSessionProgress' });

export const studentSessionsResponse = pagedResponse('sessions', studentSessionRowSchema);

// ---------------------------------------------------------------------------------------------------
// Programme report

export const reportQuery = z
  .object({ product_id: z.uuid().optional(), client_id: z.uuid().optional() })
  .refine((query) => query.product_id || query.client_id, { message: 'Name a product_id, a client_id or both', path: ['product_id'] });

export const notStartedQuery = z
  .object({ ...pagingQuery, product_id: z.uuid().optional(), client_id: z.uuid().optional() })
  .refine((query) => query.product_id || query.client_id, { message: 'Name a product_id, a client_id or both', path: ['product_id'] });

const sessionFigure = z.object({
  id: z.uuid(),
  title: z.string(),
  started: z.number().int(),
  completed: z.number().int(),
  completion_rate: percentage,
});

export const reportSchema = z
  .object({
    product: productSummary.nullable(),
    client: clientRef.extend({ is_active: z.boolean() }).nullable(),
    clients: z.number().int().meta({ description: 'Active clients in scope.' }),
    students: z.number().int().meta({ description: 'Their enabled students.' }),
    sessions: z.number().int().meta({ description: 'Active sessions in scope.' }),
    funnel: z
      .object({
        eligible: z.number().int(),
        started: z.number().int(),
        reached_25: z.number().int(),
        reached_50: z.number().int(),
        reached_75: z.number().int(),
        completed: z.number().int(),
      })
      .meta({ description: 'Over (student, session) pairs: every student in scope with every session in scope.' }),
    average_completion_percentage: percentage,
    completion_over_time: z.array(
      z.object({
        week: z.string().meta({ format: 'date', description: 'Its Monday (UTC).' }),
        completions: z.number().int(),
        cumulative: z.number().int(),
      }),
    ),
    least_completed: z.array(sessionFigure),
    most_completed: z.array(sessionFigure),
    not_started_students: z.number().int().meta({ description: 'Students in scope who started none of its sessions.' }),
  })
  .meta({
    id: 'ProgrammeReport',
    description:
      'A product’s sessions for the students of the active clients assigned it, or a client’s students on the sessions of its ' +
      'products, or both. Read from the figures kept per client and session (decision 032).',
  });

export const notStartedResponse = pagedResponse('students', person.extend({ email: z.string(), client: clientRef }));

// ---------------------------------------------------------------------------------------------------
// Mentors

export const workletProgressSchema = z
  .object({
    worklet: z.object({ id: z.uuid(), cert_id: z.string(), title: z.string(), status: workletStatus, product: productSummary }),
    sessions: z.array(z.object({ id: z.uuid(), title: z.string(), video_duration: z.number() })),
    students: z.array(
      person.extend({
        reaches_sessions: z.boolean().meta({ description: 'Enabled, and their client active and assigned the worklet’s product.' }),
        completed: z.number().int(),
        in_progress: z.number().int(),
        not_started: z.number().int(),
        progress: z.array(
          z.object({ session_id: z.uuid(), completion_percentage: percentage, is_completed: z.boolean(), last_watched_at: timestamp }),
        ),
      }),
    ),
  })
  .meta({ id: 'WorkletSessionProgress' });

export const mentorProgrammeSchema = z
  .object({
    product: z.object({ id: z.uuid(), name: z.string(), type: productType, description: z.string().nullable() }),
    sessions: z.number().int(),
    worklets: z.array(
      z.object({
        id: z.uuid(),
        cert_id: z.string(),
        title: z.string(),
        status: workletStatus,
        role_type: mentorRole,
        students: z.number().int(),
        started: z.number().int().meta({ description: 'Sessions started by its students, counted per student.' }),
        completed: z.number().int(),
      }),
    ),
  })
  .meta({ id: 'MentorProgramme' });

/** JSON text written by PostgreSQL in the shape of a schema (the serializer checks it outside production). */
export const presentJson = <Schema extends z.ZodType>(_schema: Schema, json: string) => jsonText<z.infer<Schema>>(json);
