import type { Database } from '../../db/database.ts';
import type { SignedInActor } from '../auth/auth.guard.ts';
import type { Auth } from '../auth/auth.ts';
import { userNotFound } from '../users/users.errors.ts';
import { assessPassword, type PasswordOwner } from './password-policy.ts';
import { currentPasswordWrong, passwordTooWeak, passwordUnchanged } from './passwords.errors.ts';
import * as repository from './passwords.repository.ts';

export type PasswordHashing = {
  hash(password: string): Promise<string>;
  verify(input: { hash: string; password: string }): Promise<boolean>;
};

/** better-auth's own hashing (scrypt), so that what is set here signs in there. */
export const hashingOf = (auth: Auth): PasswordHashing => ({
  hash: async (password) => (await auth.$context).password.hash(password),
  verify: async (input) => (await auth.$context).password.verify(input),
});

type Dependencies = { hashing: PasswordHashing; sessions: { forgetUser(userId: string): void } };

const fieldError = (path: string, message: string) => ({ fields: [{ path, message }] });

/** Refuses a password the policy does not accept, naming the field it came in (e.g. `body.password`). */
export function assertAcceptablePassword(password: string, owner: PasswordOwner, field: string) {
  const { problem } = assessPassword(password, owner);
  if (problem) throw passwordTooWeak(fieldError(field, problem));
}

/**
 * The signed-in user's own change: their current password proves it is them; the new one must
 * meet the policy and differ from it. Their other sessions end; the one making the change stays.
 */
export async function changeOwnPassword(
  db: Database,
  { hashing, sessions }: Dependencies,
  actor: SignedInActor,
  { currentPassword, newPassword }: { currentPassword: string; newPassword: string },
) {
  const hash = await repository.findPasswordHash(db, actor.id);
  if (!hash || !(await hashing.verify({ hash, password: currentPassword }))) {
    throw currentPasswordWrong(fieldError('body.current_password', 'This is not your current password.'));
  }
  if (newPassword === currentPassword)
    throw passwordUnchanged(fieldError('body.new_password', 'Choose a password different from your current one.'));
  assertAcceptablePassword(newPassword, actor, 'body.new_password');
  const newHash = await hashing.hash(newPassword);
  await db.transaction(async (tx) => {
    await repository.replacePassword(tx, actor.id, newHash, null);
    await repository.deleteSessionsOf(tx, actor.id, { except: actor.sessionId });
  });
  sessions.forgetUser(actor.id);
}

/**
 * An admin sets someone's password (a forgotten one, a handover): it must meet the policy; every
 * session of the user ends (but the admin's own, when it is their own account); by default the
 * user must choose their own password at their next sign-in.
 */
export async function setPasswordAsAdmin(
  db: Database,
  { hashing, sessions }: Dependencies,
  actor: SignedInActor,
  userId: string,
  { password, changeAtNextSignIn }: { password: string; changeAtNextSignIn: boolean },
) {
  const owner = await repository.findPasswordOwner(db, userId);
  if (!owner) throw userNotFound();
  assertAcceptablePassword(password, owner, 'body.password');
  const hash = await hashing.hash(password);
  await db.transaction(async (tx) => {
    await repository.replacePassword(tx, userId, hash, changeAtNextSignIn ? 'set_by_admin' : null);
    await repository.deleteSessionsOf(tx, userId, { except: userId === actor.id ? actor.sessionId : undefined });
  });
  sessions.forgetUser(userId);
}

/**
 * At each password sign-in, the only moment the password is known: a weak one marks the user, who
 * must then change it before anything else; one that meets the policy lifts a "weak" mark.
 */
export async function recheckPasswordAtSignIn(
  db: Database,
  sessions: Dependencies['sessions'],
  user: { id: string; email: string; name: string },
  password: string,
) {
  const { acceptable } = assessPassword(password, user);
  const changed = acceptable ? await repository.clearWeakMark(db, user.id) : await repository.markPasswordWeak(db, user.id);
  if (changed) sessions.forgetUser(user.id);
}
