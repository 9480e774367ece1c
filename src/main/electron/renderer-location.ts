import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Where our own page lives: the built `index.html` on disk, or (development only) the
 * electron-vite dev server. Navigation, IPC sender checks and the CSP all ask "is this URL
 * ours?", so the answer is computed in one place.
 */
export type RendererLocation =
  { kind: 'file'; indexPath: string; url: string } | { kind: 'dev'; url: string; origin: string };

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export interface RendererLocationInput {
  /** `process.env.ELECTRON_RENDERER_URL`, set by `electron-vite dev`. */
  devServerUrl: string | undefined;
  /** `app.isPackaged`: a shipped app never loads a URL taken from its environment. */
  isPackaged: boolean;
  /** Absolute path of the built renderer's index.html. */
  indexPath: string;
}

export function resolveRendererLocation(input: RendererLocationInput): RendererLocation {
  const dev = input.isPackaged ? undefined : loopbackHttpUrl(input.devServerUrl);
  if (dev) return { kind: 'dev', url: dev.href, origin: dev.origin };
  return { kind: 'file', indexPath: input.indexPath, url: pathToFileURL(input.indexPath).href };
}

/**
 * The dev server URL is honoured only on loopback over http(s): anything else in that
 * variable would hand our preload API to a page we do not control.
 */
function loopbackHttpUrl(value: string | undefined): URL | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    const web = url.protocol === 'http:' || url.protocol === 'https:';
    return web && LOOPBACK_HOSTS.has(url.hostname) ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * True when `url` is our page: same origin as the dev server, or the very index.html file
 * (any query or hash). Other file:// URLs are not ours: a file page could be anything on disk.
 */
export function isOwnUrl(location: RendererLocation, url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (location.kind === 'dev') return parsed.origin === location.origin;
  if (parsed.protocol !== 'file:') return false;
  const path = filePathOf(parsed);
  return path !== undefined && samePath(path, location.indexPath);
}

function filePathOf(url: URL): string | undefined {
  try {
    return fileURLToPath(url);
  } catch {
    // e.g. file://remote-host/share on POSIX
    return undefined;
  }
}

function samePath(a: string, b: string): boolean {
  // Windows paths are case-insensitive and Chromium may report the drive letter differently.
  return process.platform === 'win32' ? a.toLowerCase() === b.toLowerCase() : a === b;
}
