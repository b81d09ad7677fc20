import { z } from 'zod';
import { defineError } from './errors.ts';
import { hasControlCharacters } from './schemas.ts';

/** Keyset paging: the cursor is the (sort value, id) of the last row of the previous page. */
export type Cursor = { sortValue: string; id: string };

/**
 * What a list sorts by, so a cursor's sort value can be checked before it reaches SQL: a
 * timestamp as PostgreSQL writes `timestamptz::text` (`2026-12-07 10:11:12.123456+00`; ISO 8601 with
 * `T` and `Z` is read too), a name (text of at most 1000 characters, no control characters), or a
 * number (decimal, as PostgreSQL writes `numeric::text`).
 */
export type SortKind = 'timestamp' | 'name' | 'number';

/** A forged, damaged or foreign cursor: the caller starts again from the first page (decision 024). */
export const invalidCursor = defineError(
  'pagination.invalid_cursor',
  400,
  'The paging cursor is not valid; start again from the first page.',
);

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.sortValue, cursor.id])).toString('base64url');
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const timestampPattern = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?(?:Z|[+-]\d{2}(?::?\d{2}(?::\d{2})?)?)$/;
/** Longer than any name a list sorts by (they are at most 200 characters). */
const maxNameLength = 1000;
/** base64url of the longest valid cursor: a name of 1000 four-byte characters, JSON-escaped at most, and a UUID. */
const maxCursorLength = 8000;

/** A real calendar time that PostgreSQL reads as a timestamptz in any DateStyle. */
export function isCursorTimestamp(value: string) {
  const match = timestampPattern.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  date.setUTCFullYear(year);
  return year >= 1 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
}

const sortValueIsValid: Record<SortKind, (value: string) => boolean> = {
  timestamp: isCursorTimestamp,
  name: (value) => value.length <= maxNameLength && !hasControlCharacters(value),
  number: (value) => /^-?\d{1,20}(\.\d{1,20})?$/.test(value),
};

/**
 * The cursor of a list sorted by `kind`, checked for shape and types (a timestamp that is one, a
 * UUID), so that whatever reaches PostgreSQL is a value it accepts; anything else is 400
 * `pagination.invalid_cursor` naming `querystring.cursor`.
 */
export function decodeCursor(value: string | undefined, kind: SortKind): Cursor | undefined {
  if (value === undefined || value === '') return undefined;
  const parsed = value.length <= maxCursorLength ? parseJson(Buffer.from(value, 'base64url').toString('utf8')) : undefined;
  if (
    Array.isArray(parsed) &&
    parsed.length === 2 &&
    typeof parsed[0] === 'string' &&
    typeof parsed[1] === 'string' &&
    sortValueIsValid[kind](parsed[0]) &&
    uuidPattern.test(parsed[1])
  ) {
    return { sortValue: parsed[0], id: parsed[1] };
  }
  throw invalidCursor({ fields: [{ path: 'querystring.cursor', message: 'Not a cursor this list wrote' }] });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A page of a list as every list endpoint answers it: `{ [key]: Item[], next_cursor }`. */
export function pagedResponse<Key extends string, Item extends z.ZodType>(key: Key, item: Item) {
  const shape = { [key]: z.array(item), next_cursor: z.string().nullable() };
  return z.object(shape as { [K in Key]: z.ZodArray<Item> } & { next_cursor: z.ZodNullable<z.ZodString> });
}

export const pagingQuery = {
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().optional().meta({ description: 'The `next_cursor` of the previous page.' }),
};

/** Given `limit + 1` rows, returns one page and the cursor of the next. */
export function toPage<Row>(rows: Row[], limit: number, cursorOf: (row: Row) => Cursor) {
  const hasMore = rows.length > limit;
  const items = hasMore ? rows.slice(0, limit) : rows;
  const last = items.at(-1);
  return { items, nextCursor: hasMore && last ? encodeCursor(cursorOf(last)) : null };
}
