import { z } from 'zod';
import { pagingQuery } from '../../../http/paging.ts';
import { idSet, optionalText, requiredText, searchText, timestamp } from '../../../http/schemas.ts';
import { jsonText } from '../../../http/serializer.ts';
import { productSummary } from '../../products/products.schemas.ts';
import { captionsSchema, exampleId, exampleProductId, exampleTime, posterUrl } from '../expert-sessions.schemas.ts';
import { StagedVideo } from '../video-file.ts';
import { mediaUrlOf } from '../video-url.ts';
import type { AdminSessionJson } from './admin.repository.ts';

const exampleStats = {
  eligible_students: 40,
  viewers: 25,
  completed_students: 10,
  completion_rate: 25,
  average_completion_percentage: 61.4,
  average_watch_time_seconds: 780,
};

export const captionsResponse = z
  .object({ captions: z.object({ language: z.string(), label: z.string() }) })
  .meta({ example: { captions: { language: 'pt-BR', label: 'Brazilian Portuguese' } } });

export const adminCaptionsSchema = captionsSchema.extend({ size_bytes: z.number().int(), updated_at: timestamp }).meta({
  id: 'ExpertSessionCaptionsFile',
  example: { language: 'en', label: 'English', url: mediaUrlOf(exampleId, 'captions/en'), size_bytes: 18_400, updated_at: exampleTime },
});

export const completionStatsSchema = z
  .object({
    eligible_students: z.number().int(),
    viewers: z.number().int(),
    completed_students: z.number().int(),
    completion_rate: z.number(),
    average_completion_percentage: z.number(),
    average_watch_time_seconds: z.number(),
  })
  .meta({
    id: 'ExpertSessionCompletionStats',
    description: 'Over the distinct students of clients assigned any of the session’s products; rates in percent.',
    example: exampleStats,
  });

export const adminSessionSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    description: z.string().nullable(),
    video_url: z.string().nullable(),
    poster_url: posterUrl,
    captions: z.array(adminCaptionsSchema).meta({ description: 'One WebVTT file per language, by label.' }),
    video_duration: z.number().meta({ description: 'Seconds (to the millisecond), measured on the server from the file.' }),
    video_size_bytes: z.number().int().nullable(),
    video_media_type: z.string().nullable(),
    is_active: z.boolean(),
    deleted_at: timestamp.nullable(),
    created_by: z.uuid().nullable(),
    created_at: timestamp,
    updated_at: timestamp,
    products: z.array(productSummary),
    completion_stats: completionStatsSchema,
  })
  .meta({
    id: 'ExpertSession',
    example: {
      id: exampleId,
      title: 'Answering behavioural questions',
      description: 'A recruiter walks through the STAR method.',
      video_url: mediaUrlOf(exampleId, 'video'),
      poster_url: mediaUrlOf(exampleId, 'poster'),
      captions: [
        { language: 'en', label: 'English', url: mediaUrlOf(exampleId, 'captions/en'), size_bytes: 18_400, updated_at: exampleTime },
      ],
      video_duration: 1260,
      video_size_bytes: 187_000_000,
      video_media_type: 'video/mp4',
      is_active: true,
      deleted_at: null,
      created_by: '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9',
      created_at: exampleTime,
      updated_at: exampleTime,
      products: [{ id: exampleProductId, name: 'Interview Ready', type: 'JOB_READINESS' }],
      completion_stats: exampleStats,
    },
  });

export const sessionResponse = z.object({ session: adminSessionSchema });

const sessionStatus = z.enum(['active', 'inactive', 'deleted']);

export const adminListQuery = z.object({
  ...pagingQuery,
  productId: z.uuid().optional().meta({ example: exampleProductId }),
  search: searchText.meta({ example: 'interview' }),
  status: sessionStatus.optional().meta({ description: 'Default: active and inactive, not deleted.' }),
});

export const summaryQuery = adminListQuery.omit({ limit: true, cursor: true });

export const summaryResponse = z.object({
  summary: z
    .object({
      sessions: z.number().int(),
      active: z.number().int(),
      students_reached: z.number().int().meta({ description: 'Distinct students who started any of these sessions.' }),
      average_completion_percentage: z.number().meta({ description: 'Over those students’ progress on these sessions.' }),
    })
    .meta({
      id: 'ExpertSessionSummary',
      example: { sessions: 42, active: 38, students_reached: 1250, average_completion_percentage: 57.5 },
    }),
});

