import type { Actor } from '../auth/auth.guard.ts';
import type { Audience } from './expert-sessions.repository.ts';

/**
 * Whose sessions a caller may watch: admins and staff every session (`undefined`: no restriction);
 * a student the active, not deleted sessions linked to their client's products.
 */
export function audienceOf(actor: Actor): Audience | undefined {
  if (actor.role === 'admin' || actor.role === 'staff') return undefined;
  // Students always have a client (a database constraint); anyone else reaches nothing.
  return { clientId: actor.clientId ?? '00000000-0000-0000-0000-000000000000' };
}
