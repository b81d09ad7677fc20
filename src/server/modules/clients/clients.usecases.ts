import type { Database } from '../../db/database.ts';
import { decodeCursor, toPage } from '../../http/paging.ts';
import { unknownProducts } from '../products/products.errors.ts';
import { findMissingProductIds } from '../products/products.repository.ts';
import { clientNotFound } from './clients.errors.ts';
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

/** Replaces the client's product set in one transaction, adding and removing only what changed. */
export async function setClientProducts(db: Database, clientId: string, productIds: string[]) {
  await db.transaction(async (tx) => {
    if (!(await repository.clientExists(tx, clientId, { lock: true }))) throw clientNotFound();
    await replaceProducts(tx, clientId, productIds);
  });
  return getClient(db, clientId);
}

async function replaceProducts(tx: Database, clientId: string, productIds: string[]) {
  const missing = await findMissingProductIds(tx, productIds);
  if (missing.length) throw unknownProducts({ product_ids: missing });
  const current = new Set(await repository.findClientProductIds(tx, clientId));
  const wanted = new Set(productIds);
  await repository.removeClientProducts(tx, clientId, [...current].filter((id) => !wanted.has(id)));
  await repository.addClientProducts(tx, clientId, [...wanted].filter((id) => !current.has(id)));
}
