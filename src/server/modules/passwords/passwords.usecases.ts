import crypto from 'node:crypto';
import type { Database } from '../../db/database.ts';
import type { SignedInActor } from '../auth/auth.guard.ts';
import type { Auth } from '../auth/auth.ts';
import type { MailQueue } from '../mail/mail-outbox.ts';
import { userNotFound } from '../users/users.errors.ts';
import { assessPassword, type PasswordOwner } from './password-policy.ts';
import { currentPasswordWrong, passwordTooWeak, passwordUnchanged, resetByEmailUnavailable, resetLinkInvalid } from './passwords.errors.ts';
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

/** How long a link lasts: one the user asked for by email, and one an admin hands over (it may wait for a meeting). */
export const resetLinkLifetimeMs = { requested: 3600_000, handedOver: 24 * 3600_000 };
/** A second request within this time sends nothing: a mailbox cannot be flooded through the form. */
const resetRequestCooldownMs = 2 * 60_000;

const hashOf = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

/** The address of the web app's page that uses a link; the token goes in the fragment, which no server log sees. */
export const resetUrlOf = (publicUrl: string, token: string) => `${publicUrl}/reset-password#token=${token}`;

/** A new link's token (256 bits) and what is stored of it. */
function newResetToken() {
  const token = crypto.randomBytes(32).toString('base64url');
  return { token, tokenHash: hashOf(token) };
}

/**
 * Someone asks for a link by email (decision 037). Whether the address is known is not told: the
 * answer is the same, and a mail goes only to an enabled user who was sent none in the last two
 * minutes. The link and its mail are written together; the mail goes after the commit.
 */
export async function requestPasswordReset(db: Database, mail: MailQueue, email: string) {
  if (!mail.enabled) throw resetByEmailUnavailable();
  const user = await repository.findUserByEmail(db, email);
  if (!user || user.banned) return;
  if (await repository.hasResetTokenSince(db, user.id, new Date(Date.now() - resetRequestCooldownMs))) return;
  const { token, tokenHash } = newResetToken();
  const expiresAt = new Date(Date.now() + resetLinkLifetimeMs.requested);
  await db.transaction(async (tx) => {
    await repository.insertResetToken(tx, { userId: user.id, tokenHash, expiresAt });
    await mail.passwordReset(tx, user.id, { token, expires_at: expiresAt.toISOString() });
  });
  mail.kick();
}

/**
 * An admin makes a link for someone: emailed to them when the server sends mail, otherwise shown
 * to the admin once, to hand over.
 */
export async function issuePasswordReset(db: Database, mail: MailQueue, actor: SignedInActor, userId: string, publicUrl: string) {
  const owner = await repository.findPasswordOwner(db, userId);
  if (!owner) throw userNotFound();
  const { token, tokenHash } = newResetToken();
  const expiresAt = new Date(Date.now() + resetLinkLifetimeMs.handedOver);
  await db.transaction(async (tx) => {
    await repository.insertResetToken(tx, { userId, tokenHash, expiresAt, createdBy: actor.id });
    await mail.passwordReset(tx, userId, { token, expires_at: expiresAt.toISOString(), issued_by: actor.name });
  });
  mail.kick();
  return { emailed: mail.enabled, url: mail.enabled ? null : resetUrlOf(publicUrl, token), expiresAt };
}

/** Whose link this is, while it can be used (for the page that uses it: the name, and the meter's context). */
export async function inspectPasswordReset(db: Database, token: string) {
  const owner = await repository.findResetOwner(db, hashOf(token));
  if (!owner || owner.banned) throw resetLinkInvalid();
  return owner;
}

/**
 * Uses a link: the new password must meet the policy; then, in one transaction, every link of the
 * user ends (so a second use, even at the same moment, fails), the password is replaced without a
 * change due, and every session of the user ends. They sign in with it next.
 */
export async function completePasswordReset(db: Database, { hashing, sessions }: Dependencies, token: string, newPassword: string) {
  const owner = await inspectPasswordReset(db, token);
  assertAcceptablePassword(newPassword, owner, 'body.new_password');
  const hash = await hashing.hash(newPassword);
  await db.transaction(async (tx) => {
    if (!(await repository.consumeResetTokens(tx, owner.userId, hashOf(token)))) throw resetLinkInvalid();
    await repository.replacePassword(tx, owner.userId, hash, null);
    await repository.deleteSessionsOf(tx, owner.userId);
  });
  sessions.forgetUser(owner.userId);
  return { email: owner.email };
}
