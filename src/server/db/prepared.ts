import type { Database } from './database.ts';

const statementsByHandle = new WeakMap<Database, Map<string, unknown>>();

/** A statement's name, or its parts: the parts that are not strings (a filter left out) are skipped. */
type StatementName = string | ReadonlyArray<string | false | null | undefined>;

/**
 * The statement `build` makes, built once per database handle and prepared under `name`. Drizzle
 * otherwise rebuilds a statement's SQL on every call, and PostgreSQL parses and plans it again:
 * on the hot read paths that was a third of a request's cost (docs/performance.md). Values go in
 * as `sql.placeholder(…)` and are given to `execute`. `name` must stand for one SQL text: a query
 * whose shape depends on its filters takes the shape into its name, e.g. `['worklets_page', search && 'search']`.
 */
export function prepared<Query extends { prepare(name: string): unknown }>(
  db: Database,
  statementName: StatementName,
  build: (db: Database) => Query,
): ReturnType<Query['prepare']> {
  const name = typeof statementName === 'string' ? statementName : statementName.filter(Boolean).join('_');
  let statements = statementsByHandle.get(db);
  if (!statements) statementsByHandle.set(db, (statements = new Map()));
  let statement = statements.get(name);
  if (!statement) statements.set(name, (statement = build(db).prepare(name)));
  return statement as ReturnType<Query['prepare']>;
}
