import { createTheme, type CSSVariablesResolver, darken, DEFAULT_THEME, luminance, type MantineColorsTuple } from '@mantine/core';
import { portalRoot } from '../components/portal-root.tsx';

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
    // Dialogs, option lists, menus and notifications are drawn inside the main landmark (components/portal-root.tsx).
    Portal: { defaultProps: { target: portalRoot } },
    // Every notification (lib/feedback.tsx) can be dismissed by a named button.
    Notification: { defaultProps: { closeButtonProps: { 'aria-label': 'Dismiss notification' } } },
    // A dialog's <header> outside any section is a second "banner" landmark beside the page's own;
    // the dialog is named by its title already.
    ModalHeader: { defaultProps: { role: 'none' } },
  },
});

/** WCAG 2 contrast ratio of two colours. */
const contrast = (a: string, b: string) => {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
};

/** gray.1: hovered and striped table rows; the page itself is gray.0, cards are white. */
const lightestBackgroundForText = DEFAULT_THEME.colors.gray[1];

/** Normal text needs 4.5:1 (WCAG 1.4.3). */
const minimumContrast = 4.5;

/** The first of a colour's shades from `from` (then the darkest, darkened) that reads at 4.5:1 on `background`. */
function readableShade(shades: MantineColorsTuple, from: number, background: string) {
  const candidates = [...shades.slice(from), darken(shades[9], 0.2), darken(shades[9], 0.35)];
  return candidates.find((candidate) => contrast(candidate, background) >= minimumContrast) ?? darken(shades[9], 0.5);
}

/**
 * Mantine's light scheme writes dimmed text in gray.6 (#868e96, 3.32:1 on white), white on shade 7
 * for filled buttons and badges (3.84:1 for red, 2.75:1 for green) and shade 9 on shade 1 for light
 * ones (3.81:1 for green). Here, once for every component: dimmed text is #5f6670 (5.8:1 on white,
 * 5.2:1 on gray.1), and each colour's filled, text and light variants take the first shade that
 * reads at 4.5:1 on gray.1 (light ones on shade 2, their hover; computed above from the colours, so a
 * new colour is covered too); links read on gray.1 and on the primary colour's shade 1.
 */
export const cssVariablesResolver: CSSVariablesResolver = (resolved) => {
  const colors = { ...DEFAULT_THEME.colors, ...resolved.colors };
  // Placeholders too: a FileInput's is text in a button, and some fields show nothing else.
  const light: Record<string, string> = { '--mantine-color-dimmed': '#5f6670', '--mantine-color-placeholder': '#687079' };
  for (const [name, shades] of Object.entries(colors)) {
    // Read on gray.1, the darkest of the light backgrounds text sits on (the page is gray.0, a hovered
    // or striped table row gray.1): a link in a table row must still read at 4.5:1.
    const filled = readableShade(shades, 7, lightestBackgroundForText);
    Object.assign(light, {
      [`--mantine-color-${name}-filled`]: filled,
      [`--mantine-color-${name}-filled-hover`]: darken(filled, 0.1),
      [`--mantine-color-${name}-text`]: filled,
      [`--mantine-color-${name}-outline`]: filled,
      // On shade 1 (light) and shade 2 (light, hovered: an active nav link under the pointer).
      [`--mantine-color-${name}-light-color`]: readableShade(shades, 9, shades[2]),
    });
  }
  // Links: the primary colour's first shade that reads on gray.1 and on its own shade 1 (a tinted
  // card); Mantine's default is primaryShade, read on white only.
  const primary = colors[resolved.primaryColor] ?? brand;
  const tint = [lightestBackgroundForText, primary[1]].sort((a, b) => luminance(a) - luminance(b))[0]!;
  light['--mantine-color-anchor'] = readableShade(primary, 7, tint);
  return { variables: {}, light, dark: {} };
};
