import { Modal, type ModalProps } from '@mantine/core';
import { useEffect, useLayoutEffect, useRef } from 'react';

const tabbable = 'input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), button:not([disabled]), [href], [tabindex]:not([tabindex="-1"])';

/**
 * What opened the dialog: the focused element, or, when that is an item of a menu (which is gone once
 * the dialog is up), the button that opened the menu.
 */
function openerOf(active: Element | null): HTMLElement | null {
  const menu = active?.closest('[role="menu"]');
  const menuButton = menu?.id ? document.querySelector<HTMLElement>(`[aria-controls="${CSS.escape(menu.id)}"]`) : null;
  return menuButton ?? (active instanceof HTMLElement ? active : null);
}

/**
 * Mantine's Modal with the app's focus rules (WCAG 2.4.3): it opens on its first field rather than
 * on its Close button (a `data-autofocus` element inside wins, e.g. a safe Cancel), and when it
 * closes, however it closes (Escape, Cancel, saved, or its parent unmounting it), focus goes back
 * to what opened it, or to the main content when that is gone, never to the page's body.
 */
export function Dialog({ opened = true, ...props }: Omit<ModalProps, 'opened'> & { opened?: boolean }) {
  const opener = useRef<HTMLElement | null>(null);
  const content = useRef<HTMLDivElement>(null);

  useLayoutEffect(() => {
    if (!opened) return;
    opener.current = openerOf(document.activeElement);
    return () => {
      const target = opener.current;
      // After the dialog's own nodes are gone and the page has re-rendered.
      setTimeout(() => (target?.isConnected ? target : document.getElementById('main-content'))?.focus());
    };
  }, [opened]);

  useEffect(() => {
    if (!opened) return;
    // Queued after Mantine's focus trap has placed focus (its timer is set before this effect runs).
    const timer = setTimeout(() => {
      const root = content.current;
      if (!root || !document.activeElement?.matches('.mantine-Modal-close')) return;
      root.querySelector<HTMLElement>(`.mantine-Modal-body :is(${tabbable})`)?.focus();
    });
    return () => clearTimeout(timer);
  }, [opened]);

  return <Modal opened={opened} returnFocus={false} ref={content} {...props} />;
}
