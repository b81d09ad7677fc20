import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { demoData } from '../src/server/seed/demo-data.ts';
import { hasBrowser } from './support/browser.ts';
import { captureScreens } from './support/screens.ts';
import { demoPassword, demoUsers, signOut } from './support/session.ts';
import { useAppInBrowser } from './support/suite.ts';

const sampleVideo = path.resolve(import.meta.dirname, '../test/fixtures/sample.mp4');
const sampleCaptions = path.resolve(import.meta.dirname, '../test/fixtures/sample.en.vtt');
const sessionTitle = 'Keyboard-only: salary questions';

const isFocused = (locator: Locator) => locator.evaluate((element) => element === document.activeElement);

/** Presses Tab (or Shift+Tab) until `target` has focus, as a keyboard user moves through the page. */
async function tabTo(page: Page, target: Locator, { backwards = false, max = 80 } = {}) {
  for (let presses = 0; presses < max; presses++) {
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
    if (await isFocused(target)) return;
  }
  throw new Error(`${max} presses of Tab never reached ${target}`);
}

/**
 * A page whose file choosers Playwright intercepts from the start (the interception is switched on
 * asynchronously by the first listener; switched on only at the Enter press, it can come too late).
 */
async function newPage(suite: { browser: { newPage: () => Promise<Page> } }) {
  const page = await suite.browser.newPage();
  page.on('filechooser', () => {});
  return page;
}

/** Presses Enter on the focused control that opens a file chooser, and picks `file` in it. */
async function chooseFileWithEnter(page: Page, file: string) {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Enter')]);
  await chooser.setFiles(file);
}

/** Presses ArrowDown until `target` (an item of an open menu or list) has focus; checks before the first press. */
async function arrowTo(page: Page, target: Locator, max = 6) {
  for (let presses = 0; presses <= max; presses++) {
    if (await isFocused(target)) return;
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`ArrowDown never reached ${target}`);
}

/** Presses ArrowDown until `option` of an open combobox is the highlighted one. */
async function highlight(page: Page, option: Locator, max = 6) {
  for (let presses = 0; presses <= max; presses++) {
    if ((await option.getAttribute('data-combobox-selected')) !== null) return;
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`ArrowDown never highlighted ${option}`);
}

