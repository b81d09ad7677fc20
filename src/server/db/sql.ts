import { and, eq, getTableName, gt, lt, or, sql, type Column, type SQLWrapper } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Cursor } from '../http/paging.ts';

/**
 * `"table"."column"`. Drizzle leaves columns unqualified in single-table selects, which makes a
 * correlated subquery compare the inner table's column with itself; qualify outer references.
 */
export function qualified(column: Column) {
  return sql`${sql.identifier(getTableName(column.table))}.${sql.identifier(column.name)}`;
}

/**
 * Rows after the keyset cursor in (time, id) order, as placeholders (`cursorTime` as text, to
 * keep microseconds, and `cursorId`; see `cursorValues`) so a paged query stays one prepared statement.
 */
export function afterCursor(cursor: Cursor | undefined, time: PgColumn, id: PgColumn, direction: 'asc' | 'desc') {
  if (!cursor) return undefined;
  const beyond = direction === 'asc' ? gt : lt;
  const at = sql`${sql.placeholder('cursorTime')}::timestamptz`;
  return or(beyond(time, at), and(eq(time, at), beyond(id, sql.placeholder('cursorId'))));
}

/** The placeholder values of a keyset cursor. */
export const cursorValues = (cursor: Cursor | undefined) => ({ cursorTime: cursor?.sortValue, cursorId: cursor?.id });

/** A timestamp as the API writes it, which is what Date.toISOString gives: UTC, milliseconds, `Z`. */
export const isoText = <Text extends string | null = string>(timestamp: SQLWrapper) =>
  sql<Text>`to_char(${timestamp} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
