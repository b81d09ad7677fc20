import type { Page } from 'playwright-core';
import { demoData, demoPassword } from '../../src/server/seed/demo-data.ts';

export { demoPassword };

/** One demo account per role, from the same data the server seeds. */
export const demoUsers = {
  admin: demoData.users.admin,
  staff: demoData.users.staff,
  mentor: demoData.users.mentorMaya,
  student: demoData.users.priya,
};

/** Signs in through the sign-in page, as a person would, and waits to leave it. */
export async function signIn(page: Page, baseUrl: string, email: string, password = demoPassword) {
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByRole('textbox', { name: /^Email/ }).fill(email);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
}

/** Signs out through the account menu and waits until the sign-in form has replaced the old screen. */
export async function signOut(page: Page) {
  await page.getByRole('button', { name: /^Account:/ }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await page.waitForURL((url) => url.pathname === '/sign-in');
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
}
