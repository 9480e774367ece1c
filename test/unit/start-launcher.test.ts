import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  electronCacheDir,
  findElectronBinary,
  missingElectronMessage,
} from '../../scripts/electron-binary.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/**
 * `npm start` on a machine without Electron's program: one paragraph and exit code 1, never
 * the download attempt's stack trace. The child-process test runs the real script with
 * Electron's own override variable pointing at an empty folder, so it never downloads.
 */
const root = resolve(import.meta.dirname, '../..');
let dir: ReturnType<typeof tempDir>;
let electronDir: string;

beforeEach(() => {
  dir = tempDir('clawdesk-start-');
  electronDir = join(dir.path, 'electron');
  mkdirSync(electronDir);
  writeFileSync(join(electronDir, 'package.json'), JSON.stringify({ version: '45.5.0' }));
});
afterEach(() => dir.cleanup());

describe('findElectronBinary', () => {
  it('finds no program in a package that never downloaded it, and names where it would be', () => {
    const binary = findElectronBinary({ electronDir, env: {}, platform: 'linux', arch: 'x64' });
    expect(binary).toMatchObject({
      version: '45.5.0',
      target: 'linux-x64',
      present: false,
      path: join(electronDir, 'dist', 'electron'),
    });
  });

  it('finds the program where path.txt says, or under ELECTRON_OVERRIDE_DIST_PATH', () => {
    mkdirSync(join(electronDir, 'dist'));
    writeFileSync(join(electronDir, 'path.txt'), 'electron.exe');
    writeFileSync(join(electronDir, 'dist', 'electron.exe'), '');
    const installed = findElectronBinary({ electronDir, env: {}, platform: 'win32' });
    expect(installed.present).toBe(true);
    const override = join(dir.path, 'unpacked');
    mkdirSync(override);
    writeFileSync(join(override, 'electron.exe'), '');
    const env = { ELECTRON_OVERRIDE_DIST_PATH: override };
    expect(findElectronBinary({ electronDir, env }).path).toBe(join(override, 'electron.exe'));
  });

  it('names the program per system', () => {
    const mac = findElectronBinary({ electronDir, env: {}, platform: 'darwin', arch: 'arm64' });
    expect(mac.path).toBe(join(electronDir, 'dist', 'Electron.app/Contents/MacOS/Electron'));
    expect(findElectronBinary({ electronDir, env: {}, platform: 'win32' }).path).toBe(
      join(electronDir, 'dist', 'electron.exe'),
    );
  });

  it('names Electron’s download cache as @electron/get chooses it', () => {
    expect(electronCacheDir({}, 'linux', '/home/u')).toBe(join('/home/u', '.cache', 'electron'));
    expect(electronCacheDir({ XDG_CACHE_HOME: '/c' }, 'linux', '/home/u')).toBe(
      join('/c', 'electron'),
    );
    expect(electronCacheDir({}, 'darwin', '/Users/u')).toBe(
      join('/Users/u', 'Library', 'Caches', 'electron'),
    );
    expect(electronCacheDir({ LOCALAPPDATA: 'C:/L' }, 'win32', 'C:/u')).toBe(
      join('C:/L', 'electron', 'Cache'),
    );
    expect(electronCacheDir({ electron_config_cache: '/x' }, 'win32', 'C:/u')).toBe('/x');
  });
});

describe('npm start without Electron’s program', () => {
  it('says in one paragraph what is missing, what works now and how to get it', () => {
    const binary = findElectronBinary({ electronDir, env: {}, platform: 'linux', arch: 'x64' });
    const message = missingElectronMessage(binary);
    for (const part of [
      'Electron 45.5.0 for linux-x64',
      binary.path,
      '`npm run serve`',
      '`npx electron --version`',
      'ELECTRON_MIRROR',
      binary.cacheDir,
      '`npm start` again',
    ]) {
      expect(message.replaceAll('\n', ' ')).toContain(part);
    }
    expect(message).not.toMatch(/\n\s*\n/);
    for (const line of message.split('\n')) expect(line.length).toBeLessThanOrEqual(96);
  });

  it('exits 1 with that paragraph and no stack trace', () => {
    const empty = join(dir.path, 'no-electron-here');
    mkdirSync(empty);
    const run = spawnSync(process.execPath, [join(root, 'scripts/start.ts')], {
      cwd: root,
      env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: empty },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^ClawDesk cannot start its desktop window/);
    expect(run.stderr).toContain('npm run serve');
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stderr).not.toMatch(/Error:/);
  });
});
