import { getTableName, sql, type Column } from 'drizzle-orm';

/**
 * `"table"."column"`. Drizzle leaves columns unqualified in single-table selects, which makes a
 * correlated subquery compare the inner table's column with itself; qualify outer references.
 */
export function qualified(column: Column) {
  return sql`${sql.identifier(getTableName(column.table))}.${sql.identifier(column.name)}`;
}
