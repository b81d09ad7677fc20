import { z } from 'zod';
import type { AppInstance } from '../../http/app-instance.ts';
import { pagedResponse } from '../../http/paging.ts';
import { errorResponses, idParams } from '../../http/schemas.ts';
import { allow } from '../auth/auth.guard.ts';
import { createProductBody, presentProduct, productListQuery, productSchema, updateProductBody } from './products.schemas.ts';
import * as usecases from './products.usecases.ts';

const tags = ['Products'];
const manageContent = allow('admin', 'staff');

export function registerProductRoutes(app: AppInstance) {
  const { db } = app.context;

  app.get(
    '/api/admin/products',
    {
      onRequest: manageContent,
      schema: {
        tags,
        summary: 'List products by name',
        querystring: productListQuery,
        response: { 200: pagedResponse('products', productSchema), ...errorResponses },
      },
    },
    async (request) => {
      const page = await usecases.listProducts(db, request.query);
      return { products: page.items.map(presentProduct), next_cursor: page.nextCursor };
    },
  );

  app.post(
    '/api/admin/products',
    {
      onRequest: manageContent,
      schema: {
        tags,
        summary: 'Create a product',
        body: createProductBody,
        response: { 201: z.object({ product: productSchema }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const product = await usecases.createProduct(db, request.body);
      return reply.status(201).send({ product: presentProduct(product) });
    },
  );

  app.get(
    '/api/admin/products/:id',
    {
      onRequest: manageContent,
      schema: {
        tags,
        summary: 'Get a product',
        params: idParams,
        response: { 200: z.object({ product: productSchema }), ...errorResponses },
      },
    },
    async (request) => ({ product: presentProduct(await usecases.getProduct(db, request.params.id)) }),
  );

  app.patch(
    '/api/admin/products/:id',
    {
      onRequest: manageContent,
      schema: {
        tags,
        summary: 'Change a product',
        params: idParams,
        body: updateProductBody,
        response: { 200: z.object({ product: productSchema }), ...errorResponses },
      },
    },
    async (request) => ({ product: presentProduct(await usecases.updateProduct(db, request.params.id, request.body)) }),
  );

  app.delete(
    '/api/admin/products/:id',
    {
      onRequest: manageContent,
      schema: { tags, summary: 'Delete a product and its links', params: idParams, response: { 204: z.null(), ...errorResponses } },
    },
    async (request, reply) => {
      await usecases.deleteProduct(db, request.params.id);
      return reply.status(204).send(null);
    },
  );
}
