import { afterAll, beforeAll } from 'vitest';
import { startApp, type RunningApp } from './app-server.ts';
import { launchBrowser, type Browser } from './browser.ts';

/**
 * For a describe block: the app started as a user starts it and a fresh Chromium before its tests,
 * both stopped after them. Read `suite.app` and `suite.browser` inside tests and hooks.
 */
export function useAppInBrowser() {
  const suite = {} as { app: RunningApp; browser: Browser };
  beforeAll(async () => {
    [suite.app, suite.browser] = await Promise.all([startApp(), launchBrowser()]);
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.app?.stop();
  });
  return suite;
}
