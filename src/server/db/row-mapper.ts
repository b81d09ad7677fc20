import { Column, getTableName, is, SQL, Subquery } from 'drizzle-orm';

/** A selected field as Drizzle orders them for a statement: where it goes in the result, and what it is. */
export type SelectedField = { path: string[]; field: unknown };
type Decoder = { mapFromDriverValue(value: unknown): unknown };
type Row = Record<string, unknown>;

/** Where Drizzle's `mapResultRow` finds a field's decoder (an SQL's decoder is internal to Drizzle's types). */
function decoderOf(field: unknown): Decoder {
  const decoderOfSql = (sql: unknown) => (sql as { decoder: Decoder }).decoder;
  if (is(field, Column)) return field;
  if (is(field, SQL)) return decoderOfSql(field);
  if (is(field, Subquery)) return decoderOfSql((field as unknown as { _: { sql: SQL } })._.sql);
  return decoderOfSql((field as SQL.Aliased).sql);
}

/**
 * Drizzle's mapping of result rows (`mapResultRow`), with everything that depends only on the
 * statement worked out once instead of for every row and column: each value's decoder and place,
 * and which nested objects stand for a left-joined table (null when the join found nothing, which
 * Drizzle decides from the object's first column). On the long lists this mapping was a fifth of
 * the repository's CPU (docs/performance.md). row-mapper.test.ts checks it against Drizzle's own.
 */
export function compileRowMapper(fields: SelectedField[], joinsNotNullableMap?: Record<string, boolean>) {
  const columns = fields.map(({ path, field }) => ({
    decoder: decoderOf(field),
    parents: path.slice(0, -1),
    key: path.at(-1)!,
  }));
  // Drizzle nullifies `{ name: { …columns of one table } }` when that table may be missing from
  // the join and the object's first column is null.
  const nullable: Array<{ name: string; firstColumn: number }> = [];
  if (joinsNotNullableMap) {
    const objects = new Map<string, { firstColumn: number; table: string | false }>();
    fields.forEach(({ path, field }, index) => {
      if (!is(field, Column) || path.length !== 2) return;
      const table = getTableName(field.table);
      const object = objects.get(path[0]!);
      if (!object) objects.set(path[0]!, { firstColumn: index, table });
      else if (object.table !== table) object.table = false;
    });
    for (const [name, { firstColumn, table }] of objects) {
      if (table !== false && !joinsNotNullableMap[table]) nullable.push({ name, firstColumn });
    }
  }

  return (rows: unknown[][]): Row[] =>
    rows.map((row) => {
      const result: Row = {};
      for (let index = 0; index < columns.length; index += 1) {
        const { decoder, parents, key } = columns[index]!;
        let node = result;
        for (const parent of parents) {
          node[parent] ??= {};
          node = node[parent] as Row;
        }
        const value = row[index];
        node[key] = value === null ? null : decoder.mapFromDriverValue(value);
      }
      for (const { name, firstColumn } of nullable) if (row[firstColumn] === null) result[name] = null;
      return result;
    });
}
