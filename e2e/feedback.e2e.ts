import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page, Request, Route } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { paddedSampleMp4 } from '../test/support/sample-video.ts';
import { demoData } from '../src/server/seed/demo-data.ts';
import { hasBrowser } from './support/browser.ts';
import { captureScreens } from './support/screens.ts';
import { demoUsers, signIn, signOut } from './support/session.ts';
import { useAppInBrowser } from './support/suite.ts';

const sampleVideo = path.resolve(import.meta.dirname, '../test/fixtures/sample.mp4');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'jobready-feedback-'));

const row = (page: Page, text: string) => page.getByRole('row').filter({ has: page.getByText(text, { exact: true }) });
const notification = (page: Page, text: string | RegExp) => page.locator('.mantine-Notification-root').filter({ hasText: text });
/** Closes the notifications still showing, so that a screenshot shows only what it is about. */
async function dismissNotifications(page: Page) {
  for (const close of await page.locator('.mantine-Notification-root button.mantine-Notification-closeButton').all())
    await close.click().catch(() => {});
  await page
    .locator('.mantine-Notification-root')
    .first()
    .waitFor({ state: 'detached' })
    .catch(() => {});
}
const navigateTo = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name }).click();

async function chooseProduct(page: Page, dialog: ReturnType<Page['getByRole']>, name: string) {
  await dialog.getByRole('combobox', { name: /^Products/ }).click();
  await page.getByRole('option', { name }).click();
  await dialog.getByRole('heading').click();
}

