import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { paddedSampleMp4 } from '../test/support/sample-video.ts';
import { hasBrowser } from './support/browser.ts';
import { demoUsers, signIn } from './support/session.ts';
import { useAppInBrowser } from './support/suite.ts';

// Scenario 3: the browser really goes offline in the middle of an upload (Chromium's network
// emulation, so `navigator.onLine` turns false as well), comes back, and the upload resumes from
// the bytes the server already holds. expert-sessions.e2e.ts covers pausing and a single dropped request.
const chunkBytes = 8 * 1024 * 1024; // the web app's tus chunk size
const title = 'Networking at career fairs';
const megabyte = 1024 * 1024;

/** The sample MP4 grown to ~24 MB (three chunks). */
function largeVideo(directory: string) {
  const file = path.join(directory, 'career-fairs.mp4');
  fs.writeFileSync(file, paddedSampleMp4(24 * megabyte));
  return file;
}

const sha256 = (bytes: Buffer) => crypto.createHash('sha256').update(bytes).digest('hex');

/** Chromium's own network conditions: a slow uplink, or no network at all. */
const network = (cdp: CDPSession, conditions: { offline: boolean; uploadBytesPerSecond?: number }) =>
  cdp.send('Network.emulateNetworkConditions', {
    offline: conditions.offline,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: conditions.uploadBytesPerSecond ?? -1,
  });

describe.skipIf(!hasBrowser)('scenario 3: a resumable upload interrupted mid-way', () => {
  const suite = useAppInBrowser();
  let page: Page;
  let directory: string;

  beforeAll(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'jobready-upload-'));
    page = await suite.browser.newPage();
    await signIn(page, suite.app.url, demoUsers.admin.email);
  });
  afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

  test('the connection goes away half-way; back online, Resume finishes it and the stored bytes equal the file', async () => {
    const video = largeVideo(directory);
    const patchOffsets: number[] = [];
    page.on('request', (request) => {
      if (request.method() === 'PATCH' && request.url().includes('/expert-sessions/uploads/')) {
        patchOffsets.push(Number(request.headers()['upload-offset']));
      }
    });
    const cdp = await suite.browser.context.newCDPSession(page);
    await cdp.send('Network.enable');

    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Expert sessions' }).click();
    await page.getByRole('button', { name: 'New session' }).click();
    const dialog = page.getByRole('dialog', { name: 'New expert session' });
    await dialog.getByLabel(/^Title/).fill(title);
    await dialog.getByRole('combobox', { name: /^Products/ }).click();
    await page.getByRole('option', { name: 'Career Launchpad' }).click();
    await dialog.getByRole('heading').click();

    await network(cdp, { offline: false, uploadBytesPerSecond: 3 * megabyte });
    await dialog.getByLabel('Video file').setInputFiles(video);
    const uploading = dialog.getByText(/^Uploading… \d+%$/);
    const percent = async () => Number(/(\d+)%/.exec((await uploading.textContent().catch(() => '')) ?? '')?.[1] ?? 0);
    await expect.poll(percent, { timeout: 30_000 }).toBeGreaterThanOrEqual(45); // about half-way

    await network(cdp, { offline: true });
    await dialog.getByText('The upload stopped. Check your connection, then resume', { exact: false }).waitFor({ timeout: 30_000 });
    const beforeResume = patchOffsets.length;

    await network(cdp, { offline: false });
    await dialog.getByRole('button', { name: 'Resume' }).click();
    await dialog.getByText('Uploaded.', { exact: false }).waitFor({ timeout: 60_000 });

    // Nothing already on the server was sent again: after the interrupted request, the upload went on
    // from where that request started (or further), never from zero.
    const interruptedAt = patchOffsets[beforeResume - 1]!;
    expect(interruptedAt).toBeGreaterThanOrEqual(chunkBytes);
    expect(patchOffsets.slice(beforeResume).length).toBeGreaterThan(0);
    expect(Math.min(...patchOffsets.slice(beforeResume))).toBeGreaterThanOrEqual(interruptedAt);

    await dialog.getByRole('button', { name: 'Create session' }).click();
    await page
      .locator('.mantine-Notification-root')
      .filter({ hasText: /created: \d+:\d\d long/ })
      .waitFor();
    await page.getByRole('dialog').waitFor({ state: 'detached' });

    const expected = fs.readFileSync(video);
    const list = await page.request.get(`${suite.app.url}/api/admin/job-readiness/expert-sessions`, { params: { search: title } });
    const [session] = (await list.json()).sessions as { video_url: string; video_size_bytes: number; video_duration: number }[];
    expect(session).toMatchObject({ video_size_bytes: expected.length, video_duration: 4 });
    const stored = await page.request.get(`${suite.app.url}${session!.video_url}`);
    expect(stored.status()).toBe(200);
    expect(sha256(await stored.body())).toBe(sha256(expected));
  });
});
