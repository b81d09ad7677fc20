import { z } from 'zod';
import type { AppInstance } from '../../http/app-instance.ts';
import { errorResponses, idParams } from '../../http/schemas.ts';
import { actorOf, allow, signedInEvenBeforePasswordChange } from '../auth/auth.guard.ts';
import { presentUser, userSchema } from '../users/users.schemas.ts';
import { getUser } from '../users/users.usecases.ts';
import { assessPassword } from './password-policy.ts';
import { setPasswordBody, strengthBody, strengthSchema } from './passwords.schemas.ts';
import { hashingOf, setPasswordAsAdmin } from './passwords.usecases.ts';

export function registerPasswordRoutes(app: AppInstance) {
  const { db, auth, sessions } = app.context;
  const hashing = hashingOf(auth);

  app.post(
    '/api/passwords/strength',
    {
      onRequest: signedInEvenBeforePasswordChange,
      schema: {
        tags: ['Passwords'],
        summary: 'How the password policy judges a password, for a meter beside a new-password field',
        description:
          'The same judgement as where a password is set (decision 026). Give the email and name of the account the ' +
          'password is for: passwords made of them are refused. Nothing is stored.',
        body: strengthBody,
        response: { 200: strengthSchema, ...errorResponses },
      },
    },
    async (request) =>
      assessPassword(request.body.password, { email: request.body.email ?? undefined, name: request.body.name ?? undefined }),
  );

  app.post(
    '/api/admin/users/:id/password',
    {
      onRequest: allow('admin'),
      schema: {
        tags: ['Users'],
        summary: 'Set a user’s password',
        description:
          'The password must meet the policy (400 passwords.too_weak, naming body.password). Every session of the ' +
          'user ends; by default they must choose their own password at their next sign-in.',
        params: idParams,
        body: setPasswordBody,
        response: { 200: z.object({ user: userSchema }), ...errorResponses },
      },
    },
    async (request) => {
      const { password, change_at_next_sign_in } = request.body;
      await setPasswordAsAdmin(db, { hashing, sessions }, actorOf(request), request.params.id, {
        password,
        changeAtNextSignIn: change_at_next_sign_in,
      });
      return { user: presentUser(await getUser(db, request.params.id)) };
    },
  );
}
