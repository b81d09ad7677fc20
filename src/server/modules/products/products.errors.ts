import { defineError, type ConstraintMeanings } from '../../http/errors.ts';

export const productNotFound = defineError('products.not_found', 404, 'No such product.');
export const unknownProducts = defineError('products.unknown_ids', 400, 'Some product ids do not exist.');
export const productInUse = defineError('products.in_use', 409, 'Worklets belong to this product; move or remove them first.');
export const productNameTaken = defineError('products.name_taken', 409, 'Another product of this type already has this name.');

/** What this module's constraints mean to a caller, for the one error handler (decision 024). */
export const productConstraints: ConstraintMeanings = {
  // Names are unique per type whatever their case: two products must be told apart in every list.
  products_type_name_key: { field: 'body.name', error: productNameTaken },
};
