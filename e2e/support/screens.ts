import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { expectAccessible } from './accessibility.ts';
import { desktop, mobile } from './browser.ts';

const screenshotDir = path.resolve(import.meta.dirname, '../../docs/screenshots');
const notificationsRoot = '.mantine-Notifications-root';

/**
 * Saves `<name>-desktop.png` (1280×800) and `<name>-mobile.png` (375 px, the whole scrolling page) of
 * the current page into docs/screenshots, waiting for `ready` (something on the page that shows it has
 * loaded) at each width, and checks the page with axe-core at each width (`expectAccessible`).
 */
export async function captureScreens(
  page: Page,
  name: string,
  ready: (page: Page) => Promise<unknown>,
  // A full-screen dialog on a phone: the viewport is the screen; a whole-page shot would add the page behind it.
  // The notifications of earlier steps are left out, unless they are what the screen shows.
  { mobileFullPage = true, notifications = false }: { mobileFullPage?: boolean; notifications?: boolean } = {},
) {
  fs.mkdirSync(screenshotDir, { recursive: true });
  try {
    for (const [label, viewport] of [
      ['desktop', desktop],
      ['mobile', mobile],
    ] as const) {
      await page.setViewportSize(viewport);
      await ready(page);
      await page.evaluate(() => document.fonts.ready);
      await page.screenshot({
        path: path.join(screenshotDir, `${name}-${label}.png`),
        fullPage: label === 'mobile' && mobileFullPage,
        animations: 'disabled',
        style: notifications ? undefined : `${notificationsRoot} { display: none !important; }`,
      });
      // What the shot leaves out, axe leaves out too: a notification of an earlier step may still be
      // fading, and axe reads its text against whatever shows through (CI, session 19: 3.85:1).
      await expectAccessible(page, `${name}-${label}`, { exclude: notifications ? [] : [notificationsRoot] });
    }
  } finally {
    await page.setViewportSize(desktop);
  }
}
