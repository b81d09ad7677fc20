import { fillPlaceholders, is, type Logger } from 'drizzle-orm';
import { NodePgPreparedQuery } from 'drizzle-orm/node-postgres';
import { createHash } from 'node:crypto';
import type { Database } from './database.ts';
import { compileRowMapper, type SelectedField } from './row-mapper.ts';

/**
 * What this file reads of Drizzle beyond its typed API: a database and its transactions share one
 * dialect object (so it stands for "this database"), a handle's session has the `client` it runs
 * on, and a prepared query keeps that client in its own `client` field, the only part of it tied
 * to a connection; it maps rows with its `customResultMapper` when it has one, from its `fields`
 * and `joinsNotNullableMap` otherwise. On node-postgres it also keeps its placeholders in `params`,
 * its SQL in `queryString`, the pg query config it runs in `queryConfig` and its `logger`: see
 * `executeOnClient`. Checked on first use, and by prepared.test.ts and row-mapper.test.ts, so an
 * upgrade that moves them fails loudly.
 */
type Handle = { dialect: object; _: { session: { client?: unknown } } };
type BoundStatement = {
  client?: unknown;
  fields?: SelectedField[];
  joinsNotNullableMap?: Record<string, boolean>;
  customResultMapper?: (rows: unknown[][]) => unknown;
  execute?: (values?: Record<string, unknown>) => Promise<unknown>;
};
type NodePgStatement = Required<BoundStatement> & {
  client: { query(config: object, values: unknown[]): Promise<{ rows: unknown[][] }> };
  params: unknown[];
  queryString: string;
  queryConfig: object;
  logger: Logger;
};

/**
 * Drizzle's own `execute` wraps each run in three tracing spans and a cache lookup, all no-ops
 * here, each an async step: up to 10 % of the server's CPU for a worklet's mentors
 * (docs/performance.md, session 12). This runs the same query config on the statement's client,
 * logs it as Drizzle does (the statement counter reads that) and maps the rows.
 */
async function executeOnClient(this: NodePgStatement, values: Record<string, unknown> = {}) {
  const params = fillPlaceholders(this.params, values);
  this.logger.logQuery(this.queryString, params);
  // pg 8.23.1 copies a query config's own properties through their descriptors on every call (2.6 µs;
  // brianc/node-postgres#3720, undone by #3743); an empty object inheriting the statement's config has none to copy.
  const result = await this.client.query(Object.create(this.queryConfig), params);
  return this.customResultMapper(result.rows);
}

function runsOnClientDirectly(statement: BoundStatement): boolean {
  if (!statement.customResultMapper || !is(statement as object, NodePgPreparedQuery)) return false;
  const internals = statement as unknown as Partial<NodePgStatement>;
  if (!Array.isArray(internals.params) || typeof internals.queryString !== 'string' || !internals.queryConfig || !internals.logger) {
    throw new Error('Drizzle no longer keeps a node-postgres prepared query’s config where db/prepared.ts expects it.');
  }
  return true;
}

/**
 * PostgreSQL keeps the first 63 bytes of a name, so two longer names that begin alike would name one
 * statement (the second is refused as "already exists"); such a name keeps its start and ends in a
 * hash of the whole.
 */
function postgresName(name: string) {
  if (Buffer.byteLength(name) <= 63) return name;
  return `${name.slice(0, 46)}_${createHash('sha256').update(name).digest('hex').slice(0, 16)}`;
}

const statementsByDatabase = new WeakMap<object, Map<string, BoundStatement>>();

/** A statement's name, or its parts: the parts that are not strings (a filter left out) are skipped. */
type StatementName = string | ReadonlyArray<string | false | null | undefined>;

/**
 * The statement `build` makes, built once per database and prepared under `name`. Drizzle
 * otherwise rebuilds a statement's SQL on every call, and PostgreSQL parses and plans it again:
 * on the hot read paths that was a third of a request's cost (docs/performance.md); its rows are
 * mapped by a mapper compiled for the statement (`row-mapper.ts`). Values go in
 * as `sql.placeholder(…)` and are given to `execute`. `name` must stand for one SQL text: a query
 * whose shape depends on its filters takes the shape into its name, e.g. `['worklets_page', search && 'search']`.
 * `db` may be a transaction: the statement then runs on the transaction's connection.
 */
export function prepared<Query extends { prepare(name: string): unknown }>(
  db: Database,
  statementName: StatementName,
  build: (db: Database) => Query,
): ReturnType<Query['prepare']> {
  const name = typeof statementName === 'string' ? statementName : statementName.filter(Boolean).join('_');
  const {
    dialect,
    _: { session },
  } = db as unknown as Handle;
  let statements = statementsByDatabase.get(dialect);
  if (!statements) {
    statements = new Map();
    statementsByDatabase.set(dialect, statements);
  }
  let statement = statements.get(name);
  if (!statement) {
    // Named for PostgreSQL once, when built: calls look the statement up by its full name.
    statement = build(db).prepare(postgresName(name)) as BoundStatement;
    if (!('client' in statement) || !('client' in session))
      throw new Error('Drizzle no longer keeps a prepared query’s client where db/prepared.ts expects it.');
    if (statement.fields && !statement.customResultMapper) {
      statement.customResultMapper = compileRowMapper(statement.fields, statement.joinsNotNullableMap);
    }
    if (runsOnClientDirectly(statement)) statement.execute = executeOnClient as BoundStatement['execute'];
    statements.set(name, statement);
  }
  if (statement.client === session.client) return statement as ReturnType<Query['prepare']>;
  // The same statement on another connection (a transaction's, or the pool's when it was first
  // built in a transaction): everything but the client comes from the cached one.
  return Object.assign(Object.create(statement) as BoundStatement, { client: session.client }) as ReturnType<Query['prepare']>;
}
