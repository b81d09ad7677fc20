import { beforeEach, describe, expect, test } from 'vitest';
import { hasBrowser } from './support/browser.ts';
import { captureScreens } from './support/screens.ts';
import { demoData } from '../src/server/seed/demo-data.ts';
import { demoPassword, demoUsers, signIn, signOut } from './support/session.ts';
import { useAppInBrowser } from './support/suite.ts';

describe.skipIf(!hasBrowser)('the profile page and password changes', () => {
  const suite = useAppInBrowser();

  // Each test starts signed out, whatever the one before it left behind.
  beforeEach(() => suite.browser.context.clearCookies());

  /** A session on another device: signed in through the API with a bearer token. */
  async function otherDevice(email: string, password: string) {
    const response = await fetch(`${suite.app.url}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    expect(response.status).toBe(200);
    const authorization = `Bearer ${response.headers.get('set-auth-token')}`;
    return { stillSignedIn: async () => (await fetch(`${suite.app.url}/api/me`, { headers: { authorization } })).status === 200 };
  }

  test('a student renames themselves, changes their password and signs out their other devices', async () => {
    const student = demoUsers.student;
    const phone = await otherDevice(student.email, demoPassword);
    const page = await suite.browser.newPage();
    await signIn(page, suite.app.url, student.email);
    await page.getByRole('button', { name: /^Account:/ }).click();
    await page.getByRole('menuitem', { name: 'Your profile' }).click();
    await page.getByRole('heading', { name: 'Your profile', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/profile');
    const devices = page.getByRole('region', { name: 'Devices' });
    await devices.getByText('This device').waitFor();
    expect(await devices.getByRole('listitem').count()).toBe(2);
    await captureScreens(page, 'profile', (p) => p.getByRole('region', { name: 'Devices' }).getByText('This device').waitFor());

    // The name, seen at once in the account menu.
    const name = page.getByRole('region', { name: 'Name' });
    await name.getByLabel(/^Your name/).fill('Priya Sharma-Patel');
    await name.getByRole('button', { name: 'Save name' }).click();
    await name.getByText('Your name is saved.').waitFor();
    await page.getByRole('button', { name: 'Account: Priya Sharma-Patel' }).waitFor();

    // The password: the current one is required, a weak new one is refused as it is typed and when sent.
    const password = page.getByRole('region', { name: 'Password' });
    await password.getByLabel(/^Current password/).fill('not-my-password');
    await password.getByLabel(/^New password/).fill('password1234');
    await password.getByText(/commonly used password/).waitFor();
    await password.getByRole('button', { name: 'Change password' }).click();
    await password.getByText('This is not your current password.').waitFor();
    await password.getByLabel(/^Current password/).fill(demoPassword);
    await password.getByRole('button', { name: 'Change password' }).click();
    // The server's refusal lands on the field (in place of the meter).
    await expect.poll(() => password.getByLabel(/^New password/).getAttribute('aria-invalid')).toBe('true');
    await password.getByText(/similar to a commonly used password/).waitFor();
    await password.getByLabel(/^New password/).fill('priya-plants-tomatoes');
    await password.getByText(/^(Strong|Very strong) password\.$/).waitFor();
    await password.getByRole('button', { name: 'Change password' }).click();
    await password.getByText('Your password is changed. Your other devices have been signed out.').waitFor();
    expect(await phone.stillSignedIn()).toBe(false);

    // The other devices, signed out from here.
    const laptop = await otherDevice(student.email, 'priya-plants-tomatoes');
    await page.reload();
    await expect.poll(() => devices.getByRole('listitem').count()).toBe(2);
    await devices.getByRole('button', { name: 'Sign out other devices' }).click();
    await devices.getByText('Signed out of 1 other device.').waitFor();
    expect(await laptop.stillSignedIn()).toBe(false);
    expect(await devices.getByRole('listitem').count()).toBe(1);

    await signOut(page);
    await signIn(page, suite.app.url, student.email, 'priya-plants-tomatoes');
    await page.getByRole('heading', { name: 'Welcome, Priya', level: 1 }).waitFor();
    await page.close();
  });

  test('an admin sets a password in the edit dialog; at sign-in the user must first choose their own', async () => {
    const liam = demoData.users.liam;
    const page = await suite.browser.newPage();
    await signIn(page, suite.app.url, demoUsers.admin.email);
    await page.getByRole('link', { name: 'Users' }).click();
    const row = page.getByRole('row').filter({ hasText: liam.email });
    await row.getByRole('button', { name: `Actions for ${liam.name}` }).click();
    await page.getByRole('menuitem', { name: 'Edit, or set a password' }).click();
    const dialog = page.getByRole('dialog', { name: `Edit ${liam.name}` });
    await dialog.getByLabel(/^New password/).fill('Liam Chen 2026');
    await dialog.getByText(/contains the account’s name or email, or the product’s name/).waitFor();
    await dialog.getByRole('button', { name: 'Save' }).click();
    // The server's refusal lands on the field, in place of the meter.
    await expect.poll(() => dialog.getByLabel(/^New password/).getAttribute('aria-invalid')).toBe('true');
    await dialog.getByText(/contains the account’s name or email, or the product’s name/).waitFor();
    await dialog.getByLabel(/^New password/).fill('harbour-lantern-kite');
    await dialog.getByText(/^(Strong|Very strong) password\.$/).waitFor();
    expect(await dialog.getByRole('checkbox', { name: /choose their own password/ }).isChecked()).toBe(true);
    await captureScreens(
      page,
      'admin-user-set-password',
      (p) =>
        p
          .getByRole('dialog')
          .getByText(/^(Strong|Very strong) password\.$/)
          .waitFor(),
      {
        mobileFullPage: false,
      },
    );
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await row.getByText('New password due').waitFor();
    await signOut(page);

    await signIn(page, suite.app.url, liam.email, 'harbour-lantern-kite');
    const required = page.getByRole('heading', { name: 'Choose a new password', level: 1 });
    await required.waitFor();
    await page.getByText('Your programme team set your password for you.', { exact: false }).waitFor();
    await captureScreens(page, 'password-change-required', (p) => p.getByRole('heading', { name: 'Choose a new password' }).waitFor());
    // No other page until it is done, whatever the address.
    await page.goto(`${suite.app.url}/learn/expert-sessions`);
    await required.waitFor();

    await page.getByLabel(/^Current password/).fill('harbour-lantern-kite');
    await page.getByLabel(/^New password/).fill('harbour-lantern-kite');
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.getByText('Choose a password different from your current one.').waitFor();
    await page.getByLabel(/^New password/).fill('liam-learns-the-cello');
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.getByRole('heading', { name: 'Expert sessions', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/learn/expert-sessions');
    await page.close();
  });
  test('without mail, an admin makes a password link to hand over; the user sets a password with it, once', async () => {
    const omar = demoData.users.mentorOmar;
    const page = await suite.browser.newPage();

    // Asking by email says who can help instead, since this server sends none.
    await page.goto(`${suite.app.url}/sign-in`);
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByRole('heading', { name: 'Forgot your password?', level: 1 }).waitFor();
    await page.getByLabel(/^Email/).fill(omar.email);
    await page.getByRole('button', { name: 'Email me a link' }).click();
    await page.getByText('This server does not send email.', { exact: false }).waitFor();
    await captureScreens(page, 'forgot-password', (p) => p.getByText('Ask your programme team').waitFor());

    await signIn(page, suite.app.url, demoUsers.admin.email);
    await page.getByRole('link', { name: 'Users' }).click();
    const row = page.getByRole('row').filter({ hasText: omar.email });
    await row.getByRole('button', { name: `Actions for ${omar.name}` }).click();
    await page.getByRole('menuitem', { name: 'Send a password link' }).click();
    const dialog = page.getByRole('dialog', { name: `Password link for ${omar.name}` });
    await dialog.getByRole('button', { name: 'Make the link' }).click();
    await dialog.getByText('Hand this link over').waitFor();
    const link = await dialog.getByLabel('Password link').inputValue();
    expect(link).toMatch(new RegExp(`^${suite.app.url}/reset-password#token=[\\w-]{43}$`));
    await captureScreens(page, 'admin-user-reset-link', (p) => p.getByRole('dialog').getByText('Hand this link over').waitFor(), {
      mobileFullPage: false,
    });
    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'detached' });
    await signOut(page);

    await page.goto(link);
    await page.getByText(`For ${omar.name} (${omar.email})`, { exact: false }).waitFor();
    await captureScreens(page, 'reset-password', (p) => p.getByRole('button', { name: 'Set my password' }).waitFor());
    await page.getByLabel(/^New password \*?$/).fill('omar-rows-on-sundays');
    await page.getByLabel(/^New password, again/).fill('omar-rows-on-sunday');
    await page.getByRole('button', { name: 'Set my password' }).click();
    await page.getByText('Type the same password again').waitFor();
    // The policy is the server's: a common password is refused on its field.
    await page.getByLabel(/^New password \*?$/).fill('password1234');
    await page.getByLabel(/^New password, again/).fill('password1234');
    await page.getByRole('button', { name: 'Set my password' }).click();
    await expect.poll(() => page.getByLabel(/^New password \*?$/).getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel(/^New password \*?$/).fill('omar-rows-on-sundays');
    await page.getByLabel(/^New password, again/).fill('omar-rows-on-sundays');
    await page.getByRole('button', { name: 'Set my password' }).click();
    await page.getByText('Your password is changed').waitFor();

    // Used once: the same link is refused now.
    await page.goto(`${suite.app.url}/sign-in`);
    await page.goto(link);
    await page.getByText('This link cannot be used').waitFor();
    await signIn(page, suite.app.url, omar.email, 'omar-rows-on-sundays');
    await page.getByRole('heading', { name: /^Welcome, Omar/, level: 1 }).waitFor();
    await page.close();
  });
});