async function signInWithKeyboard(page: Page, baseUrl: string, email: string) {
  await page.context().clearCookies(); // whoever was signed in before in this browser
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByRole('textbox', { name: /^Email/ }).waitFor();
  expect(await isFocused(page.getByRole('textbox', { name: /^Email/ }))).toBe(true);
  await page.keyboard.type(email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(demoPassword);
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
}

/** An image that has loaded (a poster the server answered with a decodable JPEG). */
const loadedImage = (image: Locator) =>
  image.evaluate((element) => (element as HTMLImageElement).complete && (element as HTMLImageElement).naturalWidth > 0);

describe.skipIf(!hasBrowser)('keyboard-only journeys, posters and captions', () => {
  const suite = useAppInBrowser();

  test('an admin creates a session with the keyboard alone: skip link, dialog focus, products, video, and focus back', async () => {
    const page = await newPage(suite);
    await signInWithKeyboard(page, suite.app.url, demoUsers.admin.email);
    await page.getByRole('heading', { level: 1 }).waitFor();

    // The first Tab reaches the skip link, which shows itself and moves focus to the main content.
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to main content' });
    expect(await isFocused(skip)).toBe(true);
    expect(await skip.isVisible()).toBe(true);
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main-content');

    // Back up to the navigation and open Expert sessions.
    await tabTo(page, page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Expert sessions' }), {
      backwards: true,
    });
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Expert sessions', level: 1 }).waitFor();

    const newSession = page.getByRole('button', { name: 'New session' });
    await tabTo(page, newSession);
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'New expert session' });
    // The dialog opens on its first field, not on its Close button.
    await expect.poll(() => isFocused(dialog.getByLabel(/^Title/))).toBe(true);
    await page.keyboard.type(sessionTitle);
    await page.keyboard.press('Tab');
    await page.keyboard.type('What to say when asked for a number.');
    await tabTo(page, dialog.getByRole('combobox', { name: /^Products/ }));
    await page.keyboard.type('Interview');
    await page.getByRole('option', { name: 'Interview Ready' }).waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect
      .poll(() =>
        dialog
          .getByRole('combobox', { name: /^Products/ })
          .evaluate((input) => input.closest('.mantine-InputWrapper-root')?.textContent ?? ''),
      )
      .toContain('Interview Ready');
    await tabTo(page, dialog.getByRole('button', { name: 'Choose a file' }));
    await chooseFileWithEnter(page, sampleVideo);
    await dialog.getByText('Uploaded.', { exact: false }).waitFor();
    await tabTo(page, dialog.getByRole('button', { name: 'Create session' }));
    await page.keyboard.press('Enter');

    // The dialog closes and a notification says what was created (lib/feedback.tsx).
    await dialog.waitFor({ state: 'detached' });
    await page
      .getByRole('status')
      .filter({ hasText: new RegExp(`${sessionTitle}” created: \\d+:\\d\\d long`) })
      .waitFor();
    // Focus goes back to what opened the dialog, not to the page's body.
    await expect.poll(() => isFocused(newSession)).toBe(true);

    // The poster was taken at upload and shows beside the title.
    const row = page.getByRole('row').filter({ has: page.getByText(sessionTitle, { exact: true }) });
    await expect.poll(() => loadedImage(row.locator('img'))).toBe(true);
    await page.close();
  });

  test('captions are added with the keyboard, checked, and listed; a broken file is refused line by line', async () => {
    const page = await newPage(suite); // the admin is still signed in (one browser profile)
    await page.goto(`${suite.app.url}/admin/expert-sessions`);
    const actions = page.getByRole('button', { name: `Actions for ${sessionTitle}` });
    await tabTo(page, actions);
    await page.keyboard.press('Enter');
    await arrowTo(page, page.getByRole('menuitem', { name: 'Edit' }));
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: `Edit ${sessionTitle}` });
    await expect.poll(() => isFocused(dialog.getByLabel(/^Title/))).toBe(true);

    // A file that is not WebVTT: refused, each problem named with its line.
    await tabTo(page, dialog.getByLabel(/^Language/));
    await page.keyboard.type('fr');
    await tabTo(page, dialog.getByRole('button', { name: /^WebVTT file/ }));
    const broken = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'jobready-vtt-')), 'broken.vtt');
    fs.writeFileSync(broken, 'Subtitles, but not WebVTT\n\n00:01 - 00:02 Hello\n');
    await chooseFileWithEnter(page, broken);
    await tabTo(page, dialog.getByRole('button', { name: 'Add captions' }));
    await page.keyboard.press('Enter');
    await dialog.getByRole('alert').getByText('These captions were not saved').waitFor();
    await dialog
      .getByRole('alert')
      .getByText(/^Line 1: /)
      .first()
      .waitFor();

    // English captions: accepted, named by the server from the tag.
    await tabTo(page, dialog.getByLabel(/^Language/), { backwards: true });
    await page.keyboard.press('Control+A');
    await page.keyboard.type('en');
    await tabTo(page, dialog.getByRole('button', { name: /^WebVTT file/ }));
    await chooseFileWithEnter(page, sampleCaptions);
    await tabTo(page, dialog.getByRole('button', { name: 'Add captions' }));
    await page.keyboard.press('Enter');
    await dialog.getByRole('list', { name: 'Captions' }).getByText('English').waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    // Focus is back on the menu button the dialog was opened from (the list refreshed meanwhile).
    await expect.poll(() => isFocused(actions)).toBe(true);

    // Open again for the screenshots (they resize the page, which redraws the list and its buttons).
    await page.keyboard.press('Enter');
    await arrowTo(page, page.getByRole('menuitem', { name: 'Edit' }));
    await page.keyboard.press('Enter');
    await captureScreens(
      page,
      'admin-expert-session-captions',
      (p) => p.getByRole('dialog').getByRole('button', { name: 'Add captions' }).scrollIntoViewIfNeeded(),
      {
        mobileFullPage: false,
      },
    );
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    const row = page.getByRole('row').filter({ has: page.getByText(sessionTitle, { exact: true }) });
    await row.getByText('Captions: English').waitFor();
    // A table on a desktop, a list on a phone.
    await captureScreens(page, 'admin-expert-sessions-posters', (p) => p.getByText('Captions: English').first().waitFor());
    await signOut(page);
    await page.close();
  });

  test('the student sees the poster in the list and in the player, with the captions as a track', async () => {
    const page = await newPage(suite);
    await signInWithKeyboard(page, suite.app.url, demoData.users.priya.email);
    await page.goto(`${suite.app.url}/learn/expert-sessions`);
    const card = page.getByRole('list', { name: 'Sessions' }).getByRole('listitem', { name: sessionTitle });
    await expect.poll(() => loadedImage(card.locator('img'))).toBe(true);
    await captureScreens(page, 'learner-expert-sessions-posters', (p) =>
      p.getByRole('list', { name: 'Sessions' }).getByRole('listitem', { name: sessionTitle }).locator('img').waitFor(),
    );

    await tabTo(page, card.getByRole('link', { name: `Start watching: ${sessionTitle}` }));
    await page.keyboard.press('Enter');
    const video = page.getByLabel(`Video: ${sessionTitle}`);
    await video.waitFor();
    expect(await video.getAttribute('poster')).toMatch(/\/api\/app\/job-readiness\/expert-sessions\/[\w-]+\/poster$/);
    const track = video.locator('track');
    expect(
      await track.evaluate((element) => ({
        kind: element.getAttribute('kind'),
        srclang: element.getAttribute('srclang'),
        label: element.getAttribute('label'),
      })),
    ).toEqual({
      kind: 'captions',
      srclang: 'en',
      label: 'English',
    });
    // Chromium speaks en-US: the English captions are on from the start, and their cues load.
    await expect.poll(() => video.evaluate((element) => (element as HTMLVideoElement).textTracks[0]?.mode)).toBe('showing');
    await expect.poll(() => video.evaluate((element) => (element as HTMLVideoElement).textTracks[0]?.cues?.length ?? 0)).toBeGreaterThan(0);
    await page.getByText('Captions: English').waitFor();
    await captureScreens(page, 'learner-expert-session-player-captions', (p) => p.getByText('Captions: English').waitFor());
    await signOut(page);
    await page.close();
  });

  test('an admin assigns a mentor with the keyboard alone: search, pick, role, notes, save', async () => {
    const page = await newPage(suite);
    await signInWithKeyboard(page, suite.app.url, demoUsers.admin.email);
    // A worklet without mentors to assign to (made through the API: the journey here is the assignment).
    const products = await (await page.request.get(`${suite.app.url}/api/admin/products?search=Interview%20Ready`)).json();
    const productId = products.products.find((product: { name: string }) => product.name === 'Interview Ready').id;
    const created = await page.request.post(`${suite.app.url}/api/worklets`, {
      headers: { origin: suite.app.url },
      data: {
        cert_id: '25KBD01WT',
        title: 'Keyboard worklet',
        description: 'Assigned without a mouse.',
        status: 'ongoing',
        product_id: productId,
      },
    });
    expect(created.status()).toBe(201);

    await page.goto(`${suite.app.url}/admin/worklets`);
    const card = page.getByRole('listitem', { name: /^25KBD01WT / });
    await card.getByText('No mentor yet').waitFor();
    const mentorsButton = card.getByRole('button', { name: 'Mentors of Keyboard worklet' });
    await tabTo(page, mentorsButton);
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Mentors of Keyboard worklet' });
    // The dialog opens on the mentor search, not on Close.
    const search = dialog.getByRole('combobox', { name: /^Mentors/ });
    await expect.poll(() => isFocused(search)).toBe(true);
    // The options are the server's answer to the search (after a pause in typing): wait for it, as the eye does.
    await page.keyboard.type('maya');
    await expect.poll(() => page.getByRole('option').allInnerTexts()).toEqual([expect.stringMatching(/^Maya Mentor/)]);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    // Picking clears the search (else clear it); Backspace on an empty search would drop the last pick.
    if (await search.inputValue()) {
      await page.keyboard.press('Control+A');
      await page.keyboard.press('Backspace');
    }
    await page.keyboard.type('omar');
    // Those chosen stay listed (Maya): move down to Omar.
    await expect.poll(() => page.getByRole('option').allInnerTexts()).toEqual(['Maya Mentor', expect.stringMatching(/^Omar Mentor/)]);
    await highlight(page, page.getByRole('option', { name: /^Omar Mentor/ }));
    await page.keyboard.press('Enter');
    // The first chosen is Primary, the next Secondary; Omar becomes a Collaborator, by keyboard.
    const omarRole = dialog.getByRole('combobox', { name: 'Role of Omar Mentor' });
    await tabTo(page, omarRole);
    await page.keyboard.press('ArrowDown'); // opens the list
    await highlight(page, page.getByRole('option', { name: /^Collaborator/ }));
    await page.keyboard.press('Enter');
    await expect.poll(() => omarRole.inputValue()).toMatch(/^Collaborator/);
    await tabTo(page, dialog.getByLabel('Notes for Maya Mentor'), { backwards: true });
    await page.keyboard.type('Leads the weekly reviews.');
    await tabTo(page, dialog.getByRole('button', { name: 'Save mentors' }));
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => card.locator('[data-role]').allInnerTexts()).toEqual(['★ Maya Mentor · Primary', 'Omar Mentor · Collaborator']);
    await expect.poll(() => isFocused(mentorsButton)).toBe(true);
    await page.close();
  });
});
