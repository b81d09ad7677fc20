import { z } from 'zod';
import { requiredText, timestamp } from '../../http/schemas.ts';
import { newPassword } from '../passwords/passwords.schemas.ts';
import { passwordMaxLength } from '../passwords/password-policy.ts';
import { productType } from '../products/products.schemas.ts';
import { passwordChangeReason, userRole } from '../users/users.schemas.ts';

export const meSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    email: z.string(),
    role: userRole,
    client: z.object({ id: z.uuid(), name: z.string() }).nullable(),
    products: z.array(z.object({ id: z.uuid(), name: z.string(), type: productType, description: z.string().nullable() })),
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
