import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { listPackage } from '@electron/asar';
import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUSES, packagedProgram } from '../../scripts/after-pack.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/**
 * electron-builder.yml run for real (`electron-builder --linux dir`), with a stand-in for
 * Electron's program: electron-builder downloads the real one, which cannot happen here. The
 * stand-in carries Electron's fuse wire (sentinel, version 1, nine fuses), so the afterPack
 * hook flips it as it would the real program. What this proves: the app's files, the
 * production dependencies and nothing else go into app.asar, better-sqlite3's binaries are
 * unpacked, and the fuses end up as scripts/after-pack.ts says. What it cannot: that the real
 * Electron starts from it (the workflow's Electron tests and release builds do that).
 */
const root = resolve(import.meta.dirname, '../..');
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
// Electron's shipped defaults: RunAsNode, NODE_OPTIONS and --inspect on, the rest off.
const SHIPPED_WIRE = '101100000';
let dir: ReturnType<typeof tempDir>;
let appOutDir: string;
let build: ReturnType<typeof spawnSync>;

function fakeElectronDist(path: string): void {
  mkdirSync(join(path, 'resources'), { recursive: true });
  const wire = Buffer.concat([
    Buffer.from('\x7fELF stand-in for the Electron program\n'),
    Buffer.from(SENTINEL),
    Buffer.from([1, SHIPPED_WIRE.length]),
    Buffer.from(SHIPPED_WIRE),
    Buffer.alloc(64),
  ]);
  writeFileSync(join(path, 'electron'), wire);
  chmodSync(join(path, 'electron'), 0o755);
  writeFileSync(join(path, 'version'), 'v45.5.0');
  writeFileSync(join(path, 'LICENSE'), 'MIT');
}

beforeAll(() => {
  dir = tempDir('clawdesk-package-');
  const dist = join(dir.path, 'electron-dist');
  fakeElectronDist(dist);
  const node = (script: string, args: string[]) =>
    spawnSync(process.execPath, [script, ...args], { cwd: root, encoding: 'utf8' });
  // The app's own files come from electron-vite's build; an earlier one will do.
  if (!existsSync(join(root, 'out/main/index.js'))) {
    // electron-vite exports its package.json, not its bin.
    const pkg = createRequire(import.meta.url).resolve('electron-vite/package.json');
    expect(node(join(pkg, '../bin/electron-vite.js'), ['build', '--logLevel', 'warn']).status).toBe(
      0,
    );
  }
  const builder = createRequire(import.meta.url).resolve('electron-builder/cli.js');
  const output = join(dir.path, 'installers');
  build = node(builder, [
    '--linux',
    'dir',
    '--x64',
    `-c.electronDist=${dist}`,
    `-c.directories.output=${output}`,
  ]);
  appOutDir = join(output, 'linux-unpacked');
}, 240_000);
afterAll(() => dir?.cleanup());

describe('packaging with electron-builder.yml', () => {
  it('packages without an error', () => {
    expect(build.status, `${build.stdout}\n${build.stderr}`).toBe(0);
    expect(existsSync(join(appOutDir, 'clawdesk'))).toBe(true);
  });

  it('puts the built app and the production dependencies in app.asar, and nothing else', () => {
    const files = listPackage(join(appOutDir, 'resources/app.asar'), { isPack: false }).map((f) =>
      f.replaceAll('\\', '/'),
    );
    for (const file of [
      '/package.json',
      '/out/main/index.js',
      '/out/main/worker.js',
      '/out/preload/index.cjs',
      '/out/renderer/index.html',
    ]) {
      expect(files).toContain(file);
    }
    const topLevel = new Set(files.map((f) => f.split('/')[1]));
    expect([...topLevel].sort()).toEqual(['node_modules', 'out', 'package.json']);
    for (const dependency of ['better-sqlite3', 'undici', 'zod', 'ws', 'bottleneck']) {
      expect(files).toContain(`/node_modules/${dependency}/package.json`);
    }
    for (const devOnly of ['electron', 'react', 'vitest', 'electron-builder']) {
      expect(files).not.toContain(`/node_modules/${devOnly}/package.json`);
    }
    expect(files.filter((f) => f.startsWith('/node_modules/better-sqlite3/deps'))).toEqual([]);
  });

  it('unpacks better-sqlite3’s binaries next to app.asar (none can load from inside it)', () => {
    const unpacked = join(appOutDir, 'resources/app.asar.unpacked/node_modules/better-sqlite3');
    expect(readdirSync(join(unpacked, 'prebuilds'))).toContain('linux-x64.node');
  });

  it('flips the fuses the hook names, and leaves the others as Electron shipped them', async () => {
    const wire = await getCurrentFuseWire(join(appOutDir, 'clawdesk'));
    const expected = (option: FuseV1Options): number => {
      const wanted = (FUSES as Partial<Record<FuseV1Options, boolean>>)[option];
      if (wanted === undefined) return SHIPPED_WIRE.charCodeAt(option);
      return wanted ? FuseState.ENABLE : FuseState.DISABLE;
    };
    for (let option = 0; option < SHIPPED_WIRE.length; option += 1) {
      expect(wire[option as FuseV1Options], FuseV1Options[option]).toBe(expected(option));
    }
    expect(wire[FuseV1Options.RunAsNode]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(FuseState.ENABLE);
  });
});

describe('packagedProgram', () => {
  const packager = { appInfo: { productFilename: 'ClawDesk' }, executableName: 'clawdesk' };
  it('names the program electron-builder packaged on each system', () => {
    const at = (electronPlatformName: string) =>
      packagedProgram({ appOutDir: '/o', electronPlatformName, arch: 1, packager });
    expect(at('linux')).toBe(join('/o', 'clawdesk'));
    expect(at('win32')).toBe(join('/o', 'ClawDesk.exe'));
    expect(at('darwin')).toBe(join('/o', 'ClawDesk.app'));
  });
});
