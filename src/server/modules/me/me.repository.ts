import { and, asc, desc, eq, exists, gt, sql } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import type { Actor } from '../auth/auth.guard.ts';
import { authSessions } from '../auth/auth.table.ts';
import { clientProductAssignments, clients } from '../clients/clients.table.ts';
import { products } from '../products/products.table.ts';
import { mentorWorkletAssignments, worklets } from '../worklets/worklets.table.ts';

const productColumns = { id: products.id, name: products.name, type: products.type, description: products.description };

/**
 * The products a user works with: a student's are their client's, while it is active (decision 025);
 * a mentor's are those of the worklets they actively mentor; admins and staff see every product.
 */
export async function findAccessibleProducts(db: Database, actor: Actor) {
  const query = db.select(productColumns).from(products).$dynamic();
  switch (actor.role) {
    case 'student':
      return query
        .innerJoin(clientProductAssignments, eq(clientProductAssignments.productId, products.id))
        .innerJoin(clients, and(eq(clients.id, clientProductAssignments.clientId), eq(clients.isActive, true)))
        .where(eq(clientProductAssignments.clientId, actor.clientId ?? sql`null`))
        .orderBy(asc(products.name));
    case 'mentor':
      return query
        .where(
          exists(
            db
              .select({ one: sql`1` })
              .from(worklets)
              .innerJoin(mentorWorkletAssignments, eq(mentorWorkletAssignments.workletId, worklets.id))
              .where(
                and(
                  eq(worklets.productId, products.id),
                  eq(mentorWorkletAssignments.mentorId, actor.id),
                  eq(mentorWorkletAssignments.isActive, true),
                ),
              ),
          ),
        )
        .orderBy(asc(products.name));
    default:
      return query.orderBy(asc(products.name));
  }
}

export async function findClientSummary(db: Database, clientId: string) {
  const [client] = await db.select({ id: clients.id, name: clients.name }).from(clients).where(eq(clients.id, clientId));
  return client;
}

/** The user's unexpired sessions, newest first. */
export async function findSessionsOf(db: Database, userId: string) {
  return db
    .select({
      id: authSessions.id,
      userAgent: authSessions.userAgent,
      signedInAt: authSessions.createdAt,
      expiresAt: authSessions.expiresAt,
    })
    .from(authSessions)
    .where(and(eq(authSessions.userId, userId), gt(authSessions.expiresAt, sql`now()`)))
    .orderBy(desc(authSessions.createdAt));
}
