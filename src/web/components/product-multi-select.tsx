import { errorMessage } from '../lib/api-client.ts';
import type { ProductType } from '../lib/auth.ts';
import { useProductChoices } from '../lib/product-choices.ts';
import { CheckboxMultiSelect } from './checkbox-multi-select.tsx';

type ProductMultiSelectProps = {
  value: string[];
  onChange: (ids: string[]) => void;
  error?: string;
  /** What choosing a product does, in the user's terms. */
  description: string;
  /** Only products of this type are offered. */
  type?: ProductType;
  required?: boolean;
};

/** Products to tick, searched by name: a client's programmes, or the products a session belongs to. */
export function ProductMultiSelect({ value, onChange, error, description, type, required }: ProductMultiSelectProps) {
  const products = useProductChoices(type);
  return (
    <CheckboxMultiSelect
      label="Products"
      description={description}
      required={required}
      placeholder={value.length ? undefined : 'Search products'}
      data={(products.data ?? []).map((product) => ({ value: product.id, label: product.name }))}
      value={value}
      onChange={onChange}
      nothingFoundMessage={products.isPending ? 'Loading products…' : 'No product matches'}
      error={error ?? (products.isError ? errorMessage(products.error) : undefined)}
      disabled={products.isError}
    />
  );
}
