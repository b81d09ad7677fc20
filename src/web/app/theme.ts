import { createTheme, type MantineColorsTuple } from '@mantine/core';

// A calm teal-blue: trustworthy for programme teams, friendly for students.
const brand: MantineColorsTuple = [
  '#e6f7f7',
  '#cdeaea',
  '#9dd4d4',
  '#69bdbd',
  '#40aaab',
  '#269d9f',
  '#139799',
  '#008385',
  '#007577',
  '#006567',
];

export const theme = createTheme({
  primaryColor: 'brand',
  primaryShade: { light: 7, dark: 5 },
  colors: { brand },
  defaultRadius: 'md',
  fontFamily: 'Inter, "Segoe UI", system-ui, -apple-system, Roboto, "Helvetica Neue", Arial, sans-serif',
  headings: { fontWeight: '700' },
  focusRing: 'auto',
  components: {
    // Badges keep their whole label: a table gives them room instead of cutting them short.
    Badge: { defaultProps: { radius: 'sm' }, styles: { root: { flexShrink: 0 }, label: { overflow: 'visible' } } },
    Modal: {
      defaultProps: { radius: 'md', closeButtonProps: { 'aria-label': 'Close dialog' } },
      styles: { title: { fontWeight: 700, fontSize: 'var(--mantine-font-size-lg)' } },
    },
  },
});
