import { z } from 'zod';
import type { AppInstance, RouteReply, RouteRequest } from '../../http/app-instance.ts';
import { pagedResponse } from '../../http/paging.ts';
import { errorResponses, idParams } from '../../http/schemas.ts';
import { actorOf, allow } from '../auth/auth.guard.ts';
import { clientListQuery, clientProductsBody, clientSchema, createClientBody, presentClient, updateClientBody } from './clients.schemas.ts';
import * as usecases from './clients.usecases.ts';

const tags = ['Clients'];
const clientResponse = z.object({ client: clientSchema });

export function registerClientRoutes(app: AppInstance) {
  app.get('/api/admin/clients', { onRequest: allow('admin', 'staff'), schema: listClientsSchema }, listClients);
  app.post('/api/admin/clients', { onRequest: allow('admin'), schema: createClientSchema }, createClient);
  app.get('/api/admin/clients/:id', { onRequest: allow('admin', 'staff'), schema: getClientSchema }, getClient);
  app.patch('/api/admin/clients/:id', { onRequest: allow('admin'), schema: updateClientSchema }, updateClient);
  app.delete('/api/admin/clients/:id', { onRequest: allow('admin'), schema: deleteClientSchema }, deleteClient);
  app.put('/api/admin/clients/:id/products', { onRequest: allow('admin', 'staff'), schema: setClientProductsSchema }, setClientProducts);
}

const listClientsSchema = {
  tags,
  summary: 'List clients by name, with their products',
  querystring: clientListQuery,
  response: { 200: pagedResponse('clients', clientSchema), ...errorResponses },
};
async function listClients(request: RouteRequest<typeof listClientsSchema>) {
  const { db } = request.server.context;
  const page = await usecases.listClients(db, request.query);
  return { clients: page.items.map(presentClient), next_cursor: page.nextCursor };
}

const createClientSchema = {
  tags,
  summary: 'Create a client',
  body: createClientBody,
  response: { 201: clientResponse, ...errorResponses },
};
async function createClient(request: RouteRequest<typeof createClientSchema>, reply: RouteReply<typeof createClientSchema>) {
  const { db } = request.server.context;
  const { name, is_active, product_ids } = request.body;
  const client = await usecases.createClient(db, { name, isActive: is_active, productIds: product_ids });
  return reply.status(201).send({ client: presentClient(client) });
}

const getClientSchema = { tags, summary: 'Get a client', params: idParams, response: { 200: clientResponse, ...errorResponses } };
async function getClient(request: RouteRequest<typeof getClientSchema>) {
  const { db } = request.server.context;
  return { client: presentClient(await usecases.getClient(db, request.params.id)) };
}

const updateClientSchema = {
  tags,
  summary: 'Rename, activate or deactivate a client',
  description:
    "A deactivated client's students keep their accounts, teams and progress but reach none of its products' " +
    'expert sessions and worklets (nor count in their statistics) until it is activated again.',
  params: idParams,
  body: updateClientBody,
  response: { 200: clientResponse, ...errorResponses },
};
async function updateClient(request: RouteRequest<typeof updateClientSchema>) {
  const { db } = request.server.context;
  const { name, is_active } = request.body;
  const client = await usecases.updateClient(db, request.params.id, { name, isActive: is_active });
  return { client: presentClient(client) };
}

const deleteClientSchema = {
  tags,
  summary: 'Delete a client that has no students',
  params: idParams,
  response: { 204: z.null(), ...errorResponses },
};
async function deleteClient(request: RouteRequest<typeof deleteClientSchema>, reply: RouteReply<typeof deleteClientSchema>) {
  const { db } = request.server.context;
  await usecases.deleteClient(db, request.params.id);
  return reply.status(204).send(null);
}

const setClientProductsSchema = {
  tags,
  summary: "Replace the client's products (one atomic difference)",
  description:
    'Unknown product ids answer 400 with `details.product_ids` and nothing is written. Removing a product that ' +
    "the client's students have worklets of answers 409 `clients.products_in_use` with `details.worklets` (each " +
    'with the students concerned), unless `leave_worklets: true` takes them off those teams.',
  params: idParams,
  body: clientProductsBody,
  response: { 200: clientResponse, ...errorResponses },
};
async function setClientProducts(request: RouteRequest<typeof setClientProductsSchema>) {
  const { db } = request.server.context;
  const { product_ids, leave_worklets } = request.body;
  const client = await usecases.setClientProducts(db, request.params.id, product_ids, {
    actor: actorOf(request),
    leaveWorklets: leave_worklets,
  });
  return { client: presentClient(client) };
}
