import { z } from 'zod';

export const idParams = z.object({ id: z.uuid() });

export const errorResponse = z
  .object({
    error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
  })
  .meta({ id: 'Error' });

/** The error statuses an authenticated endpoint can answer, for the OpenAPI document. */
export const errorResponses = {
  400: errorResponse,
  401: errorResponse,
  403: errorResponse,
  404: errorResponse,
  409: errorResponse,
} as const;

export const timestamp = z.string().meta({ format: 'date-time' });
export const iso = (date: Date) => date.toISOString();

/** A required, trimmed, non-empty text of at most `max` characters. */
export const requiredText = (max: number) => z.string().trim().min(1).max(max);
export const optionalText = (max: number) => z.string().trim().max(max).nullable().optional();

/** Ids in a set, with repeats folded ("a repeated id yields one link"). */
export const idSet = z
  .array(z.uuid())
  .max(1000)
  .transform((ids) => [...new Set(ids)]);
