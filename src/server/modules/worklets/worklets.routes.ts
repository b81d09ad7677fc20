import type { AppInstance } from '../../app.ts';

export function registerWorkletRoutes(_app: AppInstance) {}
