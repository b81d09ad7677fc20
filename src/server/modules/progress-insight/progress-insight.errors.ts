import { defineError } from '../../http/errors.ts';

export const sessionNotFound = defineError('progress.session_not_found', 404, 'No such expert session.');
export const studentNotFound = defineError('progress.student_not_found', 404, 'No such student.');
export const scopeNotFound = defineError('progress.scope_not_found', 404, 'No such job-readiness product or client.');
export const workletNotFound = defineError('progress.worklet_not_found', 404, 'No such worklet.');
export const programmeNotFound = defineError('progress.programme_not_found', 404, 'You mentor no worklet of this programme.');
