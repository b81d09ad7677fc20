import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page, Request, Route } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { paddedSampleMp4 } from '../test/support/sample-video.ts';
import { hasBrowser } from './support/browser.ts';
import { captureScreens } from './support/screens.ts';
import { demoUsers, signIn } from './support/session.ts';
import { useAppInBrowser } from './support/suite.ts';

const sampleVideo = path.resolve(import.meta.dirname, '../test/fixtures/sample.mp4');
const chunkBytes = 8 * 1024 * 1024; // the web app's tus chunk size

/** The sample MP4 grown past two chunks. */
function largeSampleVideo() {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'jobready-video-')), 'long-talk.mp4');
  fs.writeFileSync(file, paddedSampleMp4(20 * 1024 * 1024));
  return file;
}

const sessionRow = (page: Page, title: string) => page.getByRole('row').filter({ has: page.getByText(title, { exact: true }) });

describe.skipIf(!hasBrowser)('expert sessions (admin)', () => {
  const suite = useAppInBrowser();
  let page: Page;

  beforeAll(async () => {
    page = await suite.browser.newPage();
    await signIn(page, suite.app.url, demoUsers.admin.email);
    await page.getByRole('link', { name: 'Expert sessions' }).click();
    await page.getByRole('heading', { name: 'Expert sessions', level: 1 }).waitFor();
  });

  test('the list shows sessions with their products and statistics', async () => {
    await page.getByRole('table', { name: 'Expert sessions' }).waitFor();
    await captureScreens(page, 'admin-expert-sessions', (p) => p.getByText('Students reached').waitFor());
    // The cards show the server's totals over every matching session (the demo has four sessions, started by five distinct students).
    const { summary } = await (await page.request.get(`${suite.app.url}/api/admin/job-readiness/expert-sessions/summary`)).json();
    expect(summary).toMatchObject({ sessions: 4, active: 4, students_reached: 5 });
    const card = (label: string) => page.locator('.mantine-Paper-root', { hasText: label }).first();
    await expect.poll(() => card('Students reached').textContent()).toContain('5');
    await expect.poll(() => card('Sessions').textContent()).toContain('4');
  });

  test('the admin uploads a video, picks two products, and sees the measured duration', async () => {
    await page.getByRole('button', { name: 'New session' }).click();
    const dialog = page.getByRole('dialog', { name: 'New expert session' });
    await dialog.getByLabel(/^Title/).fill('Negotiating your first offer');
    await dialog.getByRole('button', { name: 'Create session' }).click();
    await dialog.getByText('Choose at least one product').waitFor();
    await dialog.getByText('Add the video').waitFor();

    await dialog.getByRole('combobox', { name: /^Products/ }).click();
    await page.getByRole('option', { name: 'Interview Ready' }).click();
    await page.getByRole('option', { name: 'Career Launchpad' }).click();
    await dialog.getByRole('heading').click();
    await dialog.getByLabel('Video file').setInputFiles(sampleVideo);
    await dialog.getByText('Uploaded.', { exact: false }).waitFor();
    await captureScreens(page, 'admin-expert-session-create', (p) => p.getByText('Uploaded.', { exact: false }).waitFor(), {
      mobileFullPage: false,
    });
    await dialog.getByRole('button', { name: 'Create session' }).click();

    await page
      .locator('.mantine-Notification-root')
      .filter({ hasText: /^“Negotiating your first offer” created: \d+:\d\d long/ })
      .waitFor();
    const row = sessionRow(page, 'Negotiating your first offer');
    await row.waitFor();
    expect(await row.locator('.mantine-Badge-root').allTextContents()).toEqual(
      expect.arrayContaining(['Career Launchpad', 'Interview Ready', 'Active']),
    );
  });

  test('removing a product warns about students first; the video can be replaced; deleting and restoring work', async () => {
    const row = sessionRow(page, 'Negotiating your first offer');
    await row.getByRole('button', { name: 'Actions for Negotiating your first offer' }).click();
    await page.getByRole('menuitem', { name: 'Edit' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit Negotiating your first offer' });
    await dialog.getByRole('combobox', { name: /^Products/ }).click();
    await page.getByRole('option', { name: 'Interview Ready' }).click();
    await dialog.getByRole('heading').click();
    // Nobody has watched the new session: the preview, counted by the server, says so.
    await dialog.getByText('No student will lose this session').waitFor();
    await dialog.getByText('No student who has started this session would lose it.').waitFor();
    await captureScreens(page, 'admin-expert-session-edit', (p) => p.getByText('No student will lose this session').waitFor(), {
      mobileFullPage: false,
    });
    // The replacement uploads at once, resumably, with its progress; it is used only when the dialog is saved.
    const webm = path.resolve(import.meta.dirname, '../test/fixtures/sample.webm');
    await dialog.getByLabel('Video file').setInputFiles(webm);
    await dialog.getByText('Uploaded.', { exact: false }).waitFor();
    await dialog.getByRole('button', { name: 'Keep the current video' }).click();
    await dialog.getByText('Drop a new video here to replace it').waitFor();
    await dialog.getByLabel('Video file').setInputFiles(webm);
    await dialog.getByText('Uploaded.', { exact: false }).waitFor();
    await captureScreens(page, 'admin-expert-session-replace-video', (p) => p.getByText('Uploaded.', { exact: false }).waitFor(), {
      mobileFullPage: false,
    });
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => row.locator('.mantine-Badge-root').allTextContents()).toEqual(['Career Launchpad', 'Active']);
    const listed = await page.request.get(
      `${suite.app.url}/api/admin/job-readiness/expert-sessions?search=Negotiating%20your%20first%20offer`,
    );
    const [session] = (await listed.json()).sessions;
    expect(session.video_media_type).toBe('video/webm');

    await row.getByRole('button', { name: 'Actions for Negotiating your first offer' }).click();
    await page.getByRole('menuitem', { name: 'Delete' }).click();
    await page
      .getByRole('dialog', { name: 'Delete Negotiating your first offer?' })
      .getByRole('button', { name: 'Delete session' })
      .click();
    await row.waitFor({ state: 'detached' });

    await page.getByRole('combobox', { name: 'Status' }).click();
    await page.getByRole('option', { name: 'Deleted' }).click();
    await sessionRow(page, 'Negotiating your first offer').getByRole('button', { name: 'Restore' }).click();
    // Restored, it leaves the Deleted filter: the list switches back to active and inactive sessions, and marks it.
    await sessionRow(page, 'Negotiating your first offer').and(page.locator('[data-highlighted]')).waitFor();
  });

  test('an upload paused mid-way, and one whose connection drops, both continue from the bytes the server has', async () => {
    await page.reload(); // clears the Deleted filter of the test before
    const video = largeSampleVideo();
    const patches: Request[] = [];
    let held: Route | undefined;
    let dropped = false;
    await page.route('**/expert-sessions/uploads/*', async (route) => {
      const request = route.request();
      if (request.method() !== 'PATCH') return route.continue();
      patches.push(request);
      if (patches.length === 2) {
        held = route; // the second chunk hangs until the admin pauses
        return;
      }
      if (patches.length === 4 && !dropped) {
        dropped = true;
        return route.abort('connectionreset');
      }
      return route.continue();
    });

    await page.getByRole('button', { name: 'New session' }).click();
    const dialog = page.getByRole('dialog', { name: 'New expert session' });
    await dialog.getByLabel(/^Title/).fill('A long talk');
    await dialog.getByRole('combobox', { name: /^Products/ }).click();
    await page.getByRole('option', { name: 'Career Launchpad' }).click();
    await dialog.getByRole('heading').click();
    await dialog.getByLabel('Video file').setInputFiles(video);

    await expect.poll(() => held !== undefined, { timeout: 30_000 }).toBe(true);
    await dialog.getByRole('button', { name: 'Pause' }).click();
    await captureScreens(page, 'admin-expert-session-upload-paused', (p) => p.getByText(/^Paused at \d+%/).waitFor(), {
      mobileFullPage: false,
    });
    await held!.abort().catch(() => {});
    await dialog.getByRole('button', { name: 'Resume' }).click();
    await dialog.getByText('Uploaded.', { exact: false }).waitFor({ timeout: 60_000 });
    await page.unroute('**/expert-sessions/uploads/*');

    const offsets = patches.map((request) => Number(request.headers()['upload-offset']));
    // Resumed at the first chunk's end, not from zero; after the drop, the same chunk again.
    expect(offsets).toEqual([0, chunkBytes, chunkBytes, 2 * chunkBytes, 2 * chunkBytes]);

    await dialog.getByRole('button', { name: 'Create session' }).click();
    await page
      .locator('.mantine-Notification-root')
      .filter({ hasText: /^“A long talk” created: \d+:\d\d long/ })
      .waitFor();
    await sessionRow(page, 'A long talk').waitFor();
    fs.rmSync(path.dirname(video), { recursive: true, force: true });
  });
});
