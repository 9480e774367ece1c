import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron as electron, type ElectronApplication, type Page } from '@playwright/test';
import { findElectronBinary } from '../../../scripts/electron-binary.ts';
import type { FakeGateway } from '../../helpers/fake-gateway.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const binary = findElectronBinary();

/** Why the suite cannot run here, or undefined. scripts/test-electron.ts says it once. */
export const NO_ELECTRON = binary.present ? undefined : `no Electron program at ${binary.path}`;

/** A data folder of its own for one test (kept across a restart within the test). */
export function dataFolder(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'clawdesk-electron-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface LaunchedApp {
  app: ElectronApplication;
  window: Page;
  /** Everything the main process and its workers printed. */
  log: string[];
}

/**
 * Launches the built app (out/, through package.json's `main`) with Electron's program, on the
 * given data folder and gateway. Not the packaged app: its fuses turn off `--inspect`, through
 * which Playwright drives the main process.
 */
export async function launchApp(dataDir: string, gateway: FakeGateway): Promise<LaunchedApp> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || name.startsWith('CLAWDESK_') || name.startsWith('ELECTRON_')) {
      continue;
    }
    env[name] = value;
  }
  const app = await electron.launch({
    executablePath: binary.path,
    args: [ROOT],
    cwd: ROOT,
    env: {
      ...env,
      CLAWDESK_DATA_DIR: dataDir,
      CLAWDESK_GATEWAY_URL: gateway.url,
      CLAWDESK_GATEWAY_TOKEN: gateway.token,
      CLAWDESK_WORKERS: '2',
    },
    timeout: 60_000,
  });
  const log: string[] = [];
  app.process().stderr?.on('data', (chunk: Buffer) => log.push(chunk.toString()));
  app.process().stdout?.on('data', (chunk: Buffer) => log.push(chunk.toString()));
  const window = await app.firstWindow();
  await window.waitForLoadState('domcontentloaded');
  return { app, window, log };
}
