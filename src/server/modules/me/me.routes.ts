import { z } from 'zod';
import type { AppInstance } from '../../app.ts';
import { errorResponses } from '../../http/schemas.ts';
import { actorOf, signedIn } from '../auth/auth.guard.ts';
import { productType } from '../products/products.schemas.ts';
import { userRole } from '../users/users.schemas.ts';
import { findAccessibleProducts, findClientSummary } from './me.repository.ts';

const meSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    email: z.string(),
    role: userRole,
    client: z.object({ id: z.uuid(), name: z.string() }).nullable(),
    products: z.array(z.object({ id: z.uuid(), name: z.string(), type: productType, description: z.string().nullable() })),
  })
  .meta({ id: 'Me' });

export function registerMeRoutes(app: AppInstance) {
  const { db } = app.context;
  app.get(
    '/api/me',
    {
      onRequest: signedIn,
      schema: {
        tags: ['Me'],
        summary: 'The signed-in user with role, client and accessible products',
        response: { 200: z.object({ user: meSchema }), ...errorResponses },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const [client, products] = await Promise.all([
        actor.clientId ? findClientSummary(db, actor.clientId) : undefined,
        findAccessibleProducts(db, actor),
      ]);
      return {
        user: { id: actor.id, name: actor.name, email: actor.email, role: actor.role, client: client ?? null, products },
      };
    },
  );
}
