import { z } from 'zod';
import type { AppInstance, RouteReply, RouteRequest } from '../../http/app-instance.ts';

const componentStatus = z.object({ status: z.enum(['ok', 'error']), detail: z.string().optional() });

async function probe(check: () => Promise<void>): Promise<z.infer<typeof componentStatus>> {
  try {
    await check();
    return { status: 'ok' };
  } catch (error) {
    return { status: 'error', detail: (error as Error).message };
  }
}

const healthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  database: componentStatus.extend({ engine: z.enum(['pglite', 'postgres']) }),
  storage: componentStatus.extend({
    driver: z.enum(['local', 's3']),
    /** The same on every instance that shares this storage (decision 020). */
    identity: z.string(),
    sharing: z.string(),
  }),
});

export function registerHealthRoutes(app: AppInstance) {
  app.get('/api/health', { schema: getHealthSchema }, getHealth);
}

const getHealthSchema = {
  tags: ['Health'],
  summary: 'Whether the database and the storage answer',
  security: [],
  response: { 200: healthSchema, 503: healthSchema },
};
async function getHealth(request: RouteRequest<typeof getHealthSchema>, reply: RouteReply<typeof getHealthSchema>) {
  const { database, storage, storageIdentity } = request.server.context;
  const checkStorage = async () => {
    await storage.check();
    await storageIdentity.verify();
  };
  const [databaseStatus, storageStatus] = await Promise.all([probe(database.ping), probe(checkStorage)]);
  const healthy = databaseStatus.status === 'ok' && storageStatus.status === 'ok';
  return reply.status(healthy ? 200 : 503).send({
    status: healthy ? 'ok' : 'degraded',
    database: { ...databaseStatus, engine: database.engine },
    storage: { ...storageStatus, driver: storage.driver, identity: storageIdentity.value, sharing: storageIdentity.description },
  });
}
