import { defineError } from '../../http/errors.ts';

export const clientNotFound = defineError('clients.not_found', 404, 'No such client.');
export const clientNameTaken = defineError('clients.name_taken', 409, 'A client with this name already exists.');
export const clientHasStudents = defineError(
  'clients.has_students',
  409,
  'This client still has students; move them to another client or deactivate the client instead.',
);
export const productsInUse = defineError(
  'clients.products_in_use',
  409,
  'This client\'s students are on worklets of the products you are removing (listed in details.worklets). Send "leave_worklets": true to remove the products and take those students off those teams.',
);
