import { TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { IconSearch } from './icons.tsx';

/** A search box and the trimmed term to query with, settled 300 ms after the last keystroke. */
export function useSearchField(label: string, placeholder = 'Search by name') {
  const [value, setValue] = useState('');
  const [term] = useDebouncedValue(value.trim(), 300);
  const field = (
    <TextInput
      label={label}
      placeholder={placeholder}
      leftSection={<IconSearch />}
      value={value}
      onChange={(event) => setValue(event.currentTarget.value)}
      type="search"
    />
  );
  return { term, field, clear: () => setValue('') };
}
