import { z } from 'zod';
import { requiredText, timestamp } from '../../http/schemas.ts';
import { newPassword } from '../passwords/passwords.schemas.ts';
import { passwordMaxLength } from '../passwords/password-policy.ts';
import { productSchema } from '../products/products.schemas.ts';
import { passwordChangeReason, userSchema } from '../users/users.schemas.ts';

/** The signed-in user: the account as admins see it, less what only admins need, plus their products. */
export const meSchema = userSchema
  .pick({ id: true, name: true, email: true, role: true, client: true })
  .extend({
    products: z.array(productSchema.pick({ id: true, name: true, type: true, description: true })),
    password_change_reason: passwordChangeReason.meta({
      description:
        'When set, the user must choose a new password (POST /api/me/password) before anything else: other endpoints answer 403 auth.password_change_required',
    }),
  })
  .meta({ id: 'Me' });

/** Only the name: a role, client or email is the admins' to change, and naming one is refused, not ignored. */
export const updateMeBody = z.object({ name: requiredText(200) }).strict();

export const changePasswordBody = z.object({
  current_password: z.string().min(1).max(passwordMaxLength),
  new_password: newPassword,
});

export const mySessionSchema = z
  .object({
    id: z.uuid(),
    current: z.boolean().meta({ description: 'The session making this request' }),
    user_agent: z.string().nullable(),
    signed_in_at: timestamp,
    expires_at: timestamp,
  })
  .meta({ id: 'MySession' });
