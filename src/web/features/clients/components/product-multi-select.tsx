import { CheckboxMultiSelect } from '../../../components/checkbox-multi-select.tsx';
import { errorMessage } from '../../../lib/api-client.ts';
import { useProductChoices } from '../api/clients.ts';

/** Every product, to choose a client's set from. */
export function ProductMultiSelect({ value, onChange, error }: { value: string[]; onChange: (ids: string[]) => void; error?: string }) {
  const products = useProductChoices();
  return (
    <CheckboxMultiSelect
      label="Products"
      description="Students of this client see what these products contain."
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
