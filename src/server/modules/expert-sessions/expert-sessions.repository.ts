import { sql, type SQLWrapper } from 'drizzle-orm';
import { qualified } from '../../db/sql.ts';
import { clients } from '../clients/clients.table.ts';
import { expertSessions } from './expert-sessions.table.ts';

// What the admin's and the student's statements both use; each sub-feature's statements are in its own repository.

/** The session's id, qualified, for the subqueries that refer to the row at hand. */
export const sessionId = qualified(expertSessions.id);

/** Who the student API serves: the products of one client, optionally narrowed to one of them. */
export type Audience = { clientId: string; productId?: string };

/** The client exists and is active: its students reach its products (decision 025). */
export const activeClient = (clientId: SQLWrapper) =>
  sql`exists (select 1 from ${clients} where ${qualified(clients.id)} = ${clientId} and ${qualified(clients.isActive)})`;
