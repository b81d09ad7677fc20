import { CheckboxIndicator, Group, MultiSelect, type MultiSelectProps, Text } from '@mantine/core';

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
          {/* A drawing of a box, not a control: the option itself is what is picked (and says it is selected). */}
          <CheckboxIndicator checked={checked ?? false} size="xs" aria-hidden />
          <Text size="sm">{option.label}</Text>
        </Group>
      )}
      {...props}
    />
  );
}
