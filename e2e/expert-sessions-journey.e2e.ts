import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { demoData, demoPassword } from '../src/server/seed/demo-data.ts';
import { hasBrowser } from './support/browser.ts';
import { captureScreens } from './support/screens.ts';
import { demoUsers, signIn } from './support/session.ts';
import { useAppInBrowser } from './support/suite.ts';

// Seed 000 §6, through the screens. Northwind (Priya) has Interview Ready and Career Launchpad,
// Contoso (Diego) Career Launchpad and Digital Workplace Skills; Fabrikam (Fatima, made below) only a
// fourth product that the session never gets.
const sampleVideo = path.resolve(import.meta.dirname, '../test/fixtures/sample.mp4');
const title = 'Acing the panel interview';
const fatima = { email: 'fatima@fabrikam.test', name: 'Fatima Haddad' };

const navigateTo = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name }).click();
const sessionRow = (page: Page) => page.getByRole('row').filter({ has: page.getByText(title, { exact: true }) });
// The list of all sessions (a session may also show under "Continue watching" or "New" above it).
const sessionCard = (page: Page, name = title) => page.getByRole('list', { name: 'Sessions', exact: true }).getByRole('listitem', { name });
const video = (page: Page) => page.locator('video');
const currentTime = (page: Page) => video(page).evaluate((element: HTMLVideoElement) => element.currentTime);
/** Plays until the position reaches `seconds`. */
async function play(page: Page, seconds: number) {
  await video(page).evaluate((element: HTMLVideoElement) => element.play());
  await expect.poll(() => currentTime(page), { timeout: 10_000 }).toBeGreaterThanOrEqual(seconds);
}

