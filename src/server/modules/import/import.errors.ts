import { defineError } from '../../http/errors.ts';

export const importedRowNotFound = defineError('import.not_found', 404, 'No such row.');
