import { z } from 'zod';
import type { AppInstance } from '../../http/app-instance.ts';
import { pagedResponse } from '../../http/paging.ts';
import { errorResponses, idParams } from '../../http/schemas.ts';
import { actorOf, allow } from '../auth/auth.guard.ts';
import { createUserBody, presentUser, updateUserBody, userListQuery, userSchema } from './users.schemas.ts';
import * as usecases from './users.usecases.ts';

const tags = ['Users'];
const userResponse = z.object({ user: userSchema });

export function registerUserRoutes(app: AppInstance) {
  const { db, auth, sessions } = app.context;
  const hashPassword = async (password: string) => (await auth.$context).password.hash(password);

  app.get(
    '/api/admin/users',
    {
      onRequest: allow('admin'),
      schema: {
        tags,
        summary: 'List users, newest first',
        querystring: userListQuery,
        response: { 200: pagedResponse('users', userSchema), ...errorResponses },
      },
    },
    async (request) => {
      const { client_id, ...query } = request.query;
      const page = await usecases.listUsers(db, { ...query, clientId: client_id });
      return { users: page.items.map(presentUser), next_cursor: page.nextCursor };
    },
  );

  app.post(
    '/api/admin/users',
    {
      onRequest: allow('admin'),
      schema: {
        tags,
        summary: 'Create a user (students need a client)',
        body: createUserBody,
        response: { 201: userResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { client_id, ...input } = request.body;
      const user = await usecases.createUser(db, hashPassword, { ...input, clientId: client_id });
      return reply.status(201).send({ user: presentUser(user) });
    },
  );

  app.get(
    '/api/admin/users/:id',
    {
      onRequest: allow('admin'),
      schema: { tags, summary: 'Get a user', params: idParams, response: { 200: userResponse, ...errorResponses } },
    },
    async (request) => ({ user: presentUser(await usecases.getUser(db, request.params.id)) }),
  );

  app.patch(
    '/api/admin/users/:id',
    {
      onRequest: allow('admin'),
      schema: {
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
      },
    },
    async (request) => {
      const { client_id, leave_worklets, ...changes } = request.body;
      const user = await usecases.updateUser(db, { sessions }, actorOf(request), request.params.id, {
        ...changes,
        clientId: client_id,
        leaveWorklets: leave_worklets,
      });
      return { user: presentUser(user) };
    },
  );
}
