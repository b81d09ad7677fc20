import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppInstance } from '../../http/app-instance.ts';
import { registerAdminRoutes } from './admin/admin.routes.ts';
import { registerStudentRoutes } from './student/student.routes.ts';
import { registerUploadRoutes } from './uploads/uploads.routes.ts';

/**
 * The module's three sub-features, in one encapsulated scope so the tus body parser and the upload
 * hooks apply to these routes only: uploads (tus, staging, the sweeper) hand the admin's create and
 * change routes their video; the student's routes read what the admin published.
 */
export function registerExpertSessionRoutes(app: AppInstance) {
  app.register(async (instance) => {
    const scoped = instance.withTypeProvider<ZodTypeProvider>();
    const intake = registerUploadRoutes(scoped);
    registerAdminRoutes(scoped, intake);
    registerStudentRoutes(scoped);
  });
}