describe.skipIf(!hasBrowser)('feedback and safety', () => {
  const suite = useAppInBrowser();
  let page: Page;

  beforeAll(async () => {
    page = await suite.browser.newPage();
    await signIn(page, suite.app.url, demoUsers.admin.email);
  });
  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail') await page.goto(`${suite.app.url}/admin/clients`);
  });
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

  test('a file that is not a video is refused in the browser before a byte is sent', async () => {
    const fake = path.join(scratch, 'talk.mp4');
    fs.writeFileSync(fake, '<!doctype html><html><body>Not a video at all, whatever its name says.</body></html>\n'.repeat(200));
    const uploads: Request[] = [];
    const watch = (request: Request) => request.url().includes('/expert-sessions/uploads') && uploads.push(request);
    page.on('request', watch);
    try {
      await page.goto(`${suite.app.url}/admin/expert-sessions`);
      await page.getByRole('button', { name: 'New session' }).click();
      const dialog = page.getByRole('dialog', { name: 'New expert session' });
      await dialog.getByLabel('Video file').setInputFiles(fake);
      await dialog.getByRole('alert').getByText('talk.mp4 is not a video: choose an MP4, WebM or QuickTime file.').waitFor();
      await captureScreens(
        page,
        'admin-expert-session-not-a-video',
        (p) => p.getByText('talk.mp4 is not a video', { exact: false }).waitFor(),
        {
          mobileFullPage: false,
        },
      );
      expect(uploads.map((request) => request.method())).toEqual([]);
      // Nothing is uploading: the form closes without asking.
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'detached' });
    } finally {
      page.off('request', watch);
    }
  });

  test('closing a form with an uploaded, unused video asks; discarding says so and leaves nothing behind', async () => {
    await page.getByRole('button', { name: 'New session' }).click();
    const dialog = page.getByRole('dialog', { name: 'New expert session' });
    await dialog.getByLabel(/^Title/).fill('A talk to throw away');
    await dialog.getByLabel('Video file').setInputFiles(sampleVideo);
    await dialog.getByText('Uploaded.', { exact: false }).waitFor();
    await page.keyboard.press('Escape');
    const question = page.getByRole('dialog', { name: 'The video is not used yet' });
    await question.getByRole('button', { name: 'Discard the upload' }).click();
    await question.waitFor({ state: 'detached' });
    await notification(page, 'Upload discarded').waitFor();
    expect(await page.getByRole('region', { name: 'Uploads' }).count()).toBe(0);
    expect(await page.getByRole('dialog').count()).toBe(0);
  });

  test('an upload goes on in the background, in the uploads tray, and its form opens again to finish', async () => {
    const video = path.join(scratch, 'background-talk.mp4');
    fs.writeFileSync(video, paddedSampleMp4(20 * 1024 * 1024));
    let held: Route | undefined;
    let patches = 0;
    await page.route('**/expert-sessions/uploads/*', async (route) => {
      if (route.request().method() === 'PATCH' && ++patches === 2) {
        held = route; // the second chunk waits: the upload is in progress for as long as the test needs
        return;
      }
      return route.continue();
    });
    try {
      await page.getByRole('button', { name: 'New session' }).click();
      const dialog = page.getByRole('dialog', { name: 'New expert session' });
      await dialog.getByLabel(/^Title/).fill('Background talk');
      await chooseProduct(page, dialog, 'Career Launchpad');
      await dialog.getByLabel('Video file').setInputFiles(video);
      await expect.poll(() => held !== undefined, { timeout: 30_000 }).toBe(true);

      // Escape asks instead of throwing the upload away; back to the form, nothing is lost.
      await page.keyboard.press('Escape');
      const question = page.getByRole('dialog', { name: 'The video is still uploading' });
      await question.getByText(/background-talk\.mp4 is at \d+%/).waitFor();
      await dismissNotifications(page);
      await captureScreens(
        page,
        'admin-expert-session-close-uploading',
        (p) => p.getByRole('dialog', { name: 'The video is still uploading' }).waitFor(),
        {
          mobileFullPage: false,
        },
      );
      await question.getByRole('button', { name: 'Back to the form' }).click();
      await expect.poll(() => dialog.getByLabel(/^Title/).inputValue()).toBe('Background talk');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await page.getByRole('dialog', { name: 'The video is still uploading' }).getByRole('button', { name: 'Keep uploading' }).click();
      await dialog.waitFor({ state: 'detached' });

      // The tray follows the admin to another page.
      const tray = page.getByRole('region', { name: 'Uploads' });
      await tray.getByText('background-talk.mp4').waitFor();
      await tray.getByText('Background talk').waitFor();
      await navigateTo(page, 'Clients');
      await page.getByRole('heading', { name: 'Clients', level: 1 }).waitFor();
      await tray.getByText(/^\d+% of 20\.0 MB$/).waitFor();
      await captureScreens(page, 'admin-uploads-tray', (p) => p.getByRole('region', { name: 'Uploads' }).waitFor());

      await held!.continue();
      await page.unroute('**/expert-sessions/uploads/*');
      await tray.getByText('Uploaded: finish the form to use it').waitFor({ timeout: 60_000 });
      await notification(page, 'background-talk.mp4 uploaded').waitFor();
      await tray.getByRole('button', { name: 'Finish' }).click();

      const reopened = page.getByRole('dialog', { name: 'New expert session' });
      await reopened.getByText('Uploaded.', { exact: false }).waitFor();
      expect(await reopened.getByLabel(/^Title/).inputValue()).toBe('Background talk');
      await reopened.getByRole('button', { name: 'Create session' }).click();
      await notification(page, /^“Background talk” created: \d+:\d\d long, students of Career Launchpad can watch it now/).waitFor();
      await row(page, 'Background talk').and(page.locator('[data-highlighted]')).waitFor();
      expect(await tray.count()).toBe(0);
    } finally {
      await page.unroute('**/expert-sessions/uploads/*').catch(() => {});
    }
  });

  test('deleting a session offers Undo; Restore brings it back into the list, where it is shown', async () => {
    const title = 'Your CV in six seconds';
    await page.goto(`${suite.app.url}/admin/expert-sessions`);
    const remove = async () => {
      await row(page, title)
        .getByRole('button', { name: `Actions for ${title}` })
        .click();
      await page.getByRole('menuitem', { name: 'Delete' }).click();
      await page
        .getByRole('dialog', { name: `Delete ${title}?` })
        .getByRole('button', { name: 'Delete session' })
        .click();
      await row(page, title).waitFor({ state: 'detached' });
    };
    await remove();
    const undo = notification(page, `“${title}” deleted`);
    await captureScreens(page, 'admin-undo-delete', (p) => notification(p, `“${title}” deleted`).waitFor(), {
      mobileFullPage: false,
      notifications: true,
    });
    await undo.getByRole('button', { name: 'Undo' }).click();
    await notification(page, `“${title}” restored`).waitFor();
    await row(page, title).waitFor();

    // Later, under the Deleted filter: the cards count no deleted session as active, and Restore shows the row where it went.
    await dismissNotifications(page);
    await remove();
    await page.getByRole('combobox', { name: 'Status' }).click();
    await page.getByRole('option', { name: 'Deleted' }).click();
    const card = (label: string) => page.locator('.mantine-Paper-root', { hasText: label }).first();
    await expect.poll(() => card('Active').textContent()).toBe('Active0');
    await row(page, title).getByRole('button', { name: 'Restore' }).click();
    await notification(page, `“${title}” restored`).waitFor();
    await row(page, title).and(page.locator('[data-highlighted]')).waitFor();
    expect(await page.getByRole('combobox', { name: 'Status' }).inputValue()).toBe('');
  });

  test('filtered lists that come back empty offer Clear filters', async () => {
    await page.goto(`${suite.app.url}/admin/expert-sessions`);
    await page.getByRole('searchbox', { name: 'Search' }).fill('no such session anywhere');
    const empty = page.getByText('No session matches these filters');
    await empty.waitFor();
    await dismissNotifications(page);
    await captureScreens(page, 'admin-filtered-empty', (p) => p.getByRole('button', { name: 'Clear filters' }).waitFor());
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await row(page, 'Your CV in six seconds').waitFor();
    expect(await page.getByRole('searchbox', { name: 'Search' }).inputValue()).toBe('');
  });

  test('product names are unique per type whatever their case; create, save and delete say so, delete offers Undo', async () => {
    await navigateTo(page, 'Products');
    await page.getByRole('button', { name: 'New product' }).click();
    const dialog = page.getByRole('dialog', { name: 'New product' });
    await dialog.getByLabel(/^Name/).fill('interview READY');
    await dialog.getByRole('button', { name: 'Create product' }).click();
    await dialog.getByText('Another product of this type already has this name.').waitFor();
    await dialog.getByLabel(/^Name/).fill('Salary talks');
    await dialog.getByRole('button', { name: 'Create product' }).click();
    await notification(page, 'Salary talks created').waitFor();
    await row(page, 'Salary talks').waitFor();

    await page.getByRole('button', { name: 'Delete Salary talks' }).click();
    await page.getByRole('dialog', { name: 'Delete Salary talks?' }).getByRole('button', { name: 'Delete product' }).click();
    await row(page, 'Salary talks').waitFor({ state: 'detached' });
    await notification(page, 'Salary talks deleted').getByRole('button', { name: 'Undo' }).click();
    await notification(page, 'Salary talks kept').waitFor();
    await row(page, 'Salary talks').waitFor();
    // Kept on the server too.
    const listed = await (await page.request.get(`${suite.app.url}/api/admin/products?search=Salary`)).json();
    expect(listed.products.map((product: { name: string }) => product.name)).toEqual(['Salary talks']);

    // Deleted again: while its Undo waits, the pickers of other screens leave it out too (a new client's products).
    await page.getByRole('button', { name: 'Delete Salary talks' }).click();
    await page.getByRole('dialog', { name: 'Delete Salary talks?' }).getByRole('button', { name: 'Delete product' }).click();
    await row(page, 'Salary talks').waitFor({ state: 'detached' });
    await navigateTo(page, 'Clients');
    await page.getByRole('button', { name: 'New client' }).click();
    const newClient = page.getByRole('dialog', { name: 'New client' });
    await newClient.getByRole('combobox', { name: /^Products/ }).click();
    await page.getByRole('option', { name: 'Career Launchpad' }).waitFor();
    expect(await page.getByRole('option', { name: 'Salary talks' }).count()).toBe(0);
    // The delete has not been sent yet: the picker left the product out itself.
    const stillThere = await (await page.request.get(`${suite.app.url}/api/admin/products?search=Salary`)).json();
    expect(stillThere.products.map((product: { name: string }) => product.name)).toEqual(['Salary talks']);
    await newClient.getByRole('heading', { name: 'New client' }).click(); // closes the option list
    await newClient.getByRole('button', { name: 'Cancel' }).click();
    await newClient.waitFor({ state: 'detached' });
  });

  test('a client with students cannot be deleted: the dialog says what to do instead, with no Delete button', async () => {
    await navigateTo(page, 'Clients');
    await row(page, 'Contoso Institute of Technology')
      .getByRole('button', { name: 'More actions for Contoso Institute of Technology' })
      .click();
    await page.getByRole('menuitem', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog', { name: 'Contoso Institute of Technology cannot be deleted' });
    await dialog.getByText(/still has 3 students\. Move them to another client/).waitFor();
    await dismissNotifications(page);
    expect(await dialog.getByRole('button', { name: /delete/i }).count()).toBe(0);
    await captureScreens(
      page,
      'admin-client-cannot-delete',
      (p) => p.getByRole('dialog').getByRole('button', { name: 'Deactivate instead' }).waitFor(),
      {
        mobileFullPage: false,
      },
    );
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  test('reactivating a mentor keeps who assigned them first, and says who reactivated them', async () => {
    await navigateTo(page, 'Worklets');
    await page
      .getByRole('listitem', { name: /^25NWD01WT / })
      .getByRole('button', { name: 'Mentors of Mock-interview coach bot' })
      .click();
    const dialog = page.getByRole('dialog', { name: 'Mentors of Mock-interview coach bot' });
    await dialog.getByRole('tab', { name: 'Assignments' }).click();
    const omar = dialog.locator('[data-assignment="Omar Mentor"]');
    await omar.getByText(/^Assigned .+ by Sam Staff$/).waitFor();
    await omar.getByRole('button', { name: 'Deactivate' }).click();
    await omar.getByRole('button', { name: 'Deactivate Omar Mentor' }).click();
    await notification(page, 'Omar Mentor deactivated on Mock-interview coach bot').waitFor();
    await omar.getByRole('button', { name: 'Reactivate Omar Mentor' }).click();
    await omar.getByText(/^Assigned .+ by Sam Staff · reactivated .+ by Ada Admin$/).waitFor();
    await notification(page, /^Omar Mentor reactivated on Mock-interview coach bot/).waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  test('a disabled student is marked on their mentor’s worklet, and told at sign-in that the account is disabled', async () => {
    const { liam, mentorMaya } = demoData.users;
    await navigateTo(page, 'Users');
    await row(page, liam.name)
      .getByRole('button', { name: `Actions for ${liam.name}` })
      .click();
    await page.getByRole('menuitem', { name: 'Disable' }).click();
    await page
      .getByRole('dialog', { name: `Disable ${liam.name}?` })
      .getByRole('button', { name: 'Disable' })
      .click();
    await notification(page, `${liam.name} disabled and signed out everywhere`).waitFor();
    await signOut(page);

    await signIn(page, suite.app.url, mentorMaya.email);
    await navigateTo(page, 'My worklets');
    const students = page.getByRole('listitem', { name: /^25NWD01WT / }).getByRole('list', { name: 'Students' });
    const liamEntry = students.locator(`[data-student="${liam.email}"]`);
    await liamEntry.getByText('Disabled').waitFor();
    await dismissNotifications(page);
    expect(await liamEntry.getByRole('link', { name: `Email ${liam.name}: ${liam.email}` }).getAttribute('href')).toBe(
      `mailto:${liam.email}`,
    );
    await captureScreens(page, 'mentor-worklets-disabled-student', (p) =>
      p
        .getByRole('listitem', { name: /^25NWD01WT / })
        .getByText('Disabled')
        .waitFor(),
    );
    await signOut(page);

    await page.getByRole('textbox', { name: /^Email/ }).fill(liam.email);
    await page.getByLabel(/^Password/).fill(liam.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('This account is disabled. Ask your programme team to enable it again.').waitFor();
    await captureScreens(page, 'sign-in-disabled', (p) => p.getByRole('alert').waitFor());
  });
});
