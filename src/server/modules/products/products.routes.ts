import { z } from 'zod';
import type { AppInstance, RouteReply, RouteRequest } from '../../http/app-instance.ts';
import { pagedResponse } from '../../http/paging.ts';
import { errorResponses, idParams } from '../../http/schemas.ts';
import { allow } from '../auth/auth.guard.ts';
import { createProductBody, presentProduct, productListQuery, productSchema, updateProductBody } from './products.schemas.ts';
import * as usecases from './products.usecases.ts';

const tags = ['Products'];
const manageContent = allow('admin', 'staff');

export function registerProductRoutes(app: AppInstance) {
  app.get('/api/admin/products', { onRequest: manageContent, schema: listProductsSchema }, listProducts);
  app.post('/api/admin/products', { onRequest: manageContent, schema: createProductSchema }, createProduct);
  app.get('/api/admin/products/:id', { onRequest: manageContent, schema: getProductSchema }, getProduct);
  app.patch('/api/admin/products/:id', { onRequest: manageContent, schema: updateProductSchema }, updateProduct);
  app.delete('/api/admin/products/:id', { onRequest: manageContent, schema: deleteProductSchema }, deleteProduct);
}

const listProductsSchema = {
  tags,
  summary: 'List products by name',
  querystring: productListQuery,
  response: { 200: pagedResponse('products', productSchema), ...errorResponses },
};
async function listProducts(request: RouteRequest<typeof listProductsSchema>) {
  const { db } = request.server.context;
  const page = await usecases.listProducts(db, request.query);
  return { products: page.items.map(presentProduct), next_cursor: page.nextCursor };
}

const createProductSchema = {
  tags,
  summary: 'Create a product',
  body: createProductBody,
  response: { 201: z.object({ product: productSchema }), ...errorResponses },
};
async function createProduct(request: RouteRequest<typeof createProductSchema>, reply: RouteReply<typeof createProductSchema>) {
  const { db } = request.server.context;
  const product = await usecases.createProduct(db, request.body);
  return reply.status(201).send({ product: presentProduct(product) });
}

const getProductSchema = {
  tags,
  summary: 'Get a product',
  params: idParams,
  response: { 200: z.object({ product: productSchema }), ...errorResponses },
};
async function getProduct(request: RouteRequest<typeof getProductSchema>) {
  const { db } = request.server.context;
  return { product: presentProduct(await usecases.getProduct(db, request.params.id)) };
}

const updateProductSchema = {
  tags,
  summary: 'Change a product',
  params: idParams,
  body: updateProductBody,
  response: { 200: z.object({ product: productSchema }), ...errorResponses },
};
async function updateProduct(request: RouteRequest<typeof updateProductSchema>) {
  const { db } = request.server.context;
  return { product: presentProduct(await usecases.updateProduct(db, request.params.id, request.body)) };
}

const deleteProductSchema = {
  tags,
  summary: 'Delete a product and its links',
  params: idParams,
  response: { 204: z.null(), ...errorResponses },
};
async function deleteProduct(request: RouteRequest<typeof deleteProductSchema>, reply: RouteReply<typeof deleteProductSchema>) {
  const { db } = request.server.context;
  await usecases.deleteProduct(db, request.params.id);
  return reply.status(204).send(null);
}