export function presentSummary(summary: {
  sessions: number;
  active: number;
  studentsReached: number;
  averageCompletionPercentage: number;
}) {
  return {
    sessions: summary.sessions,
    active: summary.active,
    students_reached: summary.studentsReached,
    average_completion_percentage: summary.averageCompletionPercentage,
  };
}

const title = requiredText(200).meta({ example: 'Answering behavioural questions' });
const description = optionalText(5000, 'lines').meta({ example: 'A recruiter walks through the STAR method.' });

/** Only a multipart form can carry one: the handler streams the file part to disk before validation. */
const videoFile = z.instanceof(StagedVideo).meta({
  type: 'string',
  format: 'binary',
  description: 'Multipart only: the video (MP4, WebM or QuickTime, recognised by its bytes).',
});

const uploadId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,128}$/)
  .meta({ description: 'JSON only: the id of one of your finished tus uploads (the last segment of its URL).' });

/**
 * A new session, as a multipart form (`title`, `description`, `product_ids` as a JSON array string
 * or the field repeated, `video_file`) or as JSON naming a finished tus upload (`upload_id`).
 */
export const createBody = z
  .object({
    title,
    description,
    product_ids: idSet.default([]).meta({ example: [exampleProductId] }),
    video_file: videoFile.optional(),
    upload_id: uploadId.optional(),
  })
  .refine((body) => (body.video_file === undefined) !== (body.upload_id === undefined), {
    message: 'Attach a video_file (multipart form) or name an upload_id (JSON), exactly one of them',
    path: ['video_file'],
  })
  .meta({
    example: {
      title: 'Answering behavioural questions',
      description: 'A recruiter walks through the STAR method.',
      product_ids: [exampleProductId],
      upload_id: '9d2c5e0f7a1b4c3d8e6f0a1b2c3d4e5f',
    },
  });

/** JSON (a new video as `upload_id`), or a multipart form with the new video as `video_file`. */
export const updateBody = z
  .object({
    title: title.optional(),
    description,
    is_active: z.boolean().optional(),
    product_ids: idSet.optional(),
    video_file: videoFile.optional(),
    upload_id: uploadId.optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), { message: 'Name at least one field to change' })
  .refine((body) => body.video_file === undefined || body.upload_id === undefined, {
    message: 'Replace the video with a video_file or an upload_id, not both',
    path: ['upload_id'],
  })
  .meta({ example: { title: 'Answering behavioural questions (2026)', is_active: true, product_ids: [exampleProductId] } });

/** `product_ids` repeated (`?product_ids=a&product_ids=b`) or comma-separated (`?product_ids=a,b`); absent: none remain. */
export const removalImpactQuery = z.object({
  product_ids: z
    .preprocess(
      (value) =>
        [value]
          .flat()
          .flatMap((item) => String(item).split(','))
          .map((item) => item.trim())
          .filter(Boolean),
      idSet,
    )
    .default([])
    .meta({ description: 'The products the session would keep (repeated or comma-separated); absent: none.', example: [exampleProductId] }),
});

export const removalImpactResponse = z
  .object({
    impact: z.object({
      removed_products: z.array(productSummary),
      students_losing_access: z.number().int().meta({ description: 'started + completed' }),
      started: z.number().int().meta({ description: 'Students who have started the session but not completed it.' }),
      completed: z.number().int().meta({ description: 'Students who have completed the session.' }),
    }),
  })
  .meta({
    id: 'ExpertSessionRemovalImpact',
    description:
      'Students with progress on the session who reach it today through one of its products but would reach it through none of the remaining ones.',
    example: {
      impact: {
        removed_products: [{ id: '5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f', name: 'Career Launchpad', type: 'JOB_READINESS' }],
        students_losing_access: 7,
        started: 5,
        completed: 2,
      },
    },
  });

export function presentRemovalImpact(impact: { removedProducts: unknown[]; started: number; completed: number }) {
  return {
    impact: {
      removed_products: impact.removedProducts as z.infer<typeof productSummary>[],
      students_losing_access: impact.started + impact.completed,
      started: impact.started,
      completed: impact.completed,
    },
  };
}

/** Written by PostgreSQL in the shape of `adminSessionSchema` (decision 009). */
export const presentAdminSession = (session: AdminSessionJson) => jsonText<z.infer<typeof adminSessionSchema>>(session.json);
