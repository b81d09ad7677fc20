import type { Viewer } from './worklets.repository.ts';

// Which worklets a viewer may see at all is a query condition: `visibleTo` in worklets.repository.ts.

/** Admins and staff manage worklets and see deactivated assignments. */
export const managesWorklets = (viewer: Viewer) => viewer.role === 'admin' || viewer.role === 'staff';

/** A mentor's screens (their worklets, their overview): the mentor themselves, or a manager. */
export const mayViewMentor = (viewer: Viewer, mentorId: string) => managesWorklets(viewer) || viewer.id === mentorId;
