import { defineError } from '../../http/errors.ts';

export const importedRowNotFound = defineError('import.not_found', 404, 'No such row.');

// A row an import is writing that our rules refuse. The batch it is in writes nothing (decision 027);
// `details` name the source row (`source_table`, `source_id`), the `field` and its `value`.
export const referenceMissing = defineError('import.reference_missing', 422, 'A source row names a row that is not here.');
export const notAStudent = defineError('import.not_a_student', 422, 'Only students are on teams.');
export const studentWithoutProduct = defineError(
  'import.student_without_product',
  422,
  "A student's client does not have the worklet's product.",
);
export const notAMentor = defineError('import.not_a_mentor', 422, 'Only users with the mentor role are assigned.');
export const primaryTaken = defineError('import.primary_taken', 409, 'The worklet already has another active Primary mentor here.');
export const alreadyAssigned = defineError(
  'import.mentor_already_assigned',
  409,
  'The mentor already has an assignment on this worklet here.',
);
export const progressTaken = defineError('import.progress_taken', 409, 'The student already has progress on this session here.');
