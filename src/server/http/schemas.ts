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

/** `line`: names, titles, ids, searches; `lines`: descriptions, notes, reasons, which keep tab and line breaks. */
export type TextShape = 'line' | 'lines';

/**
 * Control characters (Unicode Cc: U+0000–U+001F, U+007F–U+009F) have no place in what people type,
 * and NUL cannot even be stored (PostgreSQL refuses it).
 */
const forbiddenCharacters: Record<TextShape, { pattern: RegExp; message: string }> = {
  line: { pattern: /\p{Cc}/u, message: 'Must not contain control characters (such as NUL, tab or a line break)' },
  lines: { pattern: /[^\P{Cc}\t\n\r]/u, message: 'Must not contain control characters other than tab and line breaks' },
};
export const hasControlCharacters = (text: string) => forbiddenCharacters.line.pattern.test(text);

const refuseControlCharacters = (schema: z.ZodString, shape: TextShape) => {
  const { pattern, message } = forbiddenCharacters[shape];
  return schema.refine((value) => !pattern.test(value), { message });
};

/** A required, trimmed, non-empty text of at most `max` characters. */
export const requiredText = (max: number, shape: TextShape = 'line') => refuseControlCharacters(z.string().trim().min(1).max(max), shape);
export const optionalText = (max: number, shape: TextShape = 'line') =>
  refuseControlCharacters(z.string().trim().max(max), shape).nullable().optional();
/** `?search=`: one line of at most 200 characters. */
export const searchText = refuseControlCharacters(z.string().trim().max(200), 'line').optional();

/** The years a calendar date may fall in: far enough for any programme, and always a date PostgreSQL can store. */
export const dateYears = { min: 1900, max: 2999 } as const;
/** A calendar date `YYYY-MM-DD` between 1900-01-01 and 2999-12-31. */
export const calendarDate = z.iso.date().refine(
  (value) => {
    const year = Number(value.slice(0, 4));
    return year >= dateYears.min && year <= dateYears.max;
  },
  { message: `Must be a date between ${dateYears.min}-01-01 and ${dateYears.max}-12-31` },
);

/** Ids in a set, with repeats folded ("a repeated id yields one link"). */
export const idSet = z
  .array(z.uuid())
  .max(1000)
  .transform((ids) => [...new Set(ids)]);
