import { defineError, type ConstraintMeanings } from '../../http/errors.ts';
import { clientHasStudents } from '../clients/clients.errors.ts';

export const userNotFound = defineError('users.not_found', 404, 'No such user.');
export const emailTaken = defineError('users.email_taken', 409, 'A user with this email already exists.');
export const studentNeedsClient = defineError('users.client_required', 400, 'A student must belong to a client.');
export const unknownClient = defineError('users.unknown_client', 400, 'There is no such client.');
export const cannotDisableSelf = defineError('users.cannot_change_self', 409, 'You cannot disable yourself or remove your own admin role.');

/** What this module's constraints mean to a caller, for the one error handler (decision 024). */
export const userConstraints: ConstraintMeanings = {
  users_email_unique: { field: 'body.email', error: emailTaken },
  users_client_id_clients_id_fk: { field: 'body.client_id', error: unknownClient, inUse: clientHasStudents },
  users_student_has_client: { field: 'body.client_id', error: studentNeedsClient },
};
