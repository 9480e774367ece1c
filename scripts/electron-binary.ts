/**
 * Where Electron's own program is, without downloading it. The `electron` package keeps only
 * a launcher; the program (about 100 MB) is downloaded on first use by `require('electron')`,
 * which fails with a stack trace where there is no network. `npm start` and the Electron
 * end-to-end tests ask here first, so they can say what is missing instead.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export interface ElectronBinary {
  /** The version the `electron` package installs, e.g. `45.5.0`. */
  version: string;
  /** `linux-x64`, `darwin-arm64`, `win32-x64`… */
  target: string;
  /** Where the program is, or would be. */
  path: string;
  present: boolean;
  /** Electron's download cache (`electron_config_cache`, else the system's cache folder). */
  cacheDir: string;
}

export interface FindOptions {
  /** The `electron` package folder; default: the one this project resolves. */
  electronDir?: string;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  arch?: string;
  home?: string;
}

/** The executable inside Electron's dist folder, as electron/install.js names it. */
function executableName(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'Electron.app/Contents/MacOS/Electron';
  return platform === 'win32' ? 'electron.exe' : 'electron';
}

/** Electron's download cache, as @electron/get chooses it (env-paths' cache folder). */
export function electronCacheDir(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
  home: string,
): string {
  if (env.electron_config_cache) return env.electron_config_cache;
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'electron');
  if (platform === 'win32') {
    return join(env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), 'electron', 'Cache');
  }
  return join(env.XDG_CACHE_HOME ?? join(home, '.cache'), 'electron');
}

export function findElectronBinary(options: FindOptions = {}): ElectronBinary {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const arch = options.arch ?? process.arch;
  // package.json only: resolving 'electron' itself would start the download.
  const electronDir =
    options.electronDir ?? dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  const { version } = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  const pathFile = join(electronDir, 'path.txt');
  const name = existsSync(pathFile) ? readFileSync(pathFile, 'utf8') : executableName(platform);
  // The same override electron/index.js honours (a folder holding an unpacked Electron).
  const dist = env.ELECTRON_OVERRIDE_DIST_PATH ?? join(electronDir, 'dist');
  const path = join(dist, name);
  return {
    version,
    target: `${platform}-${arch}`,
    path,
    present: existsSync(path),
    cacheDir: electronCacheDir(env, platform, options.home ?? homedir()),
  };
}

/** Word-wraps one paragraph for a terminal. */
export function wrap(text: string, width = 96): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}

/** What `npm start` says when the program is missing: what, what works now, how to get it. */
export function missingElectronMessage(binary: ElectronBinary): string {
  return wrap(
    `ClawDesk cannot start its desktop window: Electron's own program (Electron ${binary.version} ` +
      `for ${binary.target}) is not on this machine (looked for ${binary.path}). npm installs ` +
      `only Electron's package; the program itself, about 100 MB, is downloaded the first time ` +
      `it is needed, and that has not happened here. The same app works now without it: ` +
      '`npm run serve` opens ClawDesk in your browser. To get Electron, run ' +
      "`npx electron --version` where Electron's downloads can be reached; it keeps the " +
      `download in its cache folder (${binary.cacheDir}, or the folder named by ` +
      'electron_config_cache), so it happens once. Behind a firewall, set ELECTRON_MIRROR to a ' +
      "mirror of Electron's releases first. Then run `npm start` again.",
  );
}
