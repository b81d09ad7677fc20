import type { Legacy } from '../../db/columns.ts';

/** A row as a source driver returned it: column name → value (times as text, decimals as text). */
export type SourceRow = Record<string, unknown>;

/** The columns of `row` that no column here holds (`used`) and that are not secrets (`dropped`). */
export function restOf(row: SourceRow | undefined, used: readonly string[], dropped: readonly string[] = []) {
  if (!row) return undefined;
  const rest: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(row)) {
    if (!used.includes(column) && !dropped.includes(column)) rest[column] = jsonSafe(value);
  }
  return Object.keys(rest).length ? rest : undefined;
}

/** `legacy` from the rest of each source table's row; NULL when every column found a place. */
export function legacyOf(parts: Record<string, unknown>): Legacy | null {
  const kept = Object.fromEntries(
    Object.entries(parts).filter(([, value]) => value !== undefined && !(Array.isArray(value) && value.length === 0)),
  );
  return Object.keys(kept).length ? kept : null;
}

function jsonSafe(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (typeof value === 'bigint') return value.toString();
  return value;
}

export const textOf = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

export function requiredText(value: unknown): string | undefined {
  const text = textOf(value)?.trim();
  return text ? text : undefined;
}

export const boolOf = (value: unknown, fallback: boolean): boolean =>
  value === null || value === undefined ? fallback : value === true || value === 1 || value === '1' || value === 't' || value === 'true';

export function intOf(value: unknown, fallback = 0): number {
  const number = typeof value === 'number' ? value : Number.parseInt(String(value ?? ''), 10);
  return Number.isFinite(number) ? Math.trunc(number) : fallback;
}

export const idText = (value: unknown) => (value === null || value === undefined ? undefined : String(value));

/** Rows by a column's value, for lookups while mapping. */
export function byColumn(rows: SourceRow[], column: string) {
  const map = new Map<string, SourceRow>();
  for (const row of rows) {
    const key = idText(row[column]);
    if (key !== undefined) map.set(key, row);
  }
  return map;
}
