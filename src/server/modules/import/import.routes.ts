import { z } from 'zod';
import type { AppInstance, RouteRequest } from '../../http/app-instance.ts';
import { errorResponses } from '../../http/schemas.ts';
import { allow } from '../auth/auth.guard.ts';
import { importedRowNotFound } from './import.errors.ts';
import * as repository from './import.repository.ts';
import { importedParams, importedRecordSchema, presentImportedRecord } from './import.schemas.ts';

export function registerImportRoutes(app: AppInstance) {
  app.get('/api/admin/imported/:table/:id', { onRequest: allow('admin'), schema: getImportedRecordSchema }, getImportedRecord);
}

const getImportedRecordSchema = {
  tags: ['Import'],
  summary: 'Where a row came from, and what its source had that no column here holds',
  description: 'For rows brought over by `npm run import` (docs/import.md); a row created here has no sources and no legacy.',
  params: importedParams,
  response: { 200: z.object({ imported: importedRecordSchema }), ...errorResponses },
};
async function getImportedRecord(request: RouteRequest<typeof getImportedRecordSchema>) {
  const { db } = request.server.context;
  const { table, id } = request.params;
  const record = await repository.findImportedRecord(db, table, id);
  if (!record.exists) throw importedRowNotFound();
  return { imported: presentImportedRecord(table, id, record) };
}
