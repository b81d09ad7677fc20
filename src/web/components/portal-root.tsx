import { useLayoutEffect, useRef } from 'react';

/**
 * Where Mantine draws whatever floats above the page (dialogs, option lists, menus, notifications):
 * the theme makes it every Portal's target. It lives in the page's main landmark, so that axe
 * (`region`) and screen readers find that content inside a landmark; in <body> while no page holds it.
 */
export const portalRoot = document.createElement('div');
portalRoot.setAttribute('data-portal-root', '');
// No box of its own: what it holds is positioned (fixed or absolute), and a page's layout (a Stack's gap) ignores it.
portalRoot.style.display = 'contents';
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
