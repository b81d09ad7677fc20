import { defineConfig } from 'vitest/config';

const integration = ['src/**/*.test.ts', 'test/**/*.test.ts'];
const unit = ['src/**/*.unit.test.ts', 'test/**/*.unit.test.ts'];
const onPostgres = Boolean(process.env.TEST_DATABASE_URL);
if (process.env.CI === 'true' && !onPostgres) {
  throw new Error('CI must run the integration tests on PostgreSQL too: set TEST_DATABASE_URL.');
}

export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: unit } },
      {
        extends: true,
        test: {
          name: 'pglite',
          include: integration,
          exclude: unit,
          globalSetup: ['test/support/global-setup.ts'],
          provide: { engine: 'pglite' },
        },
      },
      ...(onPostgres
        ? [
            {
              extends: true as const,
              test: {
                name: 'postgres',
                include: integration,
                exclude: unit,
                globalSetup: ['test/support/global-setup.ts'],
                provide: { engine: 'postgres' as const },
              },
            },
          ]
        : []),
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['e2e/**/*.e2e.ts'],
          testTimeout: 120_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
