import type { UserRole } from '../users/users.table.ts';

// Who may read which progress. Whether a mentor may see a worklet's students is a condition of the
// statement that reads them (`findWorkletProgress`): actively assigned, or the worklet is not found.

/** Drill-downs, student pages, programme reports and their exports: the programme team. */
export const readsEveryonesProgress: UserRole[] = ['admin', 'staff'];

/** A worklet's students' progress: the programme team, and the worklet's active mentors. */
export const readsWorkletProgress: UserRole[] = ['admin', 'staff', 'mentor'];
