import { z } from 'zod';
import type { AppInstance, RouteReply, RouteRequest } from '../../http/app-instance.ts';
import { pagedResponse } from '../../http/paging.ts';
import { errorResponses, idParams } from '../../http/schemas.ts';
import type { Auth } from '../auth/auth.ts';
import { actorOf, allow } from '../auth/auth.guard.ts';
import { createUserBody, presentUser, updateUserBody, userListQuery, userSchema } from './users.schemas.ts';
import * as usecases from './users.usecases.ts';

const tags = ['Users'];
const userResponse = z.object({ user: userSchema });
const hashingWith = (auth: Auth) => async (password: string) => (await auth.$context).password.hash(password);

export function registerUserRoutes(app: AppInstance) {
  app.get('/api/admin/users', { onRequest: allow('admin'), schema: listUsersSchema }, listUsers);
  app.post('/api/admin/users', { onRequest: allow('admin'), schema: createUserSchema }, createUser);
  app.get('/api/admin/users/:id', { onRequest: allow('admin'), schema: getUserSchema }, getUser);
  app.patch('/api/admin/users/:id', { onRequest: allow('admin'), schema: updateUserSchema }, updateUser);
}

const listUsersSchema = {
  tags,
  summary: 'List users, newest first',
  querystring: userListQuery,
  response: { 200: pagedResponse('users', userSchema), ...errorResponses },
};
async function listUsers(request: RouteRequest<typeof listUsersSchema>) {
  const { db } = request.server.context;
  const { client_id, ...query } = request.query;
  const page = await usecases.listUsers(db, { ...query, clientId: client_id });
  return { users: page.items.map(presentUser), next_cursor: page.nextCursor };
}

const createUserSchema = {
  tags,
  summary: 'Create a user (students need a client)',
  body: createUserBody,
  response: { 201: userResponse, ...errorResponses },
};
async function createUser(request: RouteRequest<typeof createUserSchema>, reply: RouteReply<typeof createUserSchema>) {
  const { db, auth } = request.server.context;
  const { client_id, ...input } = request.body;
  const user = await usecases.createUser(db, hashingWith(auth), { ...input, clientId: client_id });
  return reply.status(201).send({ user: presentUser(user) });
}

const getUserSchema = { tags, summary: 'Get a user', params: idParams, response: { 200: userResponse, ...errorResponses } };
async function getUser(request: RouteRequest<typeof getUserSchema>) {
  const { db } = request.server.context;
  return { user: presentUser(await usecases.getUser(db, request.params.id)) };
}

const updateUserSchema = {
  tags,
  summary: 'Change role, client or name; disable or enable',
  description:
    'Disabling ends all of the user’s sessions at once (a password is set with POST /api/admin/users/{id}/password); their worklet assignments are kept (a disabled Primary ' +
    'puts the worklet on `GET /api/worklets/needs-primary`). A role or client change that the user’s worklets ' +
    'cannot keep answers 409 `users.role_change_blocked` or `users.client_change_blocked` with ' +
    '`details.worklets` (each with `role_type` for a mentor’s assignment, null for a student’s team), and ' +
    'nothing changes; `leave_worklets: true` makes the change and takes the user out of those worklets.',
  params: idParams,
  body: updateUserBody,
  response: { 200: userResponse, ...errorResponses },
};
async function updateUser(request: RouteRequest<typeof updateUserSchema>) {
  const { db, sessions } = request.server.context;
  const { client_id, leave_worklets, ...changes } = request.body;
  const user = await usecases.updateUser(db, { sessions }, actorOf(request), request.params.id, {
    ...changes,
    clientId: client_id,
    leaveWorklets: leave_worklets,
  });
  return { user: presentUser(user) };
}
