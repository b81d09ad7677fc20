import os from 'node:os';
import { beforeEach, describe, expect, test } from 'vitest';
import { hasBrowser } from './support/browser.ts';
import { captureScreens } from './support/screens.ts';
import { demoPassword, demoUsers, signIn, signOut } from './support/session.ts';
import { useAppInBrowser } from './support/suite.ts';

describe.skipIf(!hasBrowser)('signing in and out', () => {
  const suite = useAppInBrowser();

  // Each test starts signed out, whatever the one before it left behind.
  beforeEach(() => suite.browser.context.clearCookies());

  test('a wrong password is refused with the server’s message; the page is keyboard-operable', async () => {
    const page = await suite.browser.newPage();
    await page.goto(`${suite.app.url}/admin/clients`);
    await page.waitForURL(/\/sign-in\?next=%2Fadmin%2Fclients$/);
    await captureScreens(page, 'sign-in', (p) => p.getByRole('heading', { name: 'Sign in' }).waitFor());

    // Email has focus on arrival; Tab reaches the password and Enter submits.
    await page.keyboard.type(demoUsers.admin.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type('not-the-password');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Invalid email or password');
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await page.close();
  });

  test('in development, sign-in works through 127.0.0.1 and the machine’s network address as through localhost', async () => {
    const network = Object.values(os.networkInterfaces())
      .flat()
      .find((entry) => entry && entry.family === 'IPv4' && !entry.internal)?.address;
    for (const host of ['127.0.0.1', ...(network ? [network] : [])]) {
      const page = await suite.browser.newPage();
      await signIn(page, `http://${host}:${suite.app.port}`, demoUsers.admin.email);
      await page.getByRole('heading', { name: 'Clients', level: 1 }).waitFor();
      expect(new URL(page.url()).host).toBe(`${host}:${suite.app.port}`);
      await page.close();
    }
  });

  test('after repeated failures the page says how long to wait', async () => {
    const page = await suite.browser.newPage();
    await page.goto(`${suite.app.url}/sign-in`);
    await page.getByRole('textbox', { name: /^Email/ }).fill('nobody@jobready.test');
    await page.getByLabel(/^Password/).fill('wrong-password');
    const alert = page.getByRole('alert');
    for (let attempt = 1; attempt <= 5; attempt++) {
      await page.getByRole('button', { name: 'Sign in' }).click();
      await alert.getByText('Invalid email or password').waitFor();
      await page.getByLabel(/^Password/).fill(`wrong-password-${attempt}`); // a change, so each attempt is visibly new
    }
    await page.getByRole('button', { name: 'Sign in' }).click();
    await alert.getByText('Too many failed sign-ins. Please wait 15 minutes and try again.').waitFor();
    await page.close();
  });

  test.each([
    ['admin', demoUsers.admin.email, '/admin/clients', 'Clients'],
    ['staff', demoUsers.staff.email, '/admin/clients', 'Clients'],
    ['mentor', demoUsers.mentor.email, '/mentor', 'Welcome, Maya'],
    ['student', demoUsers.student.email, '/learn', 'Welcome, Priya'],
  ])('%s lands in their own area', async (_role, email, path, heading) => {
    const page = await suite.browser.newPage();
    await signIn(page, suite.app.url, email);
    await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(path);
    await signOut(page);
    await page.close();
  });

  test('staff see no Users page; visiting it sends them back to their area', async () => {
    const page = await suite.browser.newPage();
    await signIn(page, suite.app.url, demoUsers.staff.email);
    await page.getByRole('heading', { name: 'Clients', level: 1 }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    const links = await nav.getByRole('link').allTextContents();
    expect(links).toEqual(expect.arrayContaining(['Clients', 'Products']));
    expect(links).not.toContain('Users');
    await page.goto(`${suite.app.url}/admin/users`);
    await page.getByRole('heading', { name: 'Clients', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/clients');
    await signOut(page);
    await page.close();
  });

  test('a student sees their client and products, is kept out of other areas, and signs out', async () => {
    const page = await suite.browser.newPage();
    await signIn(page, suite.app.url, demoUsers.student.email);
    await page.getByRole('heading', { name: 'Welcome, Priya', level: 1 }).waitFor();
    await page.getByText('You are learning with Northwind University').waitFor();
    // Each programme is a card (an article) whose title is the link to the programme's page.
    const programmes = page.getByRole('article');
    await programmes.first().waitFor();
    expect(await programmes.locator('h3').allTextContents()).toEqual(['Career Launchpad', 'Interview Ready']);
    expect(await programmes.getByRole('link').allTextContents()).toEqual(['Career Launchpad', 'Interview Ready']);
    await captureScreens(page, 'student-home', (p) => p.getByRole('article').first().waitFor());

    for (const elsewhere of ['/admin/clients', '/mentor']) {
      await page.goto(`${suite.app.url}${elsewhere}`);
      await page.getByRole('heading', { name: 'Welcome, Priya', level: 1 }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/learn');
    }

    await signOut(page);
    await page.goto(`${suite.app.url}/learn`);
    await page.waitForURL(/\/sign-in/);
    await page.close();
  });

  test('a mentor sees a welcoming home', async () => {
    const page = await suite.browser.newPage();
    await signIn(page, suite.app.url, demoUsers.mentor.email);
    await page.getByRole('heading', { name: 'Welcome, Maya', level: 1 }).waitFor();
    await captureScreens(page, 'mentor-home', (p) => p.getByRole('heading', { name: 'Welcome, Maya', level: 1 }).waitFor());
    await page.goto(`${suite.app.url}/learn`);
    await page.waitForURL((url) => url.pathname === '/mentor');
    await signOut(page);
    await page.close();
  });

  test('a user disabled while signed in is sent to the sign-in page at their next step', async () => {
    const page = await suite.browser.newPage();
    await signIn(page, suite.app.url, demoUsers.staff.email);
    await page.getByRole('heading', { name: 'Clients', level: 1 }).waitFor();

    // The admin disables the staff member through the API, with a bearer token (no cookies involved).
    const admin = await fetch(`${suite.app.url}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: demoUsers.admin.email, password: demoPassword }),
    });
    const authorization = `Bearer ${admin.headers.get('set-auth-token')}`;
    const { users } = await (await fetch(`${suite.app.url}/api/admin/users?role=staff`, { headers: { authorization } })).json();
    const disabled = await fetch(`${suite.app.url}/api/admin/users/${users[0].id}`, {
      method: 'PATCH',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ disabled: true }),
    });
    expect(disabled.status).toBe(200);

    await page.getByRole('link', { name: 'Products' }).click();
    await page.waitForURL(/\/sign-in\?next=%2Fadmin%2Fproducts$/);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.close();
  });
});
