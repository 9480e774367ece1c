import { defineConfig } from '@playwright/test';

/**
 * The Electron end-to-end tests (`npm run test:electron`, which skips them with one line where
 * Electron's program is missing). Each test launches the built app with its own data folder
 * and fake gateway, one at a time: an Electron app is a whole browser.
 */
export default defineConfig({
  testDir: 'test/electron',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 120_000,
  expect: { timeout: 30_000 },
  reporter: [['list']],
  outputDir: 'test-results/electron',
});
