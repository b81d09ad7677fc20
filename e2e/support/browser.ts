import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const chromiumPath = '/usr/bin/chromium';

/** Without Debian's Chromium the e2e suite is skipped on a laptop, but in CI it must fail. */
export const hasBrowser = fs.existsSync(chromiumPath);
if (!hasBrowser && process.env.CI === 'true') {
  throw new Error(`CI=true but ${chromiumPath} is missing: install it with \`apt-get install -y chromium\`.`);
}

export const desktop = { width: 1280, height: 800 };
export const mobile = { width: 375, height: 812 };

export type Browser = { context: BrowserContext; newPage: () => Promise<Page>; close: () => Promise<void> };

/** A fresh Chromium profile per call, so no cookie or cache leaks between tests. */
export async function launchBrowser(): Promise<Browser> {
  const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobready-chromium-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath,
    headless: true,
    viewport: desktop,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  context.setDefaultTimeout(15_000);
  return {
    context,
    newPage: () => context.newPage(),
    close: async () => {
      await context.close();
      fs.rmSync(profileDir, { recursive: true, force: true });
    },
  };
}
