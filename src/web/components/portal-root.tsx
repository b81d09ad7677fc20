import { useLayoutEffect, useRef } from 'react';

/**
 * Where Mantine draws whatever floats above the page (dialogs, option lists, menus, notifications):
 * the theme makes it every Portal's target. It lives in the page's main landmark, so that axe
 * (`region`) and screen readers find that content inside a landmark; in <body> while no page holds it.
 */
export const portalRoot = document.createElement('div');
portalRoot.setAttribute('data-portal-root', '');
// Out of the page's flow at the page's origin, as a node in <body> is: a dialog's frame (fixed, with no
// left of its own) starts at the left edge, not after the navbar; an option list is placed from there.
Object.assign(portalRoot.style, { position: 'absolute', top: '0', left: '0' });
document.body.append(portalRoot);

/** Holds `portalRoot` in the main landmark it is placed in, while it is shown. */
export function PortalRoot() {
  const holder = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    holder.current?.append(portalRoot);
    return () => document.body.append(portalRoot);
  }, []);
  return <div ref={holder} style={{ display: 'contents' }} />;
}
