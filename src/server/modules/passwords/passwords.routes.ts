import { z } from 'zod';
import type { AppInstance, RouteReply, RouteRequest } from '../../http/app-instance.ts';
import { errorResponse, errorResponses, idParams, iso } from '../../http/schemas.ts';
import { actorOf, allow, signedInEvenBeforePasswordChange } from '../auth/auth.guard.ts';
import { presentUser, userSchema } from '../users/users.schemas.ts';
import { getUser } from '../users/users.usecases.ts';
import { assessPassword } from './password-policy.ts';
import {
  issuedResetResponse,
  resetCompleteBody,
  resetOwnerResponse,
  resetRequestBody,
  resetTokenBody,
  setPasswordBody,
  strengthBody,
  strengthSchema,
} from './passwords.schemas.ts';
import {
  completePasswordReset,
  hashingOf,
  inspectPasswordReset,
  issuePasswordReset,
  requestPasswordReset,
  setPasswordAsAdmin,
} from './passwords.usecases.ts';

const resetTags = ['Password reset'];

export function registerPasswordRoutes(app: AppInstance) {
  app.post('/api/passwords/strength', { onRequest: signedInEvenBeforePasswordChange, schema: passwordStrengthSchema }, passwordStrength);
  app.post('/api/admin/users/:id/password', { onRequest: allow('admin'), schema: setUserPasswordSchema }, setUserPassword);
  app.post('/api/admin/users/:id/password-reset', { onRequest: allow('admin'), schema: issueResetSchema }, issueReset);
  app.post('/api/password-resets', { schema: requestResetSchema }, requestReset);
  app.post('/api/password-resets/inspect', { schema: inspectResetSchema }, inspectReset);
  app.post('/api/password-resets/complete', { schema: completeResetSchema }, completeReset);
}

const passwordStrengthSchema = {
  tags: ['Passwords'],
  summary: 'How the password policy judges a password, for a meter beside a new-password field',
  description:
    'The same judgement as where a password is set (decision 026). Give the email and name of the account the ' +
    'password is for: passwords made of them are refused. Nothing is stored.',
  body: strengthBody,
  response: { 200: strengthSchema, ...errorResponses },
};
async function passwordStrength(request: RouteRequest<typeof passwordStrengthSchema>) {
  const { password, email, name } = request.body;
  return assessPassword(password, { email: email ?? undefined, name: name ?? undefined });
}

const setUserPasswordSchema = {
  tags: ['Users'],
  summary: 'Set a user’s password',
  description:
    'The password must meet the policy (400 passwords.too_weak, naming body.password). Every session of the ' +
    'user ends; by default they must choose their own password at their next sign-in.',
  params: idParams,
  body: setPasswordBody,
  response: { 200: z.object({ user: userSchema }), ...errorResponses },
};
async function setUserPassword(request: RouteRequest<typeof setUserPasswordSchema>) {
  const { db, auth, sessions } = request.server.context;
  const { password, change_at_next_sign_in } = request.body;
  await setPasswordAsAdmin(db, { hashing: hashingOf(auth), sessions }, actorOf(request), request.params.id, {
    password,
    changeAtNextSignIn: change_at_next_sign_in,
  });
  return { user: presentUser(await getUser(db, request.params.id)) };
}

const issueResetSchema = {
  tags: ['Users'],
  summary: 'Make a link with which the user chooses a new password',
  description:
    'Valid for 24 hours, once. When the server sends mail (SMTP_URL), the link is emailed to the user and not shown; ' +
    'otherwise it is answered here, this once, to hand over. The user’s password and sessions stay until the link is used.',
  params: idParams,
  response: { 201: issuedResetResponse, ...errorResponses },
};
async function issueReset(request: RouteRequest<typeof issueResetSchema>, reply: RouteReply<typeof issueResetSchema>) {
  const { db, mail, config } = request.server.context;
  const issued = await issuePasswordReset(db, mail, actorOf(request), request.params.id, config.publicUrl);
  return reply.status(201).send({ reset: { emailed: issued.emailed, url: issued.url, expires_at: iso(issued.expiresAt) } });
}

const requestResetSchema = {
  tags: resetTags,
  summary: 'Ask for a link to choose a new password, by email',
  description:
    'No sign-in. 202 whether or not the address belongs to someone; an enabled user gets one email with a link valid for ' +
    'an hour, at most one every two minutes. 409 `passwords.reset_by_email_unavailable` when the server sends no mail ' +
    '(no SMTP_URL): an admin then makes the link (`POST /api/admin/users/{id}/password-reset`).',
  security: [],
  body: resetRequestBody,
  response: { 202: z.null(), 400: errorResponse, 409: errorResponse },
};
async function requestReset(request: RouteRequest<typeof requestResetSchema>, reply: RouteReply<typeof requestResetSchema>) {
  const { db, mail } = request.server.context;
  await requestPasswordReset(db, mail, request.body.email);
  return reply.status(202).send(null);
}

const inspectResetSchema = {
  tags: resetTags,
  summary: 'Whose a password link is, while it can be used',
  description: '404 `passwords.reset_link_invalid` for a link that is unknown, used, expired, or of a disabled user.',
  security: [],
  body: resetTokenBody,
  response: { 200: resetOwnerResponse, 400: errorResponse, 404: errorResponse },
};
async function inspectReset(request: RouteRequest<typeof inspectResetSchema>) {
  const { db } = request.server.context;
  const owner = await inspectPasswordReset(db, request.body.token);
  return { reset: { email: owner.email, name: owner.name, expires_at: iso(owner.expiresAt) } };
}

const completeResetSchema = {
  tags: resetTags,
  summary: 'Choose a new password with a link',
  description:
    'The password must meet the policy (400 `passwords.too_weak` naming `body.new_password`). Then the link and any ' +
    'other of the user’s end, every session of the user ends, and they sign in with the new password. 404 ' +
    '`passwords.reset_link_invalid` as for inspect.',
  security: [],
  body: resetCompleteBody,
  response: { 200: z.object({ email: z.string() }), 400: errorResponse, 404: errorResponse },
};
async function completeReset(request: RouteRequest<typeof completeResetSchema>) {
  const { db, auth, sessions } = request.server.context;
  const { token, new_password } = request.body;
  return completePasswordReset(db, { hashing: hashingOf(auth), sessions }, token, new_password);
}
