import { CheckboxMultiSelect } from '../../../components/checkbox-multi-select.tsx';
import { errorMessage } from '../../../lib/api-client.ts';
import { useJobReadinessProducts } from '../api/expert-sessions.ts';

/** The JOB_READINESS products a session can belong to. */
export function ProductPicker({ value, onChange, error }: { value: string[]; onChange: (ids: string[]) => void; error?: string }) {
  const products = useJobReadinessProducts();
  return (
    <CheckboxMultiSelect
      label="Products"
      description="Students of clients with any of these products can watch the session."
      required
      placeholder={value.length ? undefined : 'Search products'}
      data={(products.data ?? []).map((product) => ({ value: product.id, label: product.name }))}
      value={value}
      onChange={onChange}
      nothingFoundMessage={products.isPending ? 'Loading products…' : 'No product matches'}
      error={error ?? (products.isError ? errorMessage(products.error) : undefined)}
    />
  );
}
