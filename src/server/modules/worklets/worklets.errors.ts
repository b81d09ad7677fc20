import { defineError, type ConstraintMeanings } from '../../http/errors.ts';
import { productInUse, unknownProducts } from '../products/products.errors.ts';

export const workletNotFound = defineError('worklets.not_found', 404, 'No such worklet.');
export const certIdTaken = defineError('worklets.cert_id_taken', 409, 'A worklet with this cert_id already exists.');
export const endBeforeStart = defineError('worklets.end_before_start', 422, 'The end date is before the start date.');
export const unknownWorklets = defineError('worklets.unknown_ids', 422, 'Some worklet ids do not exist.');
export const notStudents = defineError('worklets.not_students', 422, 'Some users are not students.');
export const studentsWithoutProduct = defineError(
  'worklets.students_without_product',
  422,
  "Some students belong to a client that does not have this worklet's product.",
);
export const notAMentor = defineError('worklets.not_a_mentor', 422, 'Only users with the mentor role can be assigned.');
export const mentorDisabled = defineError(
  'worklets.mentor_disabled',
  422,
  'This mentor is disabled: they keep what they have, but take on no new assignment and no Primary role until enabled again.',
);
export const mentorNotFound = defineError('worklets.mentor_not_found', 404, 'No such mentor.');
export const otherMentor = defineError('worklets.other_mentor', 403, 'A mentor may only look at their own worklets.');
export const inactiveNotAllowed = defineError(
  'worklets.include_inactive_forbidden',
  403,
  'Only admins and staff may see deactivated assignments.',
);
export const assignmentNotFound = defineError('worklets.assignment_not_found', 404, 'This mentor is not assigned to this worklet.');
export const alreadyAssigned = defineError('worklets.mentor_already_assigned', 409, 'This mentor is already active on this worklet.');
export const primaryTaken = defineError(
  'worklets.primary_taken',
  409,
  'This worklet already has an active Primary mentor; send "handover": true to demote them to Secondary.',
);
export const duplicateMentors = defineError('worklets.duplicate_mentors', 422, 'Each mentor may appear only once.');
export const severalPrimaries = defineError('worklets.several_primaries', 422, 'A worklet has at most one Primary mentor.');

/** What this module's constraints mean to a caller, for the one error handler (decision 024). */
export const workletConstraints: ConstraintMeanings = {
  worklets_cert_id_unique: { field: 'body.cert_id', error: certIdTaken },
  worklets_product_id_products_id_fk: { field: 'body.product_id', error: unknownProducts, inUse: productInUse },
  worklets_dates_check: { field: 'body.end_date', error: endBeforeStart },
  worklet_students_student_id_users_id_fk: { field: 'body.student_ids', error: notStudents },
  // The database's unique indexes are the last word on a write that slipped past the checks.
  unique_mentor_worklet: { field: 'body.mentor_id', error: alreadyAssigned },
  mentor_worklet_assignments_one_active_primary: { field: 'body.role_type', error: primaryTaken },
};
