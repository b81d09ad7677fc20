import { sql } from 'drizzle-orm';
import type { Database } from '../db/database.ts';
import { addClientProducts, insertClient } from '../modules/clients/clients.repository.ts';
import { insertProduct } from '../modules/products/products.repository.ts';
import type { ProductType } from '../modules/products/products.table.ts';
import { insertUserWithPassword } from '../modules/users/users.repository.ts';
import type { UserRole } from '../modules/users/users.table.ts';
import type { PasswordHasher } from '../modules/users/users.usecases.ts';

/** A declarative description of data; each entry has a key that later entries refer to. */
export type SeedSpec = {
  products?: Record<string, { name: string; description?: string; type?: ProductType }>;
  clients?: Record<string, { name: string; isActive?: boolean; products?: readonly string[] }>;
  users?: Record<string, { email: string; name: string; role: UserRole; password: string; client?: string; disabled?: boolean }>;
};

export type Seeded<Spec extends SeedSpec> = {
  products: Record<keyof NonNullable<Spec['products']>, string>;
  clients: Record<keyof NonNullable<Spec['clients']>, string>;
  users: Record<keyof NonNullable<Spec['users']>, string>;
};

/** Writes the spec in one transaction and returns the ids by key. */
export async function seedDatabase<Spec extends SeedSpec>(db: Database, hashPassword: PasswordHasher, spec: Spec): Promise<Seeded<Spec>> {
  const hashes = new Map<string, string>();
  for (const user of Object.values(spec.users ?? {})) {
    if (!hashes.has(user.password)) hashes.set(user.password, await hashPassword(user.password));
  }
  return db.transaction(async (tx) => {
    const ids = { products: {}, clients: {}, users: {} } as Record<'products' | 'clients' | 'users', Record<string, string>>;
    for (const [key, product] of Object.entries(spec.products ?? {})) {
      ids.products[key] = (await insertProduct(tx, { ...product, type: product.type ?? 'JOB_READINESS' })).id;
    }
    for (const [key, client] of Object.entries(spec.clients ?? {})) {
      const clientId = await insertClient(tx, { name: client.name, isActive: client.isActive });
      ids.clients[key] = clientId;
      await addClientProducts(
        tx,
        clientId,
        (client.products ?? []).map((product) => required(ids.products, product)),
      );
    }
    for (const [key, user] of Object.entries(spec.users ?? {})) {
      const clientId = user.client ? required(ids.clients, user.client) : null;
      ids.users[key] = await insertUserWithPassword(
        tx,
        { email: user.email, name: user.name, role: user.role, clientId },
        hashes.get(user.password)!,
      );
      if (user.disabled) await tx.execute(sql`update users set banned = true where id = ${ids.users[key]}`);
    }
    return ids as Seeded<Spec>;
  });
}

function required(ids: Record<string, string>, key: string) {
  const id = ids[key];
  if (!id) throw new Error(`Seed refers to unknown key "${key}"`);
  return id;
}
