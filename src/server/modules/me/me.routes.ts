import { z } from 'zod';
import type { AppInstance, RouteReply, RouteRequest } from '../../http/app-instance.ts';
import { errorResponses, iso } from '../../http/schemas.ts';
import { actorOf, signedIn, signedInEvenBeforePasswordChange } from '../auth/auth.guard.ts';
import { changeOwnPassword, hashingOf } from '../passwords/passwords.usecases.ts';
import { changePasswordBody, meSchema, mySessionSchema, updateMeBody } from './me.schemas.ts';
import { describeMe, listMySessions, renameMe, signOutOtherDevices } from './me.usecases.ts';

const tags = ['Me'];
const meResponse = z.object({ user: meSchema });

type MeView = Awaited<ReturnType<typeof describeMe>>;
const presentMe = ({ id, name, email, role, client, products, passwordChangeReason }: MeView) => ({
  id,
  name,
  email,
  role,
  client,
  products,
  password_change_reason: passwordChangeReason,
});

export function registerMeRoutes(app: AppInstance) {
  app.get('/api/me', { onRequest: signedInEvenBeforePasswordChange, schema: getMeSchema }, getMe);
  app.patch('/api/me', { onRequest: signedIn, schema: updateMeSchema }, updateMe);
  app.post('/api/me/password', { onRequest: signedInEvenBeforePasswordChange, schema: changePasswordSchema }, changePassword);
  app.get('/api/me/sessions', { onRequest: signedIn, schema: listDevicesSchema }, listDevices);
  app.post('/api/me/sessions/sign-out-others', { onRequest: signedIn, schema: signOutOthersSchema }, signOutOthers);
}

const getMeSchema = {
  tags,
  summary: 'The signed-in user with role, client and accessible products',
  response: { 200: meResponse, ...errorResponses },
};
async function getMe(request: RouteRequest<typeof getMeSchema>) {
  const { db } = request.server.context;
  return { user: presentMe(await describeMe(db, actorOf(request))) };
}

const updateMeSchema = { tags, summary: 'Change your own name', body: updateMeBody, response: { 200: meResponse, ...errorResponses } };
async function updateMe(request: RouteRequest<typeof updateMeSchema>) {
  const { db, sessions } = request.server.context;
  const renamed = await renameMe(db, sessions, actorOf(request), request.body.name);
  return { user: presentMe(await describeMe(db, renamed)) };
}

const changePasswordSchema = {
  tags,
  summary: 'Change your own password',
  description:
    'The current password is required (400 passwords.current_password_wrong). The new one must meet the policy ' +
    '(400 passwords.too_weak) and differ from it (400 passwords.unchanged). Every other session of yours ends; ' +
    'this one stays, and a required password change is then done.',
  body: changePasswordBody,
  response: { 204: z.null(), ...errorResponses },
};
async function changePassword(request: RouteRequest<typeof changePasswordSchema>, reply: RouteReply<typeof changePasswordSchema>) {
  const { db, auth, sessions } = request.server.context;
  const { current_password, new_password } = request.body;
  await changeOwnPassword(db, { hashing: hashingOf(auth), sessions }, actorOf(request), {
    currentPassword: current_password,
    newPassword: new_password,
  });
  return reply.status(204).send(null);
}

const listDevicesSchema = {
  tags,
  summary: 'Where you are signed in: your unexpired sessions, this one first',
  response: { 200: z.object({ sessions: z.array(mySessionSchema) }), ...errorResponses },
};
async function listDevices(request: RouteRequest<typeof listDevicesSchema>) {
  const { db } = request.server.context;
  return {
    sessions: (await listMySessions(db, actorOf(request))).map((session) => ({
      id: session.id,
      current: session.current,
      user_agent: session.userAgent,
      signed_in_at: iso(session.signedInAt),
      expires_at: iso(session.expiresAt),
    })),
  };
}

const signOutOthersSchema = {
  tags,
  summary: 'Sign out of every other device',
  description: 'Ends every session of yours but the one making this request.',
  response: { 200: z.object({ signed_out: z.number().int() }), ...errorResponses },
};
async function signOutOthers(request: RouteRequest<typeof signOutOthersSchema>) {
  const { db, sessions } = request.server.context;
  return { signed_out: await signOutOtherDevices(db, sessions, actorOf(request)) };
}
