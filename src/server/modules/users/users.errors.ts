import { defineError, type ConstraintMeanings } from '../../http/errors.ts';
import { clientHasStudents } from '../clients/clients.errors.ts';

export const userNotFound = defineError('users.not_found', 404, 'No such user.');
export const emailTaken = defineError('users.email_taken', 409, 'A user with this email already exists.');
export const studentNeedsClient = defineError('users.client_required', 400, 'A student must belong to a client.');
export const unknownClient = defineError('users.unknown_client', 400, 'There is no such client.');
export const cannotDisableSelf = defineError('users.cannot_change_self', 409, 'You cannot disable yourself or remove your own admin role.');
export const clientChangeBlocked = defineError(
  'users.client_change_blocked',
  409,
  'This student is on worklets whose product the new client does not have (listed in details.worklets). Send "leave_worklets": true to move them and take them off those teams.',
);
export const roleChangeBlocked = defineError(
  'users.role_change_blocked',
  409,
  'The new role cannot keep this user on their worklets (listed in details.worklets). Send "leave_worklets": true to change it and take them off those teams or end those assignments.',
);

/** What this module's constraints mean to a caller, for the one error handler (decision 024). */
export const userConstraints: ConstraintMeanings = {
  users_email_unique: { field: 'body.email', error: emailTaken },
  users_client_id_clients_id_fk: { field: 'body.client_id', error: unknownClient, inUse: clientHasStudents },
  users_student_has_client: { field: 'body.client_id', error: studentNeedsClient },
};
