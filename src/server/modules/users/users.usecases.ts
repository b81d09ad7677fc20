import type { Database } from '../../db/database.ts';
import { decodeCursor, toPage } from '../../http/paging.ts';
import type { Actor } from '../auth/auth.guard.ts';
import { clientExists, findClientName } from '../clients/clients.repository.ts';
import { conflictDetails, findWorkletsLeftBy, leaveWorklets } from '../worklets/memberships.usecases.ts';
import {
  cannotDisableSelf,
  clientChangeBlocked,
  roleChangeBlocked,
  studentNeedsClient,
  unknownClient,
  userNotFound,
} from './users.errors.ts';
import { assertAcceptablePassword } from '../passwords/passwords.usecases.ts';
import * as repository from './users.repository.ts';
import type { UserRole } from './users.table.ts';

export type PasswordHasher = (password: string) => Promise<string>;

export async function listUsers(
  db: Database,
  query: { limit: number; cursor?: string; search?: string; role?: UserRole; clientId?: string },
) {
  const rows = await repository.listUsers(db, { ...query, cursor: decodeCursor(query.cursor, 'timestamp') });
  return toPage(rows, query.limit, (user) => ({ sortValue: user.sortKey, id: user.id }));
}

export async function getUser(db: Database, id: string) {
  const user = await repository.findUser(db, id);
  if (!user) throw userNotFound();
  return user;
}

export async function createUser(
  db: Database,
  hashPassword: PasswordHasher,
  input: { email: string; name: string; password: string; role: UserRole; clientId?: string | null },
) {
  const clientId = input.role === 'student' ? input.clientId : (input.clientId ?? null);
  if (input.role === 'student' && !clientId)
    throw studentNeedsClient({ fields: [{ path: 'body.client_id', message: 'Required for students' }] });
  assertAcceptablePassword(input.password, input, 'body.password');
  const passwordHash = await hashPassword(input.password);
  const id = await db.transaction(async (tx) => {
    if (clientId && !(await clientExists(tx, clientId))) throw unknownClient({ client_id: clientId });
    return repository.insertUserWithPassword(tx, { ...input, clientId: clientId ?? null }, passwordHash);
  });
  return getUser(db, id);
}

/**
 * Changes a user. Disabling also ends every session of theirs, so they lose access on their
 * next request; the request itself is refused for a disabled user even without that. Once
 * committed, the server's cached copies of the user (their role, client, name) are forgotten.
 *
 * A new role or client that the worklets they are on could not keep (a student moved to a client
 * without a worklet's product, or given another role; a mentor given another role) is refused
 * with those worklets, unless `leaveWorklets` takes them off those teams or ends those
 * assignments in the same transaction (decision 025). Disabling keeps everything: a disabled
 * mentor's worklets are listed as needing a new Primary until they are enabled again.
 */
export async function updateUser(
  db: Database,
  { sessions }: { sessions: { forgetUser(userId: string): void } },
  actor: Actor,
  id: string,
  changes: { name?: string; role?: UserRole; clientId?: string | null; disabled?: boolean; leaveWorklets?: boolean },
) {
  if (id === actor.id && (changes.disabled === true || (changes.role && changes.role !== 'admin'))) throw cannotDisableSelf();
  await db.transaction(async (tx) => {
    const current = await repository.lockUser(tx, id);
    if (!current) throw userNotFound();
    const role = changes.role ?? current.role;
    const clientId = changes.clientId !== undefined ? changes.clientId : current.clientId;
    if (role === 'student' && !clientId)
      throw studentNeedsClient({ fields: [{ path: 'body.client_id', message: 'Required for students' }] });
    const clientName = changes.clientId ? await findClientName(tx, changes.clientId) : undefined;
    if (changes.clientId && clientName === undefined) throw unknownClient({ client_id: changes.clientId });
    const next = { role, clientId, clientName };
    const left = await findWorkletsLeftBy(tx, current, next);
    if (left.length && !changes.leaveWorklets) {
      throw (role === current.role ? clientChangeBlocked : roleChangeBlocked)(conflictDetails(left));
    }
    await repository.updateUser(tx, id, { name: changes.name, role: changes.role, clientId: changes.clientId, banned: changes.disabled });
    await leaveWorklets(tx, current, next, left, actor);
    if (changes.disabled) await repository.deleteSessionsOf(tx, id);
  });
  sessions.forgetUser(id);
  return getUser(db, id);
}

/** Creates the configured admin at start when no user has that email (production bootstrap). */
export async function ensureAdmin(db: Database, hashPassword: PasswordHasher, admin: { email: string; password: string; name: string }) {
  if (await repository.findUserIdByEmail(db, admin.email)) return false;
  await createUser(db, hashPassword, { ...admin, role: 'admin' });
  return true;
}
