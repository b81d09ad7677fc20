import { Checkbox, Group, MultiSelect, type MultiSelectProps, Text } from '@mantine/core';

/** A searchable multi-select whose options carry a checkbox, so picking several reads as ticking boxes. */
export function CheckboxMultiSelect(props: MultiSelectProps) {
  return (
    <MultiSelect
      searchable
      clearable
      withCheckIcon={false}
      placeholder={props.value?.length ? undefined : 'Search'}
      renderOption={({ option, checked }) => (
        <Group gap="sm" wrap="nowrap">
          <Checkbox checked={checked ?? false} onChange={() => {}} tabIndex={-1} aria-hidden size="xs" />
          <Text size="sm">{option.label}</Text>
        </Group>
      )}
      {...props}
    />
  );
}
