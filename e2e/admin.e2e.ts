import type { Page } from 'playwright-core';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { hasBrowser } from './support/browser.ts';
import { captureScreens } from './support/screens.ts';
import { demoUsers, signIn, signOut } from './support/session.ts';
import { useAppInBrowser } from './support/suite.ts';

const clientRow = (page: Page, name: string) => page.getByRole('row').filter({ has: page.getByText(name, { exact: true }) });

describe.skipIf(!hasBrowser)('admin pages', () => {
  const suite = useAppInBrowser();
  let page: Page;

  beforeAll(async () => {
    page = await suite.browser.newPage();
    await signIn(page, suite.app.url, demoUsers.admin.email);
  });
  // The tests share one signed-in page: after a failure, start the next one afresh rather than inside a stuck dialog.
  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail') await page.goto(`${suite.app.url}/admin/clients`);
  });

  test('the admin changes a client’s products through the multi-select, and the change survives a reload', async () => {
    await page.getByRole('heading', { name: 'Clients', level: 1 }).waitFor();
    const northwind = clientRow(page, 'Northwind University');
    await northwind.waitFor();
    expect(await northwind.locator('.mantine-Badge-root').allTextContents()).toEqual(['Career Launchpad', 'Interview Ready']);
    await captureScreens(page, 'admin-clients', (p) => p.getByText('Northwind University').first().waitFor());

    await northwind.getByRole('button', { name: 'Change products of Northwind University' }).click();
    const dialog = page.getByRole('dialog', { name: 'Products of Northwind University' });
    await dialog.getByRole('combobox', { name: 'Products' }).click();
    await page.keyboard.type('digital');
    await page.getByRole('option', { name: 'Digital Workplace Skills' }).click();
    await page.getByRole('option', { name: 'Interview Ready' }).click();
    await captureScreens(page, 'admin-client-products', (p) => p.getByRole('option', { name: 'Career Launchpad' }).waitFor(), {
      mobileFullPage: false,
    });
    await dialog.getByRole('heading').click(); // closes the open option list, as a person would
    await dialog.getByRole('button', { name: 'Save products' }).click();
    // Priya and Liam are on a worklet of Interview Ready: the dialog names it before anything changes.
    const conflict = dialog.getByRole('alert');
    await conflict.getByText('Students of Northwind University are on worklets of a programme you are removing').waitFor();
    expect(await conflict.getByRole('listitem').allInnerTexts()).toEqual([
      expect.stringMatching(/^25NWD01WT\s+Mock-interview coach bot[\s\S]*Liam Chen, Priya Patel$/),
    ]);
    await captureScreens(
      page,
      'admin-client-products-conflict',
      (p) => p.getByRole('dialog').getByText('Liam Chen, Priya Patel').waitFor(),
      {
        mobileFullPage: false,
      },
    );
    await dialog.getByRole('button', { name: 'Save and take them off these teams' }).click();
    await dialog.waitFor({ state: 'detached' });

    await page.reload();
    await expect
      .poll(() => clientRow(page, 'Northwind University').locator('.mantine-Badge-root').allTextContents())
      .toEqual(['Career Launchpad', 'Digital Workplace Skills']);
  });

  test('the admin creates a client, is told in words when a name is taken, and deletes it after confirming', async () => {
    const createClient = async (name: string) => {
      await page.getByRole('button', { name: 'New client' }).click();
      const dialog = page.getByRole('dialog', { name: 'New client' });
      await dialog.getByLabel(/^Name/).fill(name);
      await dialog.getByRole('button', { name: 'Create client' }).click();
      return dialog;
    };
    await (await createClient('Fabrikam College')).waitFor({ state: 'detached' });
    await clientRow(page, 'Fabrikam College').getByText('No products').waitFor();

    const duplicate = await createClient('Northwind University');
    await duplicate.getByRole('alert').getByText('A client with this name already exists.').waitFor();
    await duplicate.getByRole('button', { name: 'Cancel' }).click();

    await clientRow(page, 'Fabrikam College').getByRole('button', { name: 'More actions for Fabrikam College' }).click();
    await page.getByRole('menuitem', { name: 'Delete' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete Fabrikam College?' });
    await confirm.getByRole('button', { name: 'Delete client' }).click();
    await confirm.waitFor({ state: 'detached' });
    await clientRow(page, 'Fabrikam College').waitFor({ state: 'detached' });
  });

  test('products and users pages list the real data', async () => {
    await page.getByRole('link', { name: 'Products' }).click();
    await page.getByRole('heading', { name: 'Products', level: 1 }).waitFor();
    await captureScreens(page, 'admin-products', (p) => p.getByText('Interview Ready').waitFor());
    await expect.poll(() => page.getByRole('row').count()).toBe(4); // a header and the three demo products

    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    await page.getByText('priya@northwind.test').waitFor();
    await captureScreens(page, 'admin-users', (p) => p.getByText('priya@northwind.test').waitFor());
  });

  test('a mentor’s role change is answered with the worklets it would end, and nothing changes until confirmed', async () => {
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('button', { name: 'Actions for Maya Mentor' }).click();
    await page.getByRole('menuitem', { name: 'Edit, or set a password' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit Maya Mentor' });
    await dialog.getByRole('combobox', { name: /^Role/ }).click();
    await page.getByRole('option', { name: 'Student' }).click();
    await dialog.getByRole('combobox', { name: /^Client/ }).click();
    await page.getByRole('option', { name: 'Northwind University' }).click();
    await dialog.getByRole('button', { name: 'Save' }).click();
    const notice = dialog.getByRole('alert');
    await notice.getByText('As a student, Maya Mentor can no longer mentor these 4 worklets').waitFor();
    expect(await notice.getByRole('listitem').count()).toBe(4);
    await dialog.getByRole('button', { name: 'Change role and end assignments' }).waitFor();
    await captureScreens(
      page,
      'admin-user-role-conflict',
      (p) =>
        p
          .getByRole('dialog')
          .getByText(/can no longer mentor/)
          .waitFor(),
      { mobileFullPage: false },
    );
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('row').filter({ hasText: 'maya.mentor@jobready.test' }).getByText('Mentor', { exact: true }).waitFor();
  });

  test('a product is created, edited and deleted after confirming', async () => {
    await page.getByRole('link', { name: 'Products' }).click();
    await page.getByRole('button', { name: 'New product' }).click();
    const create = page.getByRole('dialog', { name: 'New product' });
    await create.getByLabel(/^Name/).fill('Mock Assessment Centre');
    await create.getByRole('combobox', { name: 'Type' }).click();
    await page.getByRole('option', { name: 'Assessment' }).click();
    await create.getByRole('button', { name: 'Create product' }).click();
    await create.waitFor({ state: 'detached' });
    const row = page.getByRole('row').filter({ hasText: 'Mock Assessment Centre' });
    await row.getByText('Assessment', { exact: true }).waitFor();

    await row.getByRole('button', { name: 'Edit Mock Assessment Centre' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit Mock Assessment Centre' });
    await edit.getByLabel('Description').fill('Group exercises and a panel interview, with feedback.');
    await edit.getByRole('button', { name: 'Save' }).click();
    await row.getByText('Group exercises and a panel interview, with feedback.').waitFor();

    await row.getByRole('button', { name: 'Delete Mock Assessment Centre' }).click();
    // The row goes at once; the DELETE waits for the Undo to expire (decision 036), and the next tests count rows.
    const deleted = page.waitForResponse(
      (response) => response.request().method() === 'DELETE' && response.url().includes('/api/admin/products/'),
      { timeout: 20_000 },
    );
    await page.getByRole('dialog', { name: 'Delete Mock Assessment Centre?' }).getByRole('button', { name: 'Delete product' }).click();
    await row.waitFor({ state: 'detached' });
    expect((await deleted).status()).toBe(204);
  });

  test('the admin creates a student (a client is required), finds them with the filters, and disables them', async () => {
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('button', { name: 'New user' }).click();
    const dialog = page.getByRole('dialog', { name: 'New user' });
    await dialog.getByLabel(/^Name/).fill('Zoe Novak');
    await dialog.getByLabel(/^Email/).fill('zoe@northwind.test');
    await dialog.getByLabel(/^Initial password/).fill('zoe-walks-by-the-harbour');
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await dialog.getByText('Students must belong to a client').waitFor();
    await dialog.getByRole('combobox', { name: /^Client/ }).click();
    await page.getByRole('option', { name: 'Northwind University' }).click();
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await dialog.waitFor({ state: 'detached' });

    await page.getByRole('combobox', { name: 'Role' }).click();
    await page.getByRole('option', { name: 'Student' }).click();
    await page.getByRole('combobox', { name: 'Client' }).click();
    await page.getByRole('option', { name: 'Northwind University' }).click();
    await expect.poll(() => page.getByRole('row').count()).toBe(5); // the header, Priya, Liam, Amara and Zoe
    await page.getByRole('searchbox', { name: 'Search' }).fill('zoe');
    await page.getByRole('row').filter({ hasText: 'zoe@northwind.test' }).waitFor();
    await expect.poll(() => page.getByRole('row').count()).toBe(2); // the header and Zoe
    const zoe = page.getByRole('row').filter({ hasText: 'zoe@northwind.test' });
    expect(await zoe.getByRole('cell').allInnerTexts()).toContain('Northwind University');

    await zoe.getByRole('button', { name: 'Actions for Zoe Novak' }).click();
    await page.getByRole('menuitem', { name: 'Disable' }).click();
    await page.getByRole('dialog', { name: 'Disable Zoe Novak?' }).getByRole('button', { name: 'Disable' }).click();
    await zoe.getByText('Disabled').waitFor();
  });

  /** Products "Workshop 001" … through the API, as the signed-in admin. */
  async function createWorkshops(first: number, last: number) {
    for (let index = first; index <= last; index++) {
      const created = await page.request.post(`${suite.app.url}/api/admin/products`, {
        headers: { origin: suite.app.url },
        data: { name: `Workshop ${String(index).padStart(3, '0')}` },
      });
      expect(created.status()).toBe(201);
    }
  }

  test('long lists load page by page with "Load more"', async () => {
    await createWorkshops(1, 50);
    await page.getByRole('link', { name: 'Products' }).click();
    await page.getByText('Workshop 001').waitFor();
    await expect.poll(() => page.getByRole('row').count()).toBe(51); // the header and the first 50 of 53
    await page.getByRole('button', { name: 'Load more products' }).click();
    await expect.poll(() => page.getByRole('row').count()).toBe(54);
    await page.getByRole('button', { name: 'Load more products' }).waitFor({ state: 'detached' });
  });

  test('a form offers every product, not only the first hundred', async () => {
    await createWorkshops(51, 110);
    const firstPage = await (await page.request.get(`${suite.app.url}/api/admin/products`, { params: { limit: 100 } })).json();
    const secondPage = await (
      await page.request.get(`${suite.app.url}/api/admin/products`, { params: { limit: 100, cursor: firstPage.next_cursor } })
    ).json();
    const beyondFirstPage: string = secondPage.products.at(-1).name;

    await page.getByRole('link', { name: 'Clients' }).click();
    await clientRow(page, 'Northwind University').getByRole('button', { name: 'Change products of Northwind University' }).click();
    const dialog = page.getByRole('dialog', { name: 'Products of Northwind University' });
    await dialog.getByRole('combobox', { name: 'Products' }).click();
    await page.keyboard.type(beyondFirstPage);
    await page.getByRole('option', { name: beyondFirstPage }).waitFor();
    await dialog.getByRole('heading').click(); // closes the open option list
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  test('on a phone the navigation collapses behind a burger', async () => {
    await page.setViewportSize({ width: 375, height: 812 });
    await page.getByRole('button', { name: 'Open navigation' }).click();
    await page.getByRole('link', { name: 'Clients' }).click();
    await page.getByRole('heading', { name: 'Clients', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/clients');
    await page.setViewportSize({ width: 1280, height: 800 });
    await signOut(page);
  });
});
