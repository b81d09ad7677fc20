/** The module's URL prefixes: the admin's, the student's, and the resumable uploads' (under the admin's). */
export const adminPath = '/api/admin/job-readiness/expert-sessions';
export const studentPath = '/api/app/job-readiness/expert-sessions';
export const resumableUploadsPath = `${adminPath}/uploads`;
