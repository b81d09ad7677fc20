import { Checkbox, Group, MultiSelect, Text } from '@mantine/core';
import { errorMessage } from '../../../lib/api-client.ts';
import { useProductChoices } from '../api/clients.ts';

/** A searchable multi-select of every product, with a checkbox on each option. */
export function ProductMultiSelect({ value, onChange, error }: { value: string[]; onChange: (ids: string[]) => void; error?: string }) {
  const products = useProductChoices();
  return (
    <MultiSelect
      label="Products"
      description="Students of this client see what these products contain."
      placeholder={value.length ? undefined : 'Search products'}
      data={(products.data ?? []).map((product) => ({ value: product.id, label: product.name }))}
      value={value}
      onChange={onChange}
      searchable
      clearable
      nothingFoundMessage={products.isPending ? 'Loading products…' : 'No product matches'}
      error={error ?? (products.isError ? errorMessage(products.error) : undefined)}
      disabled={products.isError}
      withCheckIcon={false}
      renderOption={({ option, checked }) => (
        <Group gap="sm" wrap="nowrap">
          <Checkbox checked={checked ?? false} onChange={() => {}} tabIndex={-1} aria-hidden size="xs" />
          <Text size="sm">{option.label}</Text>
        </Group>
      )}
      comboboxProps={{ withinPortal: true }}
    />
  );
}
