import type { ProductType, Role } from './auth.ts';

export const roleLabel: Record<Role, string> = { admin: 'Admin', staff: 'Staff', mentor: 'Mentor', student: 'Student' };

export const roleColor: Record<Role, string> = { admin: 'grape', staff: 'blue', mentor: 'orange', student: 'teal' };

export const productTypeLabel: Record<ProductType, string> = {
  JOB_READINESS: 'Job readiness',
  COURSE: 'Course',
  ASSESSMENT: 'Assessment',
};

export const formatDate = (iso: string) => new Date(iso).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
