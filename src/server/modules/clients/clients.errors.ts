import { defineError, type ConstraintMeanings } from '../../http/errors.ts';
import { unknownProducts } from '../products/products.errors.ts';

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

/** What this module's constraints mean to a caller, for the one error handler (decision 024). */
export const clientConstraints: ConstraintMeanings = {
  clients_name_unique: { field: 'body.name', error: clientNameTaken },
  client_product_assignments_client_id_clients_id_fk: { field: 'params.id', error: clientNotFound },
  // A product deleted while the client's set is replaced: answered as an unknown id, as before the write.
  client_product_assignments_product_id_products_id_fk: { field: 'body.product_ids', error: unknownProducts },
};
