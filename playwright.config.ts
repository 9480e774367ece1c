import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumOnPath } from './test/helpers/chromium.ts';

export default defineConfig({
  testDir: 'test/e2e',
  // Specs share one headless server and its database: run them one at a time, in order.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: !!process.env.CI,
  // A run includes gateway retries with backoff before a task fails: give it room.
  timeout: 90_000,
  expect: { timeout: 30_000 },
  reporter: [['list'], ['html', { open: 'never' }]],
  globalSetup: './test/e2e/global-setup.ts',
  outputDir: 'test-results/artifacts',
  use: {
    browserName: 'chromium',
    headless: true,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromiumOnPath(),
      args: CHROMIUM_ARGS,
    },
  },
});
