import type { AppInstance } from '../../app.ts';

export function registerExpertSessionRoutes(_app: AppInstance) {}
