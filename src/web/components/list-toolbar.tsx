import { Select, SimpleGrid, type SimpleGridProps } from '@mantine/core';
import { type ReactNode, useState } from 'react';
import { useSearchField } from './search-field.tsx';

type FilterValues = Record<string, string | null>;

/**
 * A list's search term and filters (each a value or null for "any"), whether any of them narrows the
 * list, and `clear` to reset them all: what the toolbar shows and the empty state's "Clear filters" does.
 */
export function useListFilters<Values extends FilterValues>(search: { label: string; placeholder: string }, none: Values) {
  const searchField = useSearchField(search.label, search.placeholder);
  const [values, setValues] = useState(none);
  return {
    searchField: searchField.field,
    term: searchField.term,
    values,
    set: <Key extends keyof Values>(key: Key, value: Values[Key]) => setValues((current) => ({ ...current, [key]: value })),
    active: Boolean(searchField.term) || Object.values(values).some((value) => value !== null),
    clear: () => {
      searchField.clear();
      setValues(none);
    },
  };
}

export type ListFilters<Values extends FilterValues> = ReturnType<typeof useListFilters<Values>>;

/** The row above a list: its search box, then its filters (`FilterSelect`s, or anything else given). */
export function ListToolbar({
  filters,
  cols,
  maw,
  mb = 'md',
  children,
}: {
  filters: { searchField: ReactNode };
  cols: SimpleGridProps['cols'];
  maw?: number;
  mb?: SimpleGridProps['mb'];
  children: ReactNode;
}) {
  return (
    <SimpleGrid cols={cols} maw={maw} mb={mb} spacing="sm">
      {filters.searchField}
      {children}
    </SimpleGrid>
  );
}

/** One filter of a list: a clearable Select bound to `filters.values[name]`. */
export function FilterSelect<Values extends FilterValues, Name extends keyof Values & string>({
  filters,
  name,
  data,
  ...select
}: {
  filters: ListFilters<Values>;
  name: Name;
  label: string;
  placeholder: string;
  data: { value: NonNullable<Values[Name]>; label: string }[];
  searchable?: boolean;
  nothingFoundMessage?: string;
}) {
  return (
    <Select {...select} data={data} value={filters.values[name]} onChange={(value) => filters.set(name, value as Values[Name])} clearable />
  );
}
