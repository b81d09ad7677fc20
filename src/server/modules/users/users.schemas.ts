import { z } from 'zod';
import { pagingQuery } from '../../http/paging.ts';
import { iso, requiredText, searchText, timestamp } from '../../http/schemas.ts';
import type { UserRow } from './users.repository.ts';
import { newPassword } from '../passwords/passwords.schemas.ts';
import { passwordChangeReasons, userRoles } from './users.table.ts';

export const userRole = z.enum(userRoles);
export const passwordChangeReason = z
  .enum(passwordChangeReasons)
  .nullable()
  .meta({ description: 'Why the user must choose a new password before anything else (weak, set_by_admin); null when they need not' });

export const userSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    email: z.string(),
    role: userRole,
    client: z.object({ id: z.uuid(), name: z.string() }).nullable(),
    disabled: z.boolean(),
    password_change_reason: passwordChangeReason,
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: 'User' });

export const userListQuery = z.object({
  ...pagingQuery,
  search: searchText,
  role: userRole.optional(),
  client_id: z.uuid().optional(),
});

export const createUserBody = z.object({
  email: z.email().max(254),
  name: requiredText(200),
  password: newPassword,
  role: userRole,
  client_id: z.uuid().nullable().optional(),
});

export const updateUserBody = z
  .object({
    name: requiredText(200).optional(),
    role: userRole.optional(),
    client_id: z.uuid().nullable().optional(),
    disabled: z.boolean().optional(),
    leave_worklets: z
      .boolean()
      .optional()
      .meta({
        description:
          'When the new role or client cannot keep the user on some worklets (a student moved to a client without a ' +
          "worklet's product, or given another role; a mentor given another role): take them off those teams, or end " +
          'those assignments, with a timeline entry each. Without it such a change answers 409 with the worklets.',
      }),
  })
  // A password is set with POST /api/admin/users/:id/password; naming one here is refused, not ignored.
  .strict()
  .refine((body) => Object.keys(body).length > 0, { message: 'Name at least one field to change' });

export function presentUser(user: UserRow) {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    role: user.role,
    client: user.clientId ? { id: user.clientId, name: user.clientName ?? '' } : null,
    disabled: user.disabled,
    password_change_reason: user.passwordChangeReason,
    created_at: iso(user.createdAt),
    updated_at: iso(user.updatedAt),
  };
}
