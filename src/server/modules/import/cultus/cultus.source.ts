import pg from 'pg';
import type { SourceRow } from '../source-rows.ts';

/**
 * What the importer reads from a cultus-platform (Supabase) database: Supabase's `auth.users` and
 * the platform's own tables in `public`. Expert sessions come in either phase of their move to
 * many products: with `product_id` on the session, on the junction table, or both.
 */
export type CultusData = {
  authUsers: SourceRow[];
  profiles: SourceRow[];
  students: SourceRow[];
  clients: SourceRow[];
  products: SourceRow[];
  clientProducts: SourceRow[];
  sessions: SourceRow[];
  sessionProducts: SourceRow[];
  progress: SourceRow[];
  /** Where sessions keep their products. */
  sessionLinks: { productIdColumn: boolean; junctionTable: boolean };
};

const required = ['auth.users', 'public.clients', 'public.products', 'public.students', 'public.job_readiness_expert_sessions'];

// Times, dates and numbers exactly as PostgreSQL writes them: Date would drop microseconds and
// offsets, and numeric (DECIMAL(5,2)) is text already.
const asText = new Set([1082, 1114, 1184, 20]);
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    asText.has(oid) ? (value: string) => value : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** Reads everything in one read-only snapshot: the source is never written, and its tables agree with each other. */
export async function readCultus(url: string): Promise<CultusData> {
  const client = new pg.Client({ connectionString: url, types });
  await client.connect();
  try {
    await client.query('start transaction isolation level repeatable read read only');
    const { rows: columns } = await client.query<{ name: string; column_name: string }>(
      `select table_schema || '.' || table_name as name, column_name from information_schema.columns
       where table_schema in ('public', 'auth') order by table_schema, table_name, ordinal_position`,
    );
    const tables = new Map<string, Set<string>>();
    for (const { name, column_name } of columns) tables.set(name, (tables.get(name) ?? new Set()).add(column_name));
    const missing = required.filter((table) => !tables.has(table));
    if (missing.length) throw new Error(`Not a cultus-platform database: ${missing.join(', ')} missing.`);

    const read = async (table: string, order = 'id') => {
      if (!tables.has(table)) return [];
      const [schema, name] = table.split('.') as [string, string];
      const orderBy = order.split(',').filter((column) => tables.get(table)!.has(column.trim()));
      const sql = `select * from ${client.escapeIdentifier(schema)}.${client.escapeIdentifier(name)}${orderBy.length ? ` order by ${orderBy.map((column) => client.escapeIdentifier(column.trim())).join(', ')}` : ''}`;
      return (await client.query(sql)).rows as SourceRow[];
    };
    const data: CultusData = {
      authUsers: await read('auth.users'),
      profiles: await read('public.profiles'),
      students: await read('public.students'),
      clients: await read('public.clients'),
      products: await read('public.products'),
      clientProducts: await read('public.client_product_assignments', 'client_id,product_id'),
      sessions: await read('public.job_readiness_expert_sessions'),
      sessionProducts: await read('public.job_readiness_expert_session_products', 'expert_session_id,product_id'),
      progress: await read('public.job_readiness_expert_session_progress'),
      sessionLinks: {
        productIdColumn: tables.get('public.job_readiness_expert_sessions')!.has('product_id'),
        junctionTable: tables.has('public.job_readiness_expert_session_products'),
      },
    };
    await client.query('commit');
    return data;
  } finally {
    await client.end();
  }
}
