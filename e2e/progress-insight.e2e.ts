import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { demoData } from '../src/server/seed/demo-data.ts';
import { hasBrowser } from './support/browser.ts';
import { captureScreens } from './support/screens.ts';
import { demoUsers, signIn } from './support/session.ts';
import { useAppInBrowser } from './support/suite.ts';

const star = 'Answering behavioural questions with STAR';
const cv = 'Your CV in six seconds';
const navigateTo = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name }).click();
const stat = (page: Page, label: string) => page.getByRole('listitem', { name: label, exact: true });

describe.skipIf(!hasBrowser)('progress insight: drill-down, student page, report, mentors and students', () => {
  const suite = useAppInBrowser();
  let page: Page;
  beforeAll(async () => {
    page = await suite.browser.newPage();
  });

  const signInAs = async (email: string) => {
    await suite.browser.context.clearCookies();
    await signIn(page, suite.app.url, email);
  };

  test('staff drill into a session: cards that add up, clients behind, filters, a CSV of what is shown', async () => {
    await signInAs(demoUsers.staff.email);
    await navigateTo(page, 'Expert sessions');
    await page.getByRole('link', { name: `Progress of ${cv}` }).click();
    await page.getByRole('heading', { name: cv, level: 1 }).waitFor();
    // Northwind (Priya, Liam, Amara) through Career Launchpad, Contoso (Diego, Hana, Noah) through both.
    await expect.poll(() => stat(page, 'Eligible').textContent()).toContain('6');
    expect(await stat(page, 'Completed').textContent()).toContain('1');
    expect(await stat(page, 'In progress').textContent()).toContain('2');
    expect(await stat(page, 'Not started').textContent()).toContain('3');
    const rows = page.getByRole('table', { name: 'Students' }).getByRole('row');
    await expect.poll(() => rows.count()).toBe(1 + 6);
    await captureScreens(page, 'admin-session-progress', (p) =>
      p
        .getByRole('table', { name: 'Students' })
        .or(p.getByRole('list', { name: 'Students' }))
        .waitFor(),
    );

    await page.getByRole('combobox', { name: 'Status' }).click();
    await page.getByRole('option', { name: 'Not started' }).click();
    await expect.poll(() => rows.count()).toBe(1 + 3);
    const sort = page.getByRole('combobox', { name: 'Sort' });
    expect(await sort.isDisabled(), 'students not started are listed by name only').toBe(true);
    expect(await sort.inputValue()).toBe('Name, A–Z');
    const csv = await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
    expect(csv).toMatch(/\/students\.csv\?.*status=not_started/);
    const download = await page.request.get(`${suite.app.url}${csv}`);
    expect(download.headers()['content-type']).toBe('text/csv; charset=utf-8');
    expect((await download.text()).trimEnd().split('\r\n')).toHaveLength(1 + 3);
  });

  test("a student's page: client, programmes, worklets with their mentors, every session", async () => {
    await page.getByRole('combobox', { name: 'Status' }).click();
    await page.getByRole('option', { name: 'Completed' }).click();
    await page.getByRole('link', { name: 'Diego Alvarez' }).click();
    await page.getByRole('heading', { name: 'Diego Alvarez', level: 1 }).waitFor();
    await page.getByRole('region', { name: 'Worklets' }).getByText('25CTS01WT', { exact: false }).waitFor();
    await expect.poll(() => stat(page, 'Completed').textContent()).toContain('1');
    await captureScreens(page, 'admin-student-progress', (p) =>
      p
        .getByRole('table', { name: 'Sessions' })
        .or(p.getByRole('list', { name: 'Sessions' }))
        .waitFor(),
    );
  });

  test('the programme report: funnel, completions by week, least and most completed, who has not started', async () => {
    await navigateTo(page, 'Progress report');
    await page.getByText('Choose a programme or a client').waitFor();
    await page.getByRole('combobox', { name: 'Programme' }).click();
    await page.getByRole('option', { name: 'Career Launchpad' }).click();
    const funnel = page.getByRole('region', { name: 'Completion funnel' });
    await funnel.getByText('Eligible').waitFor();
    // Northwind's and Contoso's six students with its two sessions: twelve views; Diego completed one.
    expect(await funnel.textContent()).toContain('12 views');
    await page.getByRole('region', { name: 'Completions over time' }).locator('.recharts-bar-rectangle').first().waitFor();
    const notStarted = page.getByRole('region', { name: 'Students not started' });
    await notStarted.getByRole('link', { name: 'Noah Williams' }).waitFor();
    expect(await notStarted.getByRole('listitem').allInnerTexts()).toEqual([
      expect.stringContaining('Liam Chen'),
      expect.stringContaining('Noah Williams'),
    ]);
    await captureScreens(page, 'admin-programme-report', (p) =>
      p.getByRole('region', { name: 'Completions over time' }).locator('.recharts-bar-rectangle').first().waitFor(),
    );
  });

  test("a mentor's programme card leads to their worklets there, and on to each student's progress", async () => {
    await signInAs(demoUsers.mentor.email);
    await page.getByRole('article', { name: 'Interview Ready' }).getByRole('link', { name: 'Interview Ready' }).click();
    await page.getByRole('heading', { name: 'Interview Ready', level: 1 }).waitFor();
    await page.getByRole('listitem', { name: /^25NWD01WT / }).waitFor();
    await captureScreens(page, 'mentor-programme', (p) => p.getByRole('listitem', { name: /^25NWD01WT / }).waitFor());
    await page.getByRole('link', { name: "Students' progress: Mock-interview coach bot" }).click();
    const priya = page.getByRole('listitem', { name: demoData.users.priya.name });
    await priya.getByText('1 completed').waitFor();
    expect(await page.getByRole('list', { name: 'Students' }).getByRole('listitem').count()).toBe(2); // Priya and Liam, nobody else
    await captureScreens(page, 'mentor-worklet-progress', (p) => p.getByRole('listitem', { name: demoData.users.priya.name }).waitFor());
    // The same screen from "My worklets".
    await navigateTo(page, 'My worklets');
    await page.getByRole('link', { name: "Students' progress: Mock-interview coach bot" }).click();
    await priya.waitFor();
  });

  test("a student's programme card leads to the programme: overall progress, continue watching, new, every session", async () => {
    await signInAs(demoUsers.student.email);
    await page.getByRole('article', { name: 'Career Launchpad' }).getByRole('link', { name: 'Career Launchpad' }).click();
    await page.getByRole('heading', { name: 'Career Launchpad', level: 1 }).waitFor();
    const continuing = page.getByRole('list', { name: 'Continue watching' });
    await continuing.getByRole('listitem', { name: cv }).waitFor();
    const all = page.getByRole('list', { name: 'Sessions', exact: true });
    await expect.poll(() => all.getByRole('listitem').count()).toBe(2);
    await captureScreens(page, 'student-programme', (p) => p.getByRole('list', { name: 'Continue watching' }).waitFor());
    await page.getByRole('searchbox', { name: 'Search' }).fill('salary');
    await expect.poll(() => all.getByRole('listitem').count()).toBe(1);
    await page.getByRole('searchbox', { name: 'Search' }).fill('');
    await page.getByRole('combobox', { name: 'Show' }).click();
    await page.getByRole('option', { name: 'Completed' }).click();
    await page.getByText('No session matches').waitFor();
    // Every programme, as before, from the navigation: STAR (Interview Ready) is there, completed.
    await navigateTo(page, 'Expert sessions');
    await page.getByRole('list', { name: 'Sessions', exact: true }).getByRole('listitem', { name: star }).getByText('Completed').waitFor();
  });
});
