import { z } from 'zod';
import { pagedResponse, pagingQuery } from '../../../http/paging.ts';
import { timestamp } from '../../../http/schemas.ts';
import { jsonText, withFields } from '../../../http/serializer.ts';
import { captionsSchema, exampleId, exampleProductId, exampleTime, posterUrl } from '../expert-sessions.schemas.ts';
import { mediaUrlOf } from '../video-url.ts';
import type { StudentSessionRow } from './student.repository.ts';

const exampleProgress = {
  watch_time_seconds: 600,
  last_position_seconds: 640,
  completion_percentage: 47,
  is_completed: false,
  completed_at: null,
  last_milestone_reached: 25,
  can_resume: true,
  resume_position_seconds: 640,
};

export const progressSchema = z
  .object({
    watch_time_seconds: z.number(),
    last_position_seconds: z.number(),
    completion_percentage: z.number().meta({ description: 'The share watched, rounded down to hundredths.' }),
    is_completed: z.boolean(),
    completed_at: timestamp.nullable(),
    last_milestone_reached: z.number().int(),
    can_resume: z.boolean(),
    resume_position_seconds: z.number(),
  })
  .meta({
    id: 'ExpertSessionProgress',
    example: exampleProgress,
  });

export const studentSessionSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    description: z.string().nullable(),
    video_url: z.string().nullable(),
    poster_url: posterUrl,
    captions: z.array(captionsSchema),
    video_duration: z.number(),
    created_at: timestamp,
    progress: progressSchema,
  })
  .meta({ id: 'StudentExpertSession' });

export const watchStatus = z.enum(['not_started', 'in_progress', 'completed']);

export const studentListQuery = z.object({
  ...pagingQuery,
  productId: z.uuid().optional().meta({ example: exampleProductId }),
  search: z.string().trim().max(200).optional().meta({ description: 'Part of the title.', example: 'interview' }),
  status: watchStatus.optional(),
});

export const studentHighlightsQuery = z.object({
  productId: z.uuid().optional().meta({ example: exampleProductId }),
  limit: z.coerce.number().int().min(1).max(12).default(4),
});

const exampleStudentSession = {
  id: exampleId,
  title: 'Answering behavioural questions',
  description: 'A recruiter walks through the STAR method.',
  video_url: mediaUrlOf(exampleId, 'video'),
  poster_url: mediaUrlOf(exampleId, 'poster'),
  captions: [{ language: 'en', label: 'English', url: mediaUrlOf(exampleId, 'captions/en') }],
  video_duration: 1260,
  created_at: exampleTime,
  progress: exampleProgress,
};

export const studentListResponse = pagedResponse('sessions', studentSessionSchema)
  .extend({
    overall_progress: z
      .object({
        completed_sessions_count: z.number().int(),
        in_progress_sessions_count: z.number().int(),
        total_sessions: z.number().int(),
        progress_percentage: z.number().int(),
      })
      .meta({ description: 'Over every session of the programme (or of all the student’s programmes), whatever the page and filters.' }),
  })
  .meta({
    example: {
      sessions: [exampleStudentSession],
      next_cursor: null,
      overall_progress: { completed_sessions_count: 0, in_progress_sessions_count: 1, total_sessions: 1, progress_percentage: 0 },
    },
  });

export const studentHighlightsResponse = z.object({
  continue_watching: z.array(studentSessionSchema).meta({ description: 'Started and not completed, the latest watched first.' }),
  new_sessions: z.array(studentSessionSchema).meta({ description: 'Added in the last 14 days, the newest first.' }),
});

export const studentSessionResponse = z.object({ session: studentSessionSchema });

/** Seconds as the player reports them, kept to the millisecond (decision 028). */
const seconds = z
  .number()
  .min(0)
  .max(1_000_000)
  .transform((value) => Math.round(value * 1000) / 1000);

export const progressBody = z
  .object({
    watch_time_seconds: seconds,
    last_position_seconds: seconds.optional(),
    trigger_type: z.enum(['milestone', 'pause', 'seek', 'completion', 'unload', 'resume']).optional(),
    milestone: z
      .number()
      .int()
      .min(0)
      .max(100)
      .optional()
      .meta({ description: 'The milestone the player just passed: 10, 25, 50, 75, 90, 95 or 100.' }),
  })
  .meta({ example: { watch_time_seconds: 600, last_position_seconds: 640, trigger_type: 'milestone', milestone: 25 } });

export const progressResponse = z.object({ progress: progressSchema });

/** A saved progress row, written by PostgreSQL in the shape of `progressSchema`. */
export const presentProgress = (saved: { json: string }) => jsonText<z.infer<typeof progressSchema>>(saved.json);

/** What a session the student has not started shows. */
const notStarted: z.infer<typeof progressSchema> = {
  watch_time_seconds: 0,
  last_position_seconds: 0,
  completion_percentage: 0,
  is_completed: false,
  completed_at: null,
  last_milestone_reached: 0,
  can_resume: false,
  resume_position_seconds: 0,
};
const notStartedJson = JSON.stringify(notStarted);

/** The session's stored JSON (decision 016) with the student's progress added. */
export function presentStudentSession({ json, progressJson }: StudentSessionRow) {
  return jsonText<z.infer<typeof studentSessionSchema>>(withFields(json, `,"progress":${progressJson ?? notStartedJson}`));
}
