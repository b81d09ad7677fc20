import { Modal, type ModalProps } from '@mantine/core';
import { useEffect, useLayoutEffect, useRef } from 'react';

const tabbable =
  'input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), button:not([disabled]), [href], [tabindex]:not([tabindex="-1"])';

/**
 * What opened the dialog: the focused element, or, when that is an item of a menu (which is gone once
 * the dialog is up), the button that opened the menu.
 */
function openerOf(active: Element | null): HTMLElement | null {
  const menu = active?.closest('[role="menu"]');
  // The menu names its button (aria-labelledby); the button names the menu (aria-controls) only while open.
  const labelledBy = menu?.getAttribute('aria-labelledby');
  const menuButton =
    (labelledBy ? document.getElementById(labelledBy) : null) ??
    (menu?.id ? document.querySelector<HTMLElement>(`[aria-controls="${CSS.escape(menu.id)}"]`) : null);
  return menuButton ?? (active instanceof HTMLElement ? active : null);
}

/**
 * The opener, or, when a list redrew its rows meanwhile (a save refreshes the list), the element
 * that took its place: the same kind with the same accessible name ("Actions for …").
 */
function stillThere(target: HTMLElement | null): HTMLElement | null {
  if (!target) return null;
  if (target.isConnected) return target;
  const label = target.getAttribute('aria-label');
  return label ? document.querySelector<HTMLElement>(`${target.tagName}[aria-label="${CSS.escape(label)}"]`) : null;
}

/** What a dialog closing now opened from, until the next dialog (if one opens at once) takes it. */
let handedOver: HTMLElement | null = null;

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
    // A dialog that takes the place of one closing in the same render (a form, then its "Created"
    // dialog) returns focus to what opened the first, not to a button of the first that is gone.
    const taken = handedOver;
    handedOver = null;
    const active = document.activeElement;
    const fromClosingDialog = !active || active === document.body || !active.isConnected || active.closest('[role="dialog"]') !== null;
    opener.current = taken && fromClosingDialog ? taken : openerOf(active);
    return () => {
      const target = opener.current;
      handedOver = target;
      // After the dialog's own nodes are gone and the page has re-rendered; unless a dialog that
      // opened meanwhile took the opener over.
      setTimeout(() => {
        if (handedOver !== target) return;
        handedOver = null;
        (stillThere(target) ?? document.getElementById('main-content'))?.focus();
      });
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