describe.skipIf(!hasBrowser)('scenario 1: an expert session shared by several products, from upload to deletion', () => {
  const suite = useAppInBrowser();
  let page: Page;
  let playerPath: string;
  /** What made the player save (the request body's trigger_type), except saves on unload, which Playwright does not see. */
  const saveTriggers: string[] = [];

  beforeAll(async () => {
    page = await suite.browser.newPage();
    page.on('request', (request) => {
      if (request.url().endsWith('/watch-progress')) saveTriggers.push(request.postDataJSON().trigger_type);
    });
  });

  /** Each person signs in on a clean browser, as on their own device. */
  const signInAs = async (email: string) => {
    await suite.browser.context.clearCookies();
    await signIn(page, suite.app.url, email);
  };

  const openStudentSessions = async () => {
    await navigateTo(page, 'Expert sessions');
    await page.getByRole('heading', { name: 'Expert sessions', level: 1 }).waitFor();
    await page.getByRole('region', { name: 'Overall progress' }).or(page.getByText('No expert sessions yet')).waitFor(); // loaded
  };

  const openAdminSession = async (action: 'Edit' | 'Delete') => {
    await sessionRow(page)
      .getByRole('button', { name: `Actions for ${title}` })
      .click();
    await page.getByRole('menuitem', { name: action }).click();
  };

  test('set-up: a client whose only product will never get the session, with a student', async () => {
    await signInAs(demoUsers.admin.email);
    const post = async (url: string, data: object) => {
      const response = await page.request.post(`${suite.app.url}${url}`, { data, headers: { origin: suite.app.url } });
      expect(response.status(), await response.text()).toBe(201);
      return response.json();
    };
    const { product } = await post('/api/admin/products', { name: 'Graduate Recruitment', type: 'JOB_READINESS' });
    const { client } = await post('/api/admin/clients', { name: 'Fabrikam College', product_ids: [product.id] });
    await post('/api/admin/users', { ...fatima, password: demoPassword, role: 'student', client_id: client.id });
  });

  test('the admin creates the session with a video for two products, then edits it to three', async () => {
    await navigateTo(page, 'Expert sessions');
    await page.getByRole('button', { name: 'New session' }).click();
    const create = page.getByRole('dialog', { name: 'New expert session' });
    await create.getByLabel(/^Title/).fill(title);
    await create.getByLabel('Description').fill('Three interviewers, one answer: how to speak to the whole panel.');
    await create.getByRole('combobox', { name: /^Products/ }).click();
    await page.getByRole('option', { name: 'Interview Ready' }).click();
    await page.getByRole('option', { name: 'Digital Workplace Skills' }).click();
    await create.getByRole('heading').click();
    await create.getByLabel('Video file').setInputFiles(sampleVideo);
    await create.getByText('Uploaded.', { exact: false }).waitFor();
    await create.getByRole('button', { name: 'Create session' }).click();
    await page
      .locator('.mantine-Notification-root')
      .filter({ hasText: `“${title}” created` })
      .waitFor();
    await expect
      .poll(() => sessionRow(page).locator('.mantine-Badge-root').allTextContents())
      .toEqual(['Digital Workplace Skills', 'Interview Ready', 'Active']);

    await openAdminSession('Edit');
    const edit = page.getByRole('dialog', { name: `Edit ${title}` });
    await edit.getByRole('combobox', { name: /^Products/ }).click();
    await page.getByRole('option', { name: 'Career Launchpad' }).click();
    await edit.getByRole('heading').click();
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await edit.waitFor({ state: 'detached' });
    await expect
      .poll(() => sessionRow(page).locator('.mantine-Badge-root').allTextContents())
      .toEqual(['Career Launchpad', 'Digital Workplace Skills', 'Interview Ready', 'Active']);
  });

  test('a student of one of the products sees it, watches a little, leaves while it plays, and finds her place again', async () => {
    await signInAs(demoUsers.student.email);
    await openStudentSessions();
    // Priya has two programmes: a switcher (radio buttons: arrow keys move between them) narrows the list.
    const programmes = page.getByRole('radiogroup', { name: 'Programme' });
    await programmes.getByRole('radio', { name: 'All programmes' }).focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => programmes.getByRole('radio', { name: 'Career Launchpad' }).isChecked()).toBe(true);
    await sessionCard(page).waitFor();
    await expect
      .poll(() => page.getByRole('listitem').getByRole('heading').allTextContents())
      .not.toContain('Answering behavioural questions with STAR');
    await page.keyboard.press('ArrowLeft');
    await sessionCard(page, 'Answering behavioural questions with STAR').waitFor();
    expect(await sessionCard(page).getByText('Not started').count()).toBe(1);
    await captureScreens(page, 'student-expert-sessions', (p) => sessionCard(p).waitFor());

    const start = sessionCard(page).getByRole('link', { name: `Start watching: ${title}` });
    playerPath = (await start.getAttribute('href'))!;
    await start.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: title, level: 1 }).waitFor();
    await play(page, 1.2);
    await video(page).evaluate((element: HTMLVideoElement) => element.pause());
    await expect.poll(() => saveTriggers).toContain('pause');
    // She goes back to the start (saved: position 0) and plays on, then leaves while it plays: only
    // the save on the page's way out (a keepalive request, which Playwright does not report) can
    // move her place forward from 0 again.
    await video(page).evaluate((element: HTMLVideoElement) => (element.currentTime = 0));
    await expect.poll(() => saveTriggers).toContain('seek');
    await play(page, 0.9);
    await page.reload();
    await page.getByText(/^Resumes at [1-9]\d*%$/).waitFor();
    await expect.poll(() => currentTime(page)).toBeGreaterThanOrEqual(0.9);
    await page.getByRole('link', { name: '← All expert sessions' }).click();
    const card = sessionCard(page);
    await card.getByText('In progress').waitFor();
    await card.getByRole('link', { name: /^Resume at [1-9]\d*%: / }).waitFor();
  });

  test('she watches to the end: the session is completed, and stays so after a reload', async () => {
    await sessionCard(page)
      .getByRole('link', { name: /^Resume at \d+%: / })
      .click();
    await page.getByText(/^Resumes at [1-9]\d*%$/).waitFor();
    await expect.poll(() => currentTime(page)).toBeGreaterThanOrEqual(0.9);
    await video(page).evaluate((element: HTMLVideoElement) => element.play());
    await page.getByRole('status').filter({ hasText: 'Session completed — well done!' }).waitFor({ timeout: 15_000 });
    await expect.poll(() => video(page).evaluate((element: HTMLVideoElement) => element.ended)).toBe(true);
    await expect.poll(() => saveTriggers).toContain('completion');
    await captureScreens(page, 'student-expert-session-player', (p) => p.getByText('Session completed').waitFor());

    await page.reload();
    await page.getByRole('status').filter({ hasText: 'Session completed' }).waitFor();
    await page.getByText('100% watched', { exact: true }).waitFor();
    await page.getByRole('link', { name: '← All expert sessions' }).click();
    await sessionCard(page).getByText('Completed', { exact: true }).waitFor();
    await sessionCard(page)
      .getByRole('link', { name: `Watch again: ${title}` })
      .waitFor();
    expect(new Set(saveTriggers)).toEqual(new Set(['milestone', 'pause', 'seek', 'completion']));
  });

  test('a student of another assigned product sees it too', async () => {
    await signInAs(demoData.users.diego.email);
    await openStudentSessions();
    await sessionCard(page).waitFor();
  });

  test('a student outside its products does not see it, and its page is a friendly not-found with a way back', async () => {
    await signInAs(fatima.email);
    await openStudentSessions();
    await page.getByText('No expert sessions yet').waitFor();
    expect(await sessionCard(page).count()).toBe(0);

    await page.goto(`${suite.app.url}${playerPath}`);
    await page.getByRole('heading', { name: 'This session is not available', level: 1 }).waitFor();
    const videoUrl = `/api/app/job-readiness/expert-sessions/${playerPath.split('/').pop()}/video`;
    expect((await page.request.get(`${suite.app.url}${videoUrl}`)).status()).toBe(404);
    await page.getByRole('link', { name: 'Back to expert sessions' }).click();
    await page.getByRole('heading', { name: 'Expert sessions', level: 1 }).waitFor();
  });

  test('the admin deletes the session; no student sees it any more', async () => {
    await signInAs(demoUsers.admin.email);
    await navigateTo(page, 'Expert sessions');
    await openAdminSession('Delete');
    await page
      .getByRole('dialog', { name: `Delete ${title}?` })
      .getByRole('button', { name: 'Delete session' })
      .click();
    await sessionRow(page).waitFor({ state: 'detached' });

    for (const email of [demoUsers.student.email, demoData.users.diego.email, fatima.email]) {
      await signInAs(email);
      await openStudentSessions();
      expect(await sessionCard(page).count()).toBe(0);
      await page.goto(`${suite.app.url}${playerPath}`);
      await page.getByRole('heading', { name: 'This session is not available', level: 1 }).waitFor();
    }
  });
});
