import type { Database } from '../../db/database.ts';
import type { SignedInActor } from '../auth/auth.guard.ts';
import { deleteSessionsOf } from '../passwords/passwords.repository.ts';
import { updateUser } from '../users/users.repository.ts';
import { findAccessibleProducts, findClientSummary, findSessionsOf } from './me.repository.ts';

type Sessions = { forgetUser(userId: string): void };

/** The signed-in user as the app shows them: their client and the products they work with. */
export async function describeMe(db: Database, actor: SignedInActor) {
  const [client, products] = await Promise.all([
    actor.clientId ? findClientSummary(db, actor.clientId) : undefined,
    findAccessibleProducts(db, actor),
  ]);
  return { ...actor, client: client ?? null, products };
}

export async function renameMe(db: Database, sessions: Sessions, actor: SignedInActor, name: string) {
  await updateUser(db, actor.id, { name });
  sessions.forgetUser(actor.id);
  return { ...actor, name };
}

/** Where the user is signed in, the current session first. */
export async function listMySessions(db: Database, actor: SignedInActor) {
  const rows = await findSessionsOf(db, actor.id);
  return rows.map((row) => ({ ...row, current: row.id === actor.sessionId })).sort((a, b) => Number(b.current) - Number(a.current));
}

/** Ends every session of the user but the one making the request; how many ended. */
export async function signOutOtherDevices(db: Database, sessions: Sessions, actor: SignedInActor) {
  const ended = await deleteSessionsOf(db, actor.id, { except: actor.sessionId });
  sessions.forgetUser(actor.id);
  return ended;
}
