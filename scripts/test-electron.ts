/**
 * `npm run test:electron`: the Electron end-to-end tests (test/electron, Playwright's
 * `_electron` against the built app). Where Electron's program is missing they are skipped
 * with one line saying so, because it cannot always be downloaded (these development machines
 * cannot); with CLAWDESK_REQUIRE_ELECTRON=1, as the CI workflow sets, a missing program is a
 * failure instead. Arguments go to `playwright test`. On Linux without a display, run it
 * under `xvfb-run -a`.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { findElectronBinary, missingElectronMessage } from './electron-binary.ts';

const binary = findElectronBinary();
if (!binary.present) {
  if (process.env.CLAWDESK_REQUIRE_ELECTRON === '1') {
    console.error(missingElectronMessage(binary));
    process.exit(1);
  }
  console.log(
    `skipped the Electron end-to-end tests: no Electron program at ${binary.path} ` +
      '(`npx electron --version` downloads it; the CI workflow runs them)',
  );
  process.exit(0);
}

const require = createRequire(import.meta.url);
const run = (script: string, args: string[]): void => {
  const { status, signal } = spawnSync(process.execPath, [script, ...args], { stdio: 'inherit' });
  if (status !== 0) process.exit(status ?? (signal ? 1 : 0));
};
// electron-vite does not export its bin; its package.json is exported.
const electronVite = join(dirname(require.resolve('electron-vite/package.json')), 'bin');
run(join(electronVite, 'electron-vite.js'), ['build', '--logLevel', 'warn']);
const playwright = require.resolve('@playwright/test/cli');
run(playwright, ['test', '-c', 'playwright.electron.config.ts', ...process.argv.slice(2)]);
