import type { Database } from '../../db/database.ts';
import { decodeCursor, toPage } from '../../http/paging.ts';
import type { Actor } from '../auth/auth.guard.ts';
import { unknownProducts } from '../products/products.errors.ts';
import { findMissingProductIds } from '../products/products.repository.ts';
import { conflictDetails, findTeamsLosingProducts, removeClientStudents } from '../worklets/memberships.usecases.ts';
import { clientNotFound, productsInUse } from './clients.errors.ts';
import * as repository from './clients.repository.ts';

export async function listClients(db: Database, query: { limit: number; cursor?: string; search?: string }) {
  const rows = await repository.listClients(db, { ...query, cursor: decodeCursor(query.cursor, 'name') });
  return toPage(rows, query.limit, (client) => ({ sortValue: client.name, id: client.id }));
}

export async function getClient(db: Database, id: string) {
  const client = await repository.findClient(db, id);
  if (!client) throw clientNotFound();
  return client;
}

export async function createClient(db: Database, input: { name: string; isActive?: boolean; productIds?: string[] }) {
  const id = await db.transaction(async (tx) => {
    const clientId = await repository.insertClient(tx, input);
    if (input.productIds?.length) await replaceProducts(tx, clientId, input.productIds);
    return clientId;
  });
  return getClient(db, id);
}

export async function updateClient(db: Database, id: string, changes: { name?: string; isActive?: boolean }) {
  const updated = await repository.updateClient(db, id, changes);
  if (!updated) throw clientNotFound();
  return getClient(db, id);
}

/** Refused while students belong to it (`clients.has_students`, from the foreign key). */
export async function deleteClient(db: Database, id: string) {
  if (!(await repository.deleteClient(db, id))) throw clientNotFound();
}

/**
 * Replaces the client's product set in one transaction, adding and removing only what changed.
 * Removing a product that the client's students have worklets of is refused with those worklets
 * (a team member's client has the worklet's product), unless `leaveWorklets` takes those students
 * off those teams in the same transaction (decision 025).
 */
export async function setClientProducts(
  db: Database,
  clientId: string,
  productIds: string[],
  { actor, leaveWorklets = false }: { actor: Actor; leaveWorklets?: boolean },
) {
  await db.transaction(async (tx) => {
    // The client before the worklets, as every writer of teams locks them (clients, then worklets).
    if (!(await repository.clientExists(tx, clientId, { lock: true }))) throw clientNotFound();
    await replaceProducts(tx, clientId, productIds, async (removed) => {
      const teams = await findTeamsLosingProducts(tx, clientId, removed);
      if (teams.length === 0) return;
      if (!leaveWorklets) throw productsInUse(conflictDetails(teams));
      await removeClientStudents(tx, (await repository.findClientName(tx, clientId))!, teams, actor);
    });
  });
  return getClient(db, clientId);
}

async function replaceProducts(
  tx: Database,
  clientId: string,
  productIds: string[],
  beforeRemoving?: (removed: string[]) => Promise<void>,
) {
  const missing = await findMissingProductIds(tx, productIds);
  if (missing.length) throw unknownProducts({ product_ids: missing });
  const current = new Set(await repository.findClientProductIds(tx, clientId));
  const wanted = new Set(productIds);
  const removed = [...current].filter((id) => !wanted.has(id));
  if (removed.length) await beforeRemoving?.(removed);
  await repository.removeClientProducts(tx, clientId, removed);
  await repository.addClientProducts(
    tx,
    clientId,
    [...wanted].filter((id) => !current.has(id)),
  );
}
