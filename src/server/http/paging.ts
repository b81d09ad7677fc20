import { z } from 'zod';
import { AppError } from './errors.ts';

/** Keyset paging: the cursor is the (sort value, id) of the last row of the previous page. */
export type Cursor = { sortValue: string; id: string };

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.sortValue, cursor.id])).toString('base64url');
}

export function decodeCursor(value: string | undefined): Cursor | undefined {
  if (!value) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && typeof parsed[0] === 'string' && typeof parsed[1] === 'string') {
      return { sortValue: parsed[0], id: parsed[1] };
    }
  } catch {
    // Falls through to the error below.
  }
  throw new AppError('validation.failed', 400, 'The paging cursor is not valid.', {
    fields: [{ path: 'querystring.cursor', message: 'Invalid cursor' }],
  });
}

/** A page of a list as every list endpoint answers it: `{ [key]: Item[], next_cursor }`. */
export function pagedResponse<Key extends string, Item extends z.ZodType>(key: Key, item: Item) {
  const shape = { [key]: z.array(item), next_cursor: z.string().nullable() };
  return z.object(shape as { [K in Key]: z.ZodArray<Item> } & { next_cursor: z.ZodNullable<z.ZodString> });
}

export const pagingQuery = {
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(500).optional(),
};

/** Given `limit + 1` rows, returns one page and the cursor of the next. */
export function toPage<Row>(rows: Row[], limit: number, cursorOf: (row: Row) => Cursor) {
  const hasMore = rows.length > limit;
  const items = hasMore ? rows.slice(0, limit) : rows;
  const last = items.at(-1);
  return { items, nextCursor: hasMore && last ? encodeCursor(cursorOf(last)) : null };
}
